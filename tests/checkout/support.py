"""A buyer with a cart, an address, a coupon and points, for checkout tests at the service level."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from chalicelib.adapters.payments import PaymentEvent, PaymentState
from chalicelib.adapters.payments.simulated import SimulatedPayments
from chalicelib.addresses import service as addresses
from chalicelib.addresses.rules import AddressFields
from chalicelib.cart import service as cart
from chalicelib.catalog import service as catalog
from chalicelib.catalog.rules import ProductStatus
from chalicelib.core.clock import utc_now
from chalicelib.core.ids import new_id
from chalicelib.core.principal import Principal, Role
from chalicelib.coupons import service as coupons
from chalicelib.coupons.rules import CouponTerms, DiscountKind, Validity
from chalicelib.points.store import post_earn

OPERATOR = Principal("01J0000000000000000000OPER", Role.OPERATOR)
PAYMENTS = SimulatedPayments(b"checkout-tests-key-0123456789")


@dataclass
class Shop:
    merchant: Principal
    product_id: str
    sku_ids: list[str]


def shop(*, skus: int = 2, price: int = 6000, stock: int = 10, merchant: Principal | None = None) -> Shop:
    merchant = merchant or Principal(new_id(), Role.MERCHANT)
    category = catalog.create_category(OPERATOR, "Fruit", None)
    record = catalog.create_product(merchant, catalog.NewProduct(
        category_id=category.id, name="Mango", status=ProductStatus.ACTIVE,
        skus=tuple(catalog.SkuInput(code=f"M{i}", price=price, stock=stock) for i in range(skus))), utc_now())
    return Shop(merchant, record.product.id, [s.id for s in record.skus])


def buyer(store: Shop | None = None, *, quantities: tuple[int, ...] = (), points: int = 0) -> Principal:
    """A customer with a default address, the shop's SKUs in the cart (one line each, in
    ``quantities``) and ``points`` available."""
    customer = Principal(new_id(), Role.CUSTOMER)
    addresses.add_address(customer, AddressFields("演示", "13800000002", "110000", "110100", "110101", "1 号"),
                          True, utc_now())
    if store is not None:
        for sku_id, quantity in zip(store.sku_ids, quantities, strict=False):
            cart.add(customer, store.product_id, sku_id, quantity, utc_now())
    if points:
        post_earn(customer.user_id, f"test:{new_id()}", points, utc_now())
    return customer


def platform_coupon(customer: Principal, *, off: int = 1000, threshold: int = 0) -> str:
    template = coupons.create_template(OPERATOR, coupons.NewTemplate(
        title="test", terms=CouponTerms(DiscountKind.AMOUNT_OFF, amount_off=off, threshold=threshold),
        validity=Validity(valid_days=30), total=1000, per_user_limit=10), utc_now())
    return coupons.issue_coupon(customer.user_id, template.id, "test", utc_now()).id


def captured(payment_id: str, amount: int, at: datetime) -> PaymentEvent:
    return PaymentEvent(payment_id, f"T{new_id()}", PaymentState.SUCCESS, amount, "CNY", at.isoformat())


def later(seconds: int) -> datetime:
    return utc_now() + timedelta(seconds=seconds)
