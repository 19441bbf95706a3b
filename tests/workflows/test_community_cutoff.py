"""A community round's cutoff through the real chain on the emulator: openRound → the table's stream → the stream
consumer → community_round_cutoff (infra ASL: Wait until the cutoff, the grace (1 s locally), the task) → app.py's
close_community_round; then a batch marked delivered → the stream → its paid orders SHIPPED at the point."""
from __future__ import annotations

import json
from datetime import timedelta

from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

from chalicelib.checkout import paying
from chalicelib.community import batches
from chalicelib.core.clock import iso, utc_now
from chalicelib.orders.published.items import get_order_item
from chalicelib.orders.published.kinds import OrderState
from chalicelib.stream import handle_record
from tests.checkout.support import captured
from tests.community.pickup_support import customer, leader, open_round, pickup_request, place, stocked
from tests.waiting import eventually
from tests.workflows.groupbuy_stack import execution_names, stack, transitions, wait_execution  # noqa: F401


def test_at_the_cutoff_the_timer_makes_the_batches_once_and_a_delivered_batch_s_orders_arrive(stack):
    s, mine = stocked(), leader()
    now = utc_now()
    sold = open_round(s, [mine], limit=None, now=now, cutoff=now.replace(microsecond=0) + timedelta(seconds=2))
    placed = place(customer(), pickup_request(sold.id, s, 2, 1, leader_id=mine), utc_now())
    paid_at = utc_now()
    assert paying.apply_payment_event(captured(placed.payment.id, placed.payment.amount, paid_at), paid_at) == \
        "applied"

    execution = wait_execution("community_round_cutoff", sold.id, timeout=30)
    assert execution["status"] == "SUCCEEDED", execution
    assert json.loads(execution["output"]) == {"roundId": sold.id, "outcome": "closed"}
    # Wait until the cutoff, the grace, the task, done: 4 state transitions, one execution per round.
    assert transitions("community_round_cutoff", sold.id) == 4
    (batch,) = batches.round_batches(s.merchant, sold.id)
    assert (batch.leader_id, batch.state.value, batch.units, batch.orders) == (mine, "AWAITING_DELIVERY", 3, 1)
    assert [e.name for e in stack.events({sold.id})] == ["CommunityRoundClosed", "PickListReady"]

    # Lambda may deliver the insert again: no second timer.
    image = {"type": {"S": "CommunityRound"}, "round_id": {"S": sold.id}, "cutoff_at": {"S": iso(sold.cutoff_at)}}
    handle_record(DynamoDBRecord({"eventName": "INSERT", "dynamodb": {"NewImage": image}}))
    assert execution_names("community_round_cutoff") == [sold.id]

    delivered = batches.mark_delivered(s.merchant, sold.id, mine, utc_now())
    order_id = placed.orders[0].id
    assert eventually(lambda: get_order_item(order_id).state == OrderState.SHIPPED.value, 20)
    assert get_order_item(order_id).shipped_at == iso(delivered.delivered_at)
    assert eventually(lambda: [e.name for e in stack.events({order_id})] == ["OrderShipped"], 20)
