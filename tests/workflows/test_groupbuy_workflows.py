"""Group-buy end to end through the real chain on the emulator: the table's stream →
the stream consumer → team_lifecycle / team_settlement / refund / reservation_expiry
(infra/statemachines, as deployed) → the task handlers of app.py.

Each test waits for the executions it causes, by name (team id, order id,
``<order id>-<refund attempt>``), so the real timers run on real time.
"""
from __future__ import annotations

import json
from datetime import timedelta

from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

import app as app_module
from chalicelib.core.clock import iso
from chalicelib.groupbuy import payments as groupbuy_payments
from chalicelib.groupbuy import store
from chalicelib.groupbuy import tasks as groupbuy_tasks
from chalicelib.groupbuy.rules import OrderState, SeatState, TeamState
from chalicelib.stream import handle_record
from tests.groupbuy.support import OPERATOR
from tests.workflows.groupbuy_stack import (  # noqa: F401 - the fixture
    execution_names,
    history,
    stack,
    wait_execution,
)

STOCK = 10


def _states(orders) -> list[OrderState]:
    return [store.get_order(o.id).state for o in orders]


def _keys(events) -> list[str]:
    return sorted({e.idempotency_key for e in events})


# ---------- (a) ----------
def test_a_full_team_succeeds_at_once_is_settled_and_its_deadline_changes_nothing(stack):
    stack.setup_deal(team_size=3, stock=STOCK)
    team_id, orders = stack.team(["ann", "bob", "cat"], paid=3, closes_in=4)
    assert store.get_team(team_id, consistent=True).state is TeamState.SUCCEEDED  # at once, not at the deadline

    settlement = wait_execution("settlement", team_id)
    assert settlement["status"] == "SUCCEEDED", settlement
    assert _states(orders) == [OrderState.TO_SHIP] * 3
    succeeded = stack.events({team_id}, "TeamSucceeded")
    assert len(succeeded) == 1 and succeeded[0].idempotency_key == f"{team_id}:SUCCEEDED"
    assert succeeded[0].detail["virtual"] is False and sorted(succeeded[0].detail["orderIds"]) == sorted(
        o.id for o in orders)
    assert _keys(stack.events({team_id}, "TeamOpened")) == [f"{team_id}:OPEN"]
    members = {o.user_id for o in orders}
    assert {n.user_id for n in stack.notifications("team_succeeded")} == members
    assert len(stack.notifications("team_succeeded")) == 3

    lifecycle = wait_execution("lifecycle", team_id)
    assert lifecycle["status"] == "SUCCEEDED", lifecycle
    assert json.loads(lifecycle["output"]) == {"teamId": team_id, "state": "SUCCEEDED", "closedNow": False}
    assert _states(orders) == [OrderState.TO_SHIP] * 3
    assert not stack.events({team_id}, "TeamFailed")
    assert not stack.events(None, "RefundCompleted") and execution_names("refund") == []
    assert len(stack.events({team_id}, "TeamSucceeded")) == 1
    assert store.deal_stock(stack.deal.id)[stack.sku] == (STOCK - 3, 0, 3)


# ---------- (b) ----------
def test_b_an_unfilled_team_fails_at_its_deadline_and_each_paid_member_is_refunded_once(stack):
    stack.setup_deal(team_size=3, stock=STOCK)
    team_id, orders = stack.team(["ann", "bob", "cat"], paid=2, closes_in=4)
    paid, unpaid = orders[:2], orders[2]
    assert store.deal_stock(stack.deal.id)[stack.sku] == (STOCK - 3, 1, 2)

    lifecycle = wait_execution("lifecycle", team_id)
    assert lifecycle["status"] == "SUCCEEDED", lifecycle
    output = json.loads(lifecycle["output"])
    assert (output["state"], output["closedNow"], sorted(output["refunds"])) == (
        "FAILED", True, sorted(o.id for o in paid))
    for order in paid:
        refund = wait_execution("refund", f"{order.id}-0")
        assert refund["status"] == "SUCCEEDED", refund

    team, seats = store.team_with_seats(team_id, consistent=True)
    assert team.state is TeamState.FAILED and not team.completed_virtually
    assert {s.order_id: s.state for s in seats} == {
        paid[0].id: SeatState.PAID, paid[1].id: SeatState.PAID, unpaid.id: SeatState.RELEASED}
    assert _states(orders) == [OrderState.REFUNDED, OrderState.REFUNDED, OrderState.CANCELLED]
    for order in paid:
        refunds = stack.payments.refunds_for(order.id)
        assert [(r.refund_id, r.amount) for r in refunds] == [(f"R{order.id}", order.amount.amount)]
        assert store.get_order(order.id).refunded == order.amount.amount
    assert stack.payments.refunds_for(unpaid.id) == []
    assert store.deal_stock(stack.deal.id)[stack.sku] == (STOCK, 0, 0)
    assert _keys(stack.events({team_id}, "TeamFailed")) == [f"{team_id}:FAILED"]
    assert _keys(stack.events(None, "RefundCompleted")) == sorted(f"{o.id}:REFUNDED" for o in paid)
    assert sorted(n.user_id for n in stack.notifications("team_failed_refunding")) == sorted(
        o.user_id for o in paid)
    assert sorted(n.user_id for n in stack.notifications("refund_completed")) == sorted(o.user_id for o in paid)
    assert not stack.events({team_id}, "TeamSucceeded") and execution_names("settlement") == []


# ---------- (c) ----------
def test_c_a_refund_that_fails_three_times_then_succeeds_is_refunded_once(stack):
    stack.setup_deal(team_size=2, stock=STOCK)
    team_id, (order,) = stack.team(["ann"], paid=1, closes_in=3)
    stack.payments.fail_next_refunds(3)

    assert wait_execution("lifecycle", team_id)["status"] == "SUCCEEDED"
    refund = wait_execution("refund", f"{order.id}-0")
    assert refund["status"] == "SUCCEEDED", refund
    attempts = history("refund", f"{order.id}-0").count("LambdaFunctionScheduled")
    assert attempts == 4  # 3 failures, retried after 1 + 2 + 4 s
    assert store.get_order(order.id).state is OrderState.REFUNDED
    assert len(stack.payments.refunds_for(order.id)) == 1
    assert not stack.events({order.id}, "RefundFailed")
    assert _keys(stack.events({order.id}, "RefundCompleted")) == [f"{order.id}:REFUNDED"]


# ---------- (d) ----------
def test_d_a_refund_that_never_succeeds_waits_for_an_operator_whose_retry_refunds_once(stack):
    stack.setup_deal(team_size=2, stock=STOCK)
    team_id, (order,) = stack.team(["ann"], paid=1, closes_in=3)
    stack.payments.fail_refunds_forever()

    assert wait_execution("lifecycle", team_id)["status"] == "SUCCEEDED"
    first = wait_execution("refund", f"{order.id}-0")
    assert first["status"] == "SUCCEEDED", first  # the machine ends, leaving the order to an operator
    assert history("refund", f"{order.id}-0").count("LambdaFunctionScheduled") == 4 + 1  # 4 refunds, 1 mark
    failed = store.get_order(order.id)
    assert failed.state is OrderState.REFUND_FAILED
    assert [o.id for o in store.refund_failed_orders(10, None).items] == [order.id]
    (event,) = stack.events({order.id}, "RefundFailed")
    assert (event.idempotency_key, event.detail["error"]) == (f"{order.id}:REFUND_FAILED:0", "PaymentError")
    assert stack.payments.refunds_for(order.id) == []
    assert store.deal_stock(stack.deal.id)[stack.sku] == (STOCK - 1, 0, 1)

    stack.payments.fail_refunds_forever(False)
    retried = groupbuy_payments.retry_refund(OPERATOR, order.id)
    assert retried.refund_attempt == 1
    second = wait_execution("refund", f"{order.id}-1")
    assert second["status"] == "SUCCEEDED", second
    assert store.get_order(order.id).state is OrderState.REFUNDED
    assert store.refund_failed_orders(10, None).items == []
    assert len(stack.payments.refunds_for(order.id)) == 1
    assert store.deal_stock(stack.deal.id)[stack.sku] == (STOCK, 0, 0)
    assert execution_names("refund") == [f"{order.id}-0", f"{order.id}-1"]


# ---------- (e) ----------
def _replay(kind: str, event_name: str, new: dict, old: dict | None = None) -> None:
    """A stream record delivered again (Lambda may redeliver a batch)."""
    def image(values: dict) -> dict:
        return {k: ({"N": str(v)} if isinstance(v, int) else {"S": v}) for k, v in {"type": kind, **values}.items()}

    dynamodb = {"NewImage": image(new)}
    if old is not None:
        dynamodb["OldImage"] = image(old)
    handle_record(DynamoDBRecord({"eventName": event_name, "dynamodb": dynamodb}))


def test_e_crashes_and_redeliveries_do_nothing_twice(stack, monkeypatch):
    stack.setup_deal(team_size=3, stock=STOCK)
    real_publish, crashes = groupbuy_tasks._publish, []

    def publish_crashing_once(events):
        # The close task dies after the team closed, before its event went out:
        # the state machine's Retry runs the whole task again.
        if events[0].name == "TeamFailed" and not crashes:
            crashes.append(events[0].subject_id)
            raise RuntimeError("crashed between closing the team and publishing")
        real_publish(events)

    monkeypatch.setattr(groupbuy_tasks, "_publish", publish_crashing_once)
    team_id, orders = stack.team(["ann", "bob", "cat"], paid=2, closes_in=4)
    paid = orders[:2]

    lifecycle = wait_execution("lifecycle", team_id)
    assert lifecycle["status"] == "SUCCEEDED" and crashes == [team_id]
    # Run twice (crash, then retry); once more if the emulated Wait woke early (it
    # waits whole seconds, truncated): the task refuses an early close and is retried.
    assert history("lifecycle", team_id).count("LambdaFunctionScheduled") in (2, 3)
    assert json.loads(lifecycle["output"])["closedNow"] is False  # the second run found it closed
    for order in paid:
        assert wait_execution("refund", f"{order.id}-0")["status"] == "SUCCEEDED"
    # The crashed run had notified the members before publishing; the retry did not again.
    assert sorted(n.user_id for n in stack.notifications("team_failed_refunding")) == sorted(
        o.user_id for o in paid)
    executions = {machine: execution_names(machine) for machine in ("lifecycle", "refund", "settlement")}
    events, notifications = stack.outbox.events(), stack.outbox.notifications()

    # Every record about the team and its orders delivered again...
    team = store.get_team(team_id, consistent=True)
    _replay("Team", "INSERT", {"team_id": team_id, "state": "OPEN", "expires_at": "2020-01-01T00:00:00Z",
                               "deal_id": stack.deal.id, "size": 3})
    _replay("Team", "MODIFY", {"team_id": team_id, "state": "FAILED"}, {"team_id": team_id, "state": "OPEN"})
    for order in paid:
        owner = {"order_id": order.id, "user_id": order.user_id, "product_id": order.product_id}
        _replay("Order", "MODIFY", {**owner, "state": "REFUNDING", "refund_attempt": 0},
                {**owner, "state": "PAID_AWAITING_TEAM", "refund_attempt": 0})
    # ...and every task run again, as a retry after a lost answer would.
    handlers = app_module.app.handler_map
    again = handlers["close_team"]({"teamId": team_id, "expiresAt": "2020-01-01T00:00:00Z"}, None)
    assert (again["state"], again["closedNow"]) == ("FAILED", False)
    for order in paid:
        assert handlers["refund_order"]({"orderId": order.id}, None)["already"] is True
        handlers["mark_refund_failed"]({"orderId": order.id, "error": {"Error": "PaymentError"}}, None)

    assert {machine: execution_names(machine) for machine in executions} == executions
    for order in paid:
        assert len(stack.payments.refunds_for(order.id)) == 1
        assert store.get_order(order.id).state is OrderState.REFUNDED
    assert store.get_team(team_id, consistent=True) == team
    assert store.deal_stock(stack.deal.id)[stack.sku] == (STOCK, 0, 0)
    assert stack.outbox.notifications() == notifications  # people are not told twice
    # Events may go out again, under the same keys: consumers drop the duplicates.
    assert _keys(stack.outbox.events()) == _keys(events)
    assert not stack.events(None, "RefundFailed")
    assert _keys(stack.events({team_id}, "TeamFailed")) == [f"{team_id}:FAILED"]


# ---------- (f) ----------
def test_f_virtual_success_at_the_deadline_is_settled_without_a_fake_member(stack):
    stack.setup_deal(team_size=3, stock=STOCK, virtual_min_paid=2)
    team_id, orders = stack.team(["ann", "bob"], paid=2, closes_in=4)

    lifecycle = wait_execution("lifecycle", team_id)
    assert lifecycle["status"] == "SUCCEEDED", lifecycle
    assert json.loads(lifecycle["output"])["virtual"] is True
    assert wait_execution("settlement", team_id)["status"] == "SUCCEEDED"
    team, seats = store.team_with_seats(team_id, consistent=True)
    assert (team.state, team.completed_virtually, team.paid, team.held) == (TeamState.SUCCEEDED, True, 2, 0)
    assert sorted(s.order_id for s in seats) == sorted(o.id for o in orders)  # no fake member
    assert _states(orders) == [OrderState.TO_SHIP] * 2
    (event,) = stack.events({team_id}, "TeamSucceeded")
    assert event.detail["virtual"] is True and event.detail["paid"] == 2
    assert len(stack.notifications("team_succeeded")) == 2
    assert execution_names("refund") == []
    assert store.deal_stock(stack.deal.id)[stack.sku] == (STOCK - 2, 0, 2)


# ---------- (g) ----------
def test_g_an_unpaid_seat_is_released_by_its_payment_timer_exactly_once(stack):
    stack.setup_deal(team_size=3, stock=STOCK, window=timedelta(seconds=5))
    team_id, (leader, joiner) = stack.team(["ann", "bob"], paid=1)
    assert store.deal_stock(stack.deal.id)[stack.sku] == (STOCK - 2, 1, 1)

    expiry = wait_execution("expiry", joiner.id, timeout=20)
    assert expiry["status"] == "SUCCEEDED", expiry
    assert json.loads(expiry["output"]) == {"reservationId": joiner.id, "released": True}
    assert store.get_order(joiner.id).state is OrderState.CANCELLED
    team, seats = store.team_with_seats(team_id, consistent=True)
    assert {s.order_id: s.state for s in seats} == {leader.id: SeatState.PAID, joiner.id: SeatState.RELEASED}
    assert (team.state, team.held, team.paid, team.remaining_seats) == (TeamState.OPEN, 0, 1, 2)
    assert store.deal_stock(stack.deal.id)[stack.sku] == (STOCK - 1, 0, 1)

    again = app_module.app.handler_map["release_expired_reservation"](
        {"reservationId": joiner.id, "expiresAt": iso(joiner.pay_by), "ownerId": f"order:{joiner.id}"}, None)
    assert again == {"reservationId": joiner.id, "released": False}
    assert store.deal_stock(stack.deal.id)[stack.sku] == (STOCK - 1, 0, 1)
    assert store.get_team(team_id, consistent=True).remaining_seats == 2
    assert execution_names("expiry").count(joiner.id) == 1
