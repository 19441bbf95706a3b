"""A cancelled round's orders for pickup, through the table's stream as deployed: every order paid before the
cancel, and one captured in time but notified after it, is refunded in full by after-sales (reason
ROUND_CANCELLED, by the system), once; nothing of it is delivered."""
from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib.aftersales import store as aftersales_store
from chalicelib.aftersales.rules import Actor, Reason, RequestKind, RequestState
from chalicelib.checkout import paying
from chalicelib.community import batches, rounds
from chalicelib.core.errors import DomainError, ErrorCode
from chalicelib.core.table.paging import PageRequest
from tests.checkout.support import captured
from tests.community.pickup_support import customer, leader, open_round, pickup_request, place, stocked
from tests.community.rounds_support import NOW
from tests.community.test_leader_commission import _deliver


def _requests(user_id: str):
    return aftersales_store.user_requests(user_id, PageRequest(10)).items


def test_a_cancelled_round_refunds_its_paid_orders_even_one_notified_after_the_cancel(emulator, monkeypatch):
    s, leader_id = stocked(), leader()
    sold = open_round(s, [leader_id])
    buyers = [customer() for _ in range(3)]
    placed = [place(b, pickup_request(sold.id, s, 1, leader_id=leader_id)) for b in buyers]
    for p in placed[:2]:
        assert paying.apply_payment_event(captured(p.payment.id, p.payment.amount, NOW), NOW) == "applied"
    rounds.cancel_round(s.merchant, sold.id, NOW + timedelta(minutes=1))
    late = captured(placed[2].payment.id, placed[2].payment.amount, NOW + timedelta(seconds=30))  # paid in time
    assert paying.apply_payment_event(late, NOW + timedelta(minutes=2)) == "applied"
    _deliver(emulator, monkeypatch)
    for buyer, p in zip(buyers, placed, strict=True):
        (request,) = _requests(buyer.user_id)
        assert (request.order_id, request.kind, request.reason, request.state, request.amount) == (
            p.orders[0].id, RequestKind.COMPENSATION, Reason.ROUND_CANCELLED, RequestState.REFUNDING, p.payment.amount)
        assert aftersales_store.get_item(request.id).history[0].actor == Actor.SYSTEM.value
    _deliver(emulator, monkeypatch)  # redelivered: no second refund
    assert all(len(_requests(b.user_id)) == 1 for b in buyers)
    with pytest.raises(DomainError) as refused:
        batches.mark_delivered(s.merchant, sold.id, leader_id, sold.cutoff_at + timedelta(hours=1))
    assert refused.value.code is ErrorCode.INVALID_STATE
