"""Access patterns of the checkout, one function per row of docs/data-model.md;
test_access_patterns.py runs them. Helpers start with "_"."""
from __future__ import annotations

from chalicelib.addresses import service as addresses
from chalicelib.addresses.rules import AddressFields
from chalicelib.cart import service as cart
from chalicelib.catalog import service as catalog
from chalicelib.catalog.rules import ProductStatus
from chalicelib.checkout import preview as checkout
from chalicelib.checkout.rules import BuyNow, CheckoutRequest
from chalicelib.core.clock import utc_now
from chalicelib.core.ids import new_id
from chalicelib.core.principal import Principal, Role
from chalicelib.points.published.checkout import get_rules

_MERCHANT = Principal(new_id(), Role.MERCHANT)


def _buyer_with_a_cart(category_id: str, lines: int) -> Principal:
    buyer = Principal(new_id(), Role.CUSTOMER)
    record = catalog.create_product(_MERCHANT, catalog.NewProduct(
        category_id=category_id, name="Mango", status=ProductStatus.ACTIVE, skus=tuple(
            catalog.SkuInput(code=f"C{i}", price=1000 + i, stock=5) for i in range(lines))), utc_now())
    for sku in record.skus:
        cart.add(buyer, record.product.id, sku.id, 1, utc_now())
    addresses.add_address(buyer, AddressFields("演示", "13800000002", "110000", "110100", "110101", "1 号"), True,
                          utc_now())
    return buyer


def price_a_checkout_preview(emulator, category):
    buyer = _buyer_with_a_cart(category.id, 12)
    get_rules()  # the points rules: one GetItem a minute per container, read before
    emulator.clear_log()
    whole_cart = checkout.preview(buyer, CheckoutRequest(), utc_now())
    assert len(whole_cart.basket.lines) == 12
    operations = emulator.dynamodb_operations()
    assert sorted(operations) == sorted(
        ["Query", "BatchGetItem", "BatchGetItem", "Query", "GetItem", "GetItem", "GetItem"]), operations
    line = whole_cart.basket.lines[0]
    emulator.clear_log()
    checkout.preview(buyer, CheckoutRequest(buy_now=BuyNow(line.product_id, line.sku_id, 1)), utc_now())
    operations = emulator.dynamodb_operations()
    assert sorted(operations) == sorted(["BatchGetItem", "BatchGetItem", "Query", "GetItem", "GetItem", "GetItem"]), \
        operations
