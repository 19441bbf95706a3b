"""Access patterns of the checkout, one function per row of docs/data-model.md;
test_access_patterns.py runs them. Helpers start with "_"."""
from __future__ import annotations

import pytest

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


def _placed_transaction_sizes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    from chalicelib.core.table.transactions import Transaction

    sizes: list[int] = []
    commit = Transaction.commit

    def counted(tx):
        sizes.append(len(tx))
        return commit(tx)

    monkeypatch.setattr(Transaction, "commit", counted)
    return sizes


def place_a_checkout(emulator, category):
    from chalicelib.checkout import placing
    from tests.checkout.support import PAYMENTS, platform_coupon

    for lines in (1, 5):
        buyer = _buyer_with_a_cart(category.id, lines)
        coupon = platform_coupon(buyer, off=100)
        get_rules()
        with pytest.MonkeyPatch.context() as monkeypatch:
            sizes = _placed_transaction_sizes(monkeypatch)
            emulator.clear_log()
            placed = placing.place_order(buyer, CheckoutRequest(coupon_ids=(coupon,)), f"pattern-key-{lines:04d}",
                                         PAYMENTS, None, utc_now())
        merchants, coupons = len(placed.orders), 1
        # per line: its stock held and its cart line removed; the payment, one order per merchant, the coupons
        # used, the cart's header and the idempotency key.
        assert sizes == [2 * lines + 1 + merchants + coupons + 1 + 1]
        operations = emulator.dynamodb_operations()
        assert sorted(operations) == sorted(["Query", "BatchGetItem", "BatchGetItem", "Query", "GetItem", "GetItem",
                                             "GetItem", "GetItem", "TransactWriteItems"]), operations


def a_user_s_orders_of_every_kind_newest_first(emulator, category):
    import chalicelib.models  # noqa: F401 - the order kinds registered, as app.py has them
    from chalicelib.checkout import placing
    from chalicelib.core.table.paging import PageRequest
    from chalicelib.groupbuy import service as groupbuy
    from chalicelib.orders.rules import OrderKind, OrderState
    from chalicelib.orders.store import user_orders_page
    from tests.checkout.support import PAYMENTS
    from tests.groupbuy.support import RecordingPayments, deal_setup

    buyer = _buyer_with_a_cart(category.id, 1)
    deal, sku_id, _ = deal_setup()
    seat = groupbuy.open_team(buyer, deal.id, sku_id, None, RecordingPayments(), utc_now()).order
    placed = placing.place_order(buyer, CheckoutRequest(), "pattern-orders-1", PAYMENTS, None, utc_now())
    emulator.clear_log()
    page = user_orders_page(buyer.user_id, PageRequest(10))
    assert [(o.id, o.kind) for o in page.items] == [(placed.orders[0].id, OrderKind.REGULAR),
                                                    (seat.id, OrderKind.GROUP_BUY)]
    filtered = user_orders_page(buyer.user_id, PageRequest(1), frozenset({OrderState.AWAITING_PAYMENT}))
    assert filtered.items and filtered.end == placed.orders[0].id  # the page's end: the last order read
    assert emulator.dynamodb_operations() == ["Query", "Query"]
