"""At the cutoff and the merchant's side of arrival, against the emulator (the timer's task and the stream's
reaction called directly; tests/workflows/test_community_cutoff.py runs them through the real chain): one delivery
batch per leader, once, only after the cutoff and never for a cancelled round; the events; listing and marking a
batch delivered once; its paid orders arriving at the point once, an order held by after-sales too."""
from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib.adapters.messaging import local_outbox
from chalicelib.checkout import paying
from chalicelib.community import arrival, batches, closing, rounds
from chalicelib.community.rules_batches import BatchState
from chalicelib.core.clock import iso
from chalicelib.core.errors import DomainError, ErrorCode
from chalicelib.core.ids import new_id
from chalicelib.core.principal import Principal, Role
from chalicelib.core.table.conditional import update_if
from chalicelib.orders.published.items import get_order_item
from chalicelib.orders.published.kinds import OrderState
from chalicelib.orders.terms import DEFAULT_TERMS
from tests.checkout.support import captured
from tests.community.pickup_support import CUTOFF, customer, leader, open_round, pickup_request, place, stocked
from tests.community.rounds_support import NOW, OPERATOR

CLOSED = CUTOFF + timedelta(minutes=2)


def _refused(code: ErrorCode, call):
    with pytest.raises(DomainError) as raised:
        call()
    assert raised.value.code is code, raised.value.message


def _paid(sold, s, leader_id, *quantities) -> str:
    placed = place(customer(), pickup_request(sold.id, s, *quantities, leader_id=leader_id))
    at = NOW + timedelta(minutes=1)
    assert paying.apply_payment_event(captured(placed.payment.id, placed.payment.amount, at), at) == "applied"
    return placed.orders[0].id


@pytest.fixture
def outbox():
    box = local_outbox()
    box.clear()
    return box


def test_at_the_cutoff_each_leader_gets_one_batch_once_and_the_events_go_out(emulator, outbox):
    s, mine, other = stocked(), leader(1), leader(2)
    sold = open_round(s, [mine, other], limit=None)
    _paid(sold, s, mine, 2, 1)
    _paid(sold, s, mine, 3)
    assert closing.close_round(sold.id, CUTOFF - timedelta(seconds=1)) == "not_yet"
    assert batches.round_batches(s.merchant, sold.id) == []
    emulator.clear_log()
    assert closing.close_round(sold.id, CLOSED) == "closed"
    # The round; per leader its lines, the count of its paid orders, the batch put if absent.
    assert emulator.dynamodb_counts() == {"GetItem": 1, "Query": 4, "PutItem": 2}
    found = {b.leader_id: (b.state, b.units, b.orders) for b in batches.round_batches(s.merchant, sold.id)}
    assert found == {mine: (BatchState.AWAITING_DELIVERY, 6, 2), other: (BatchState.AWAITING_DELIVERY, 0, 0)}
    first = batches.round_batches(OPERATOR, sold.id)
    assert closing.close_round(sold.id, CLOSED + timedelta(minutes=5)) == "closed"  # a retry changes nothing
    assert batches.round_batches(OPERATOR, sold.id) == first
    closed = [e for e in outbox.events() if e.name == "CommunityRoundClosed"]
    ready = [e for e in outbox.events() if e.name == "PickListReady"]
    assert {e.idempotency_key for e in closed} == {f"{sold.id}:closed"}
    assert {(e.detail["leaderId"], e.detail["units"], e.detail["orders"]) for e in ready} == {(mine, 6, 2),
                                                                                             (other, 0, 0)}
    assert len({e.idempotency_key for e in ready}) == 2


def test_a_cancelled_round_gets_no_batches_and_an_unknown_one_nothing(outbox):
    s, mine = stocked(), leader()
    sold = open_round(s, [mine])
    rounds.cancel_round(s.merchant, sold.id, NOW)
    assert closing.close_round(sold.id, CLOSED) == "cancelled"
    assert batches.round_batches(s.merchant, sold.id) == [] and outbox.events() == []
    assert closing.close_round("01J00000000000000000000000", CLOSED) == "unknown"


def test_the_merchant_marks_a_batch_delivered_after_the_cutoff_once_and_only_its_own():
    s, mine = stocked(), leader()
    sold = open_round(s, [mine])
    _refused(ErrorCode.INVALID_STATE, lambda: batches.mark_delivered(s.merchant, sold.id, mine, CUTOFF - timedelta(1)))
    other = leader(2)
    _refused(ErrorCode.NOT_FOUND, lambda: batches.mark_delivered(s.merchant, sold.id, other, CLOSED))  # not served
    closing.close_round(sold.id, CLOSED)
    stranger = Principal(new_id(), Role.MERCHANT)
    _refused(ErrorCode.NOT_FOUND, lambda: batches.mark_delivered(stranger, sold.id, mine, CLOSED))
    _refused(ErrorCode.NOT_FOUND, lambda: batches.round_batches(stranger, sold.id))
    _refused(ErrorCode.FORBIDDEN, lambda: batches.round_batches(Principal(mine, Role.CUSTOMER), sold.id))
    delivered = batches.mark_delivered(s.merchant, sold.id, mine, CLOSED + timedelta(hours=8))
    assert (delivered.state, delivered.delivered_at, delivered.delivered_by) == (
        BatchState.DELIVERED, CLOSED + timedelta(hours=8), s.merchant.user_id)
    again = batches.mark_delivered(OPERATOR, sold.id, mine, CLOSED + timedelta(hours=9))  # answered as it is
    assert again == delivered


def test_past_the_cutoff_the_merchant_need_not_wait_for_the_timer_which_then_changes_nothing():
    s, mine = stocked(), leader()
    sold = open_round(s, [mine], limit=None)
    _paid(sold, s, mine, 2)
    delivered = batches.mark_delivered(s.merchant, sold.id, mine, CLOSED)  # the timer is still in its grace
    assert (delivered.state, delivered.units, delivered.orders) == (BatchState.DELIVERED, 2, 1)
    assert closing.close_round(sold.id, CLOSED + timedelta(minutes=2)) == "closed"
    (batch,) = batches.round_batches(s.merchant, sold.id)
    assert batch == delivered


def test_a_delivered_batch_s_orders_arrive_at_the_point_once_a_held_one_too():
    s, mine = stocked(), leader()
    sold = open_round(s, [mine], limit=None)
    order_ids = [_paid(sold, s, mine, 1) for _ in range(3)]
    held = get_order_item(order_ids[2])
    assert update_if(held, [type(held).after_sales_hold.set("01J0REQUEST")], None)
    closing.close_round(sold.id, CLOSED)
    at = CLOSED + timedelta(hours=8)
    batches.mark_delivered(s.merchant, sold.id, mine, at)
    assert arrival.batch_arrived(sold.id, mine, at) == 3  # its goods are in the batch (hand-over checks the hold)
    for order_id in order_ids:
        item = get_order_item(order_id)
        assert (item.state, item.shipped_at, item.complete_by, item.carrier, item.tracking_no) == (
            OrderState.SHIPPED.value, iso(at), iso(at + timedelta(seconds=DEFAULT_TERMS.pickup_collect_seconds)),
            None, None)
    assert arrival.batch_arrived(sold.id, mine, at + timedelta(minutes=1)) == 0  # a redelivered record
    assert get_order_item(order_ids[0]).shipped_at == iso(at)
