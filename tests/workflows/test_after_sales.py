"""After-sales through the real chain on the emulator: the table's stream → the stream consumer →
after_sales_deadline / refund (infra ASL) → app.py's task handlers, and the points that follow.

- nobody decides by decideBy: the deadline approves it, the refund workflow refunds it once under
  "A" + the request id, the order's pending points lose exactly their share; the request's
  executions and state transitions are counted exactly;
- a redelivered insert starts no second timer;
- a merchant who decides first leaves the timer nothing to do.
"""
from __future__ import annotations

import json

from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

from chalicelib.aftersales import service, store
from chalicelib.aftersales.rules import RequestState
from chalicelib.core.clock import iso, utc_now
from chalicelib.orders.store import get_order
from chalicelib.points.published.checkout import get_account
from chalicelib.stream import handle_record
from tests.aftersales.support import ask, paid_order
from tests.waiting import eventually
from tests.workflows.groupbuy_stack import execution_names, stack, transitions, wait_execution  # noqa: F401


def _pending(user_id: str) -> int:
    return get_account(user_id).pending


def test_an_undecided_request_is_approved_at_its_deadline_and_refunded_once_with_its_points(stack):
    _, customer, order = paid_order((2,), price=5000, provider=stack.payments.provider)
    earned = eventually(lambda: _pending(customer.user_id), 20)  # the stream posts the order's points
    assert earned > 0
    made = ask(customer, order, lines=((order.lines[0].sku_id, 1),))  # half of it, decided in 3 s

    deadline = wait_execution("after_sales_deadline", f"{made.id}-decision", timeout=30)
    assert deadline["status"] == "SUCCEEDED", deadline
    assert json.loads(deadline["output"]) == {"requestId": made.id, "phase": "decision", "outcome": "acted"}
    refund = wait_execution("refund", f"A{made.id}-0", timeout=30)
    assert refund["status"] == "SUCCEEDED", refund
    (paid_back,) = stack.payments.refunds_for(order.trade_no)
    assert (paid_back.refund_id, paid_back.amount) == (f"A{made.id}", made.amount)
    assert store.get_request(made.id).state is RequestState.REFUNDED
    assert get_order(order.id).refunded == made.amount
    share = earned * made.amount // sum(line.total for line in order.lines)  # the points followed the money
    assert eventually(lambda: _pending(customer.user_id) == earned - share, 20), (_pending(customer.user_id), share)

    # Per request: two executions, its deadline (wait, task, done: 3 state transitions) and its
    # refund (task, done: 2); 3 steps in its history.
    assert execution_names("after_sales_deadline") == [f"{made.id}-decision"]
    assert (transitions("after_sales_deadline", f"{made.id}-decision"), transitions("refund", f"A{made.id}-0")) == (3, 2)
    assert [e.action for e in store.get_request(made.id).history] == ["CREATED", "APPROVED", "REFUNDED"]
    # Each transition published once per state (consumers drop duplicates by key); the customer told.
    published = eventually(lambda: [e.detail["state"] for e in stack.events({made.id}, "AfterSalesRequestChanged")]
                           if len(stack.events({made.id})) >= 3 else None, 20)
    assert sorted(set(published)) == ["AWAITING_DECISION", "REFUNDED", "REFUNDING"]
    assert [n.data["requestId"] for n in stack.notifications("after_sales_refunded")] == [made.id]

    # Lambda may deliver the insert again: no second timer.
    image = {"type": {"S": "AfterSalesRequest"}, "request_id": {"S": made.id}, "order_id": {"S": order.id},
             "user_id": {"S": customer.user_id}, "kind": {"S": "REFUND_ONLY"}, "state": {"S": "AWAITING_DECISION"},
             "decide_by": {"S": iso(made.decide_by)}, "shipping": {"N": "0"}, "lines": {"L": []}}
    handle_record(DynamoDBRecord({"eventName": "INSERT", "dynamodb": {"NewImage": image}}))
    assert execution_names("after_sales_deadline") == [f"{made.id}-decision"]


def test_a_merchant_who_decides_first_leaves_the_timer_nothing_to_do(stack):
    s, customer, order = paid_order((1,), provider=stack.payments.provider)
    made = ask(customer, order)
    service.reject(s.merchant, made.id, "已发货", utc_now())
    deadline = wait_execution("after_sales_deadline", f"{made.id}-decision", timeout=30)
    assert json.loads(deadline["output"])["outcome"] == "moved_on"
    assert store.get_request(made.id).state is RequestState.REJECTED
    assert stack.payments.refunds_for(order.trade_no) == []
