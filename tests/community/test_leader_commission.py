"""A leader's commission on the orders for pickup at their point, through the table's stream as deployed: paid →
PENDING at the round's rates on what each line paid (not yet due); an after-sales refund of one unit → reversed
exactly; completed → due when its return window closes, and the settle-commissions job settles it then, once."""
from __future__ import annotations

import os
import sys
from datetime import timedelta

import app as app_module
from chalicelib.aftersales import refunds as aftersales_refunds
from chalicelib.aftersales import service as aftersales
from chalicelib.checkout import paying
from chalicelib.checkout.models import ShopOrderItem
from chalicelib.commissions import jobs as commission_jobs
from chalicelib.commissions import reads as commissions
from chalicelib.commissions.published import NOT_YET_KNOWN
from chalicelib.core.clock import iso, utc_now
from chalicelib.orders.store import ORDER_SK, get_order, order_pk
from devstack.streams import StreamPoller
from tests.aftersales.support import FAST, ask, move_order
from tests.checkout.support import PAYMENTS
from tests.community.pickup_support import ROUND_PRICE, customer, leader, open_round, pickup_request, place, stocked

RATE_BP = 1000  # 10%


def _deliver(emulator, monkeypatch) -> None:
    """Every record of the stream so far through the deployed consumer; timers are not started here."""
    for module in list(sys.modules.values()):
        if getattr(module, "__name__", "").startswith("chalicelib.") and hasattr(module, "start_once"):
            monkeypatch.setattr(module, "start_once", lambda arn, name, payload: True)
    (poller,) = StreamPoller.for_app(app_module.app, emulator.endpoint_url, os.environ["TUANSTACK_TABLE"])
    poller.drain()


def test_a_leader_earns_on_paid_pickup_orders_loses_refunded_shares_exactly_and_settles_after_the_window(
        emulator, monkeypatch):
    now = utc_now()
    s, leader_id = stocked(), leader()
    sold = open_round(s, [leader_id], cutoff=now.replace(microsecond=0) + timedelta(hours=2), now=now,
                      commission_bp=RATE_BP)
    buyer = customer()
    placed = place(buyer, pickup_request(sold.id, s, 2, 1, leader_id=leader_id), now)
    headers, body = PAYMENTS.simulate_capture(placed.payment.id)
    assert paying.apply_payment_event(PAYMENTS.parse_notification(headers, body), now) == "applied"
    _deliver(emulator, monkeypatch)
    earned = 2 * ROUND_PRICE * RATE_BP // 10000 + ROUND_PRICE * RATE_BP // 10000
    (entry,) = commissions.entries_page(leader_id, 10).items
    assert (entry.order_id, entry.amount, entry.hold_until) == (placed.orders[0].id, earned, NOT_YET_KNOWN)
    assert commissions.account(leader_id).pending == earned
    _deliver(emulator, monkeypatch)  # a redelivery accrues nothing more
    assert commissions.account(leader_id).pending == earned

    order = get_order(placed.orders[0].id)
    request = ask(buyer, order, lines=((order.lines[0].sku_id, 1),))
    aftersales.approve(s.merchant, request.id, utc_now(), FAST)
    aftersales_refunds.refund_request(request.id, PAYMENTS, utc_now())
    _deliver(emulator, monkeypatch)
    kept = ROUND_PRICE * RATE_BP // 10000 + ROUND_PRICE * RATE_BP // 10000  # one unit of line 0 refunded
    assert commissions.account(leader_id).pending == kept

    completed_at = utc_now()
    ShopOrderItem(order_pk(order.id), ORDER_SK).update(actions=[  # arrived at the point, then handed over
        ShopOrderItem.state.set("SHIPPED"), ShopOrderItem.shipped_at.set(iso(completed_at)),
        ShopOrderItem.complete_by.set(iso(completed_at + timedelta(days=3)))])
    move_order(order.id, "COMPLETED", completed_at=completed_at)
    _deliver(emulator, monkeypatch)
    returns_until = completed_at + timedelta(seconds=FAST.no_reason_return_seconds)
    (entry,) = commissions.entries_page(leader_id, 10).items
    assert iso(entry.hold_until) == iso(returns_until)
    commission_jobs.settle_due(returns_until - timedelta(seconds=1))
    assert (commissions.account(leader_id).pending, commissions.account(leader_id).available) == (kept, 0)
    commission_jobs.settle_due(returns_until)
    commission_jobs.settle_due(returns_until + timedelta(minutes=1))
    assert (commissions.account(leader_id).pending, commissions.account(leader_id).available) == (0, kept)


def test_a_refund_made_before_the_stream_is_read_is_still_reversed_after_the_accrual(emulator, monkeypatch):
    """The accrual (the order paid) and the reversal (its after-sales refund) both follow the order's own stream
    records, which a stream keeps in order: the reversal never comes first, whenever the consumer runs."""
    now = utc_now()
    s, leader_id = stocked(), leader()
    sold = open_round(s, [leader_id], cutoff=now.replace(microsecond=0) + timedelta(hours=2), now=now,
                      commission_bp=RATE_BP)
    buyer = customer()
    placed = place(buyer, pickup_request(sold.id, s, 2, leader_id=leader_id), now)
    headers, body = PAYMENTS.simulate_capture(placed.payment.id)
    assert paying.apply_payment_event(PAYMENTS.parse_notification(headers, body), now) == "applied"
    order = get_order(placed.orders[0].id)
    request = ask(buyer, order, lines=((order.lines[0].sku_id, 2),))
    aftersales.approve(s.merchant, request.id, utc_now(), FAST)
    aftersales_refunds.refund_request(request.id, PAYMENTS, utc_now())
    _deliver(emulator, monkeypatch)  # paid, then refunded in full: both records at once
    (entry,) = commissions.entries_page(leader_id, 10).items
    assert (entry.amount, entry.reversed) == (0, 2 * ROUND_PRICE * RATE_BP // 10000)
    assert commissions.account(leader_id).pending == 0


def test_the_job_holds_a_commission_back_while_a_refund_asked_in_the_window_is_still_open(emulator, monkeypatch):
    """The window closed with a return on its way back: the deployed job (app.py → commission_refunds) does not
    settle the entry then; once the request is withdrawn, a later run does."""
    import app as app_module
    from chalicelib.aftersales.keys import line_sk
    from chalicelib.aftersales.keys import order_pk as after_sales_order_pk
    from chalicelib.aftersales.models import AfterSalesLineItem
    from chalicelib.commission_refunds import settle_commissions

    assert app_module.settle_commissions is not None  # the scheduled function goes through the root module
    now = utc_now()
    s, leader_id = stocked(), leader()
    sold = open_round(s, [leader_id], cutoff=now.replace(microsecond=0) + timedelta(hours=2), now=now,
                      commission_bp=RATE_BP)
    buyer = customer()
    placed = place(buyer, pickup_request(sold.id, s, 1, leader_id=leader_id), now)
    headers, body = PAYMENTS.simulate_capture(placed.payment.id)
    assert paying.apply_payment_event(PAYMENTS.parse_notification(headers, body), now) == "applied"
    order_id = placed.orders[0].id
    ShopOrderItem(order_pk(order_id), ORDER_SK).update(actions=[
        ShopOrderItem.state.set("SHIPPED"), ShopOrderItem.shipped_at.set(iso(now)),
        ShopOrderItem.complete_by.set(iso(now + timedelta(days=3)))])
    move_order(order_id, "COMPLETED", completed_at=now)
    _deliver(emulator, monkeypatch)
    ledger = AfterSalesLineItem(after_sales_order_pk(order_id), line_sk(0))
    ledger.update(actions=[AfterSalesLineItem.open_request.set("01J0REQUESTOPEN"),
                           AfterSalesLineItem.type.set(AfterSalesLineItem)])
    closed = iso(now + timedelta(seconds=FAST.no_reason_return_seconds + 1))
    assert settle_commissions(closed, {})["entriesSettled"] == 0
    assert commissions.account(leader_id).available == 0
    ledger.update(actions=[AfterSalesLineItem.open_request.remove()])  # withdrawn: nothing refunded
    assert settle_commissions(closed, {})["entriesSettled"] == 1
    assert commissions.account(leader_id).available == ROUND_PRICE * RATE_BP // 10000
