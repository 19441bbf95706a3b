"""Access patterns of fulfilment (a merchant's orders, shipping, completing, an order's address), one
function per row of docs/data-model.md; test_access_patterns.py runs them. Helpers start with "_"."""
from __future__ import annotations

from datetime import timedelta

from chalicelib.addresses import service as addresses
from chalicelib.addresses.rules import AddressFields
from chalicelib.checkout import paying, placing
from chalicelib.checkout.rules import CheckoutRequest
from chalicelib.core.clock import utc_now
from chalicelib.core.ids import new_id
from chalicelib.core.table.paging import PageRequest
from chalicelib.fulfilment import service as fulfilment
from chalicelib.orders.published.kinds import OrderState
from tests.checkout.support import PAYMENTS, buyer, captured, shop


def _paid_order():
    """A paid regular order: (its shop, its buyer, its id)."""
    s = shop()
    customer = buyer(s, quantities=(1,))
    placed = placing.place_order(customer, CheckoutRequest(coupon_ids=()), new_id(), PAYMENTS, "openid-x", utc_now())
    assert paying.apply_payment_event(captured(placed.payment.id, placed.payment.amount, utc_now()),
                                      utc_now()) == "applied"
    return s, customer, placed.orders[0].id


def a_merchant_s_orders_of_every_kind_me_salesorders(emulator, category):
    s, _, order_id = _paid_order()
    now = utc_now()
    emulator.clear_log()
    page = fulfilment.sales_orders(s.merchant, s.merchant.user_id, PageRequest(10), None,
                                   now - timedelta(minutes=1), now + timedelta(minutes=1))
    assert [o.id for o in page.items] == [order_id]
    assert emulator.dynamodb_operations() == ["Query"]


def ship_an_order_shiporder(emulator, category):
    s, _, order_id = _paid_order()
    emulator.clear_log()
    assert fulfilment.ship_order(s.merchant, order_id, "SF", "SF1234567890", utc_now()).state is OrderState.SHIPPED
    assert emulator.dynamodb_operations() == ["GetItem", "UpdateItem"]


def complete_an_order_confirmreceipt_the_delivery_timer(emulator, category):
    s, customer, order_id = _paid_order()
    fulfilment.ship_order(s.merchant, order_id, "SF", "SF1234567890", utc_now())
    emulator.clear_log()
    assert fulfilment.confirm_receipt(customer, order_id, utc_now()).state is OrderState.COMPLETED
    assert emulator.dynamodb_operations() == ["GetItem", "UpdateItem"]
    emulator.clear_log()
    assert fulfilment.complete_when_due(order_id, utc_now() + timedelta(days=30)) == "already"
    assert emulator.dynamodb_operations() == ["GetItem"]


def give_an_order_its_address_setorderaddress(emulator, category):
    _, customer, order_id = _paid_order()
    other = addresses.add_address(customer, AddressFields("换地址", "13800000008", "110000", "110100", "110101",
                                                          "8 号"), False, utc_now())
    emulator.clear_log()
    assert fulfilment.set_order_address(customer, order_id, other.id).shipping_address.recipient == "换地址"
    assert emulator.dynamodb_operations() == ["GetItem", "GetItem", "UpdateItem"]
