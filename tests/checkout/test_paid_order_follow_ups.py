"""A regular order once paid: its products count as bought (verified purchase, RFM history)
and it earns pending points on what its lines paid, green products ×2; once, however often
the stream delivers the record."""
from __future__ import annotations

import os

import app as app_module
from chalicelib.checkout import paying
from chalicelib.checkout import stream_handlers as checkout_streams
from chalicelib.core.clock import utc_now
from chalicelib.core.table.models import TableItem
from chalicelib.groupbuy import stream_handlers as groupbuy_streams
from chalicelib.points.published.checkout import get_account
from chalicelib.purchases.published import is_purchase, paid_orders_newest_first, purchase_key
from devstack.streams import StreamPoller
from tests.checkout.support import captured, shop
from tests.checkout.test_placing import buyer, place


def deliver(emulator, monkeypatch) -> int:
    for module in (checkout_streams, groupbuy_streams):
        monkeypatch.setattr(module, "start_once", lambda arn, name, payload: True)
    (poller,) = StreamPoller.for_app(app_module.app, emulator.endpoint_url, os.environ["TUANSTACK_TABLE"])
    return poller.drain()


def test_a_paid_regular_order_is_a_purchase_and_earns_pending_points_once(emulator, monkeypatch):
    s = shop(price=6000)
    customer = buyer(s, quantities=(2,), points=1000)
    placed = place(customer, coupon_ids=(), points=1000)
    (order,) = placed.orders
    paid_goods = sum(line.paid for line in order.lines)  # ¥120 − ¥10 of points
    assert paying.apply_payment_event(captured(placed.payment.id, placed.payment.amount, utc_now()),
                                      utc_now()) == "applied"
    deliver(emulator, monkeypatch)
    history = list(paid_orders_newest_first(customer.user_id))
    assert [(p.order_id, p.product_id, p.amount) for p in history] == [(order.id, s.product_id, paid_goods)]
    assert is_purchase(TableItem.get(*purchase_key(customer.user_id, s.product_id), consistent_read=True))
    account = get_account(customer.user_id)
    assert account.pending == paid_goods // 100  # 1 point per ¥1 paid, pending for the return window
    assert account.available == 0  # the 1,000 spent at checkout
    # The same records again (a redelivery) change nothing.
    deliver(emulator, monkeypatch)
    assert get_account(customer.user_id).pending == paid_goods // 100
    assert len(list(paid_orders_newest_first(customer.user_id))) == 1


def test_an_unpaid_cancelled_order_is_neither_bought_nor_earns(emulator, monkeypatch):
    s = shop()
    customer = buyer(s, quantities=(1,))
    placed = place(customer, coupon_ids=())
    paying.cancel_by_buyer(customer, placed.payment.id, utc_now())
    deliver(emulator, monkeypatch)
    assert list(paid_orders_newest_first(customer.user_id)) == []
    assert get_account(customer.user_id).pending == 0
