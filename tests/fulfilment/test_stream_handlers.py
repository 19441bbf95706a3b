"""Which order changes (both kinds) start the delivery timer, publish OrderShipped / OrderCompleted
and tell the buyer (the stream consumer alone; the timer runs in tests/workflows/test_delivery.py)."""
from __future__ import annotations

import pytest
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

from chalicelib import stream as table_stream
from chalicelib.adapters.messaging import local_outbox
from chalicelib.fulfilment import stream_handlers as fulfilment_stream

COMPLETE_BY = "2030-01-11T00:00:00Z"


@pytest.fixture
def started(monkeypatch):
    calls, existing = [], set()

    def start_once(arn, name, payload):
        calls.append((arn.rsplit(":", 1)[-1], name, payload))
        if name in existing:
            return False
        existing.add(name)
        return True

    monkeypatch.setattr(fulfilment_stream, "start_once", start_once)
    monkeypatch.setenv("TUANSTACK_EVENTS", "local")
    monkeypatch.setenv("TUANSTACK_NOTIFICATIONS", "local")
    local_outbox().clear()
    return calls


def _record(kind: str, old_state: str, new_state: str) -> DynamoDBRecord:
    def image(state: str) -> dict:
        values = {"type": {"S": kind}, "order_id": {"S": "O1"}, "user_id": {"S": "U1"}, "merchant_id": {"S": "M1"},
                  "state": {"S": state}}
        if state in ("SHIPPED", "COMPLETED"):
            values.update(shipped_at={"S": "2030-01-01T00:00:00Z"}, complete_by={"S": COMPLETE_BY},
                          carrier={"S": "SF"}, tracking_no={"S": "SF1234567890"})
        if state == "COMPLETED":
            values.update(completed_at={"S": "2030-01-05T00:00:00Z"}, returns_until={"S": "2030-01-12T00:00:00Z"},
                          after_sales_until={"S": "2030-01-20T00:00:00Z"})
        return values

    return DynamoDBRecord({"eventName": "MODIFY", "dynamodb": {"NewImage": image(new_state),
                                                               "OldImage": image(old_state)}})


@pytest.mark.parametrize("kind", ["ShopOrder", "Order"])
def test_shipping_starts_the_timer_named_after_the_order_and_tells_the_buyer_once(started, kind):
    record = _record(kind, "TO_SHIP", "SHIPPED")
    table_stream.handle_record(record)
    table_stream.handle_record(record)  # redelivered
    assert [name for _, name, _ in started] == ["O1", "O1"]
    assert started[0][2] == {"orderId": "O1", "completeBy": COMPLETE_BY}
    assert [(n.user_id, n.template, n.data["trackingNo"]) for n in local_outbox().notifications()] == [
        ("U1", "order_shipped", "SF1234567890")]
    events = [e for e in local_outbox().events() if e.subject_id == "O1"]
    assert {(e.name, e.idempotency_key) for e in events} == {("OrderShipped", "O1:SHIPPED")}


@pytest.mark.parametrize("kind", ["ShopOrder", "Order"])
def test_completion_publishes_order_completed_and_starts_nothing(started, kind):
    table_stream.handle_record(_record(kind, "SHIPPED", "COMPLETED"))
    assert started == []
    (event,) = [e for e in local_outbox().events() if e.subject_id == "O1"]
    assert (event.name, event.detail["returnsUntil"]) == ("OrderCompleted", "2030-01-12T00:00:00Z")


def test_other_moves_start_nothing(started):
    table_stream.handle_record(_record("ShopOrder", "AWAITING_PAYMENT", "TO_SHIP"))
    assert started == [] and local_outbox().events() == []
