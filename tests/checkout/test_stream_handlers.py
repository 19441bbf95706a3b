"""Which Payment changes start which checkout execution, under which name (the stream
consumer alone; the executions run in tests/workflows/test_checkout_payments.py)."""
from __future__ import annotations

import pytest
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

from chalicelib import stream as table_stream
from chalicelib.checkout import stream_handlers as checkout_stream

PAY_BY = "2030-01-01T00:15:00Z"


@pytest.fixture
def started(monkeypatch):
    calls = []
    monkeypatch.setattr(checkout_stream, "start_once",
                        lambda arn, name, payload: calls.append((arn.rsplit("-", 1)[-1], name, payload)) or True)
    return calls


def _record(event_name: str, new: tuple | None, old: tuple | None = None) -> DynamoDBRecord:
    def image(state_attempt: tuple) -> dict:
        state, attempt = state_attempt
        return {"type": {"S": "Payment"}, "payment_id": {"S": "P1"}, "state": {"S": state},
                "pay_by": {"S": PAY_BY}, "refund_attempt": {"N": str(attempt)}}

    dynamodb = {}
    if new is not None:
        dynamodb["NewImage"] = image(new)
    if old is not None:
        dynamodb["OldImage"] = image(old)
    return DynamoDBRecord({"eventName": event_name, "dynamodb": dynamodb})


def test_a_placed_payment_starts_its_window_timer_named_after_it(started):
    table_stream.handle_record(_record("INSERT", ("AWAITING", 0)))
    assert started == [("PaymentWindowStateMachine", "P1", {"paymentId": "P1", "payBy": PAY_BY})]


@pytest.mark.parametrize("event_name, old, new, expected_name", [
    ("MODIFY", ("CANCELLED", 0), ("REFUNDING", 0), "P1-0"),  # captured after its cancel
    ("MODIFY", ("REFUND_FAILED", 0), ("REFUNDING", 1), "P1-1"),  # an operator retried
    ("MODIFY", ("REFUNDING", 0), ("REFUNDING", 0), None),  # still the same refund
    ("MODIFY", ("REFUNDING", 0), ("REFUNDED", 0), None),
    ("MODIFY", ("AWAITING", 0), ("PAID", 0), None),
    ("MODIFY", ("AWAITING", 0), ("CANCELLED", 0), None),
    ("REMOVE", None, None, None),
])
def test_a_payment_turning_refunding_starts_one_refund_per_attempt(started, event_name, old, new, expected_name):
    record = _record(event_name, new, old) if event_name != "REMOVE" else _record("REMOVE", None, ("CANCELLED", 0))
    table_stream.handle_record(record)
    assert started == ([("RefundStateMachine", expected_name, {"paymentId": "P1"})] if expected_name else [])
