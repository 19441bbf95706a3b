"""A refund of an order for pickup, through the table's stream as deployed: its units leave the leader's pick list
and go back to the customer's per-customer limit, exactly once however often the records come."""
from __future__ import annotations

from datetime import timedelta

from chalicelib.aftersales import refunds as aftersales_refunds
from chalicelib.aftersales import service as aftersales
from chalicelib.checkout import paying
from chalicelib.community import keys_rounds as keys
from chalicelib.community.models_rounds import RoundBoughtItem, RoundPickedItem
from chalicelib.core.clock import utc_now
from chalicelib.orders.store import get_order
from tests.aftersales.support import FAST, ask
from tests.checkout.support import PAYMENTS
from tests.community.pickup_support import customer, leader, open_round, pickup_request, place, stocked
from tests.community.test_leader_commission import _deliver


def _units(kind, round_id: str, sk: str) -> int:
    return int(kind.get(keys.round_pk(round_id), sk, consistent_read=True).units)


def test_a_refunded_unit_leaves_the_pick_list_and_the_limit_once(emulator, monkeypatch):
    now = utc_now()
    s, leader_id = stocked(), leader()
    sold = open_round(s, [leader_id], cutoff=now.replace(microsecond=0) + timedelta(hours=2), now=now, limit=3)
    buyer = customer()
    placed = place(buyer, pickup_request(sold.id, s, 3, 1, leader_id=leader_id), now)
    headers, body = PAYMENTS.simulate_capture(placed.payment.id)
    assert paying.apply_payment_event(PAYMENTS.parse_notification(headers, body), now) == "applied"
    order = get_order(placed.orders[0].id)
    first = order.lines[0]
    request = ask(buyer, order, lines=((first.sku_id, 2),))
    aftersales.approve(s.merchant, request.id, utc_now(), FAST)
    aftersales_refunds.refund_request(request.id, PAYMENTS, utc_now())
    picked = keys.picked_sk(leader_id, first.product_id, first.sku_id)
    bought = keys.bought_sk(buyer.user_id, first.product_id, first.sku_id)
    assert (_units(RoundPickedItem, sold.id, picked), _units(RoundBoughtItem, sold.id, bought)) == (3, 3)
    _deliver(emulator, monkeypatch)
    assert (_units(RoundPickedItem, sold.id, picked), _units(RoundBoughtItem, sold.id, bought)) == (1, 1)
    other = keys.picked_sk(leader_id, order.lines[1].product_id, order.lines[1].sku_id)
    assert _units(RoundPickedItem, sold.id, other) == 1  # the line not refunded stays
    _deliver(emulator, monkeypatch)  # redelivered: nothing moves twice
    assert (_units(RoundPickedItem, sold.id, picked), _units(RoundBoughtItem, sold.id, bought)) == (1, 1)
    place(buyer, pickup_request(sold.id, s, 2, leader_id=leader_id), utc_now())  # the limit has room again
