"""Which table changes start which group-buy execution, under which name (the
stream consumer alone; the executions themselves run in test_groupbuy_workflows)."""
from __future__ import annotations

import pytest
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

from chalicelib import stream as table_stream
from chalicelib.adapters.messaging import local_outbox
from chalicelib.groupbuy import stream_handlers as groupbuy_stream

EXPIRES = "2030-01-01T00:00:00Z"


@pytest.fixture
def started(monkeypatch):
    calls = []
    monkeypatch.setattr(groupbuy_stream, "start_once",
                        lambda arn, name, payload: calls.append((arn.rsplit("-", 1)[-1], name, payload)) or True)
    local_outbox().clear()
    return calls


def _record(kind: str, event_name: str, new: dict | None, old: dict | None = None) -> DynamoDBRecord:
    def image(values: dict) -> dict:
        return {k: ({"N": str(v)} if isinstance(v, int) else {"S": v}) for k, v in {"type": kind, **values}.items()}

    dynamodb = {}
    if new is not None:
        dynamodb["NewImage"] = image(new)
    if old is not None:
        dynamodb["OldImage"] = image(old)
    return DynamoDBRecord({"eventName": event_name, "dynamodb": dynamodb})


def test_an_open_team_starts_its_deadline_timer_and_is_announced(started):
    table_stream.handle_record(_record("Team", "INSERT", {"team_id": "T1", "state": "OPEN", "expires_at": EXPIRES,
                                                          "deal_id": "D1", "size": 3}))
    assert started == [("TeamLifecycleStateMachine", "T1", {"teamId": "T1", "expiresAt": EXPIRES})]
    (event,) = local_outbox().events()
    assert (event.name, event.idempotency_key, event.detail["size"]) == ("TeamOpened", "T1:OPEN", 3)


@pytest.mark.parametrize("old, new, expected", [
    ("OPEN", "SUCCEEDED", [("TeamSettlementStateMachine", "T1", {"teamId": "T1"})]),
    ("OPEN", "OPEN", []),  # a seat taken or paid
    ("OPEN", "FAILED", []),  # refunds start from the orders
    ("SUCCEEDED", "SUCCEEDED", []),  # moto emits MODIFY for an identical overwrite
])
def test_only_a_team_turning_succeeded_is_settled(started, old, new, expected):
    table_stream.handle_record(_record("Team", "MODIFY", {"team_id": "T1", "state": new},
                                       {"team_id": "T1", "state": old}))
    assert started == expected


@pytest.mark.parametrize("event_name, old, new, expected_name", [
    ("MODIFY", ("PAID_AWAITING_TEAM", 0), ("REFUNDING", 0), "O1-0"),  # its team failed
    ("MODIFY", ("CANCELLED", 0), ("REFUNDING", 0), "O1-0"),  # captured after its seat was released
    ("MODIFY", ("REFUND_FAILED", 0), ("REFUNDING", 1), "O1-1"),  # an operator retried
    ("INSERT", None, ("REFUNDING", 0), "O1-0"),
    ("MODIFY", ("REFUNDING", 0), ("REFUNDING", 0), None),  # still the same refund
    ("MODIFY", ("REFUNDING", 0), ("REFUNDED", 0), None),
    ("MODIFY", ("AWAITING_PAYMENT", 0), ("PAID_AWAITING_TEAM", 0), None),
])
def test_an_order_turning_refunding_starts_one_refund_per_attempt(started, event_name, old, new, expected_name):
    def image(state_attempt):
        return None if state_attempt is None else {"order_id": "O1", "user_id": "U1", "product_id": "P1",
                                                   "state": state_attempt[0], "refund_attempt": state_attempt[1],
                                                   "captured": 1990, "paid_at": "2026-06-01T00:00:00Z"}

    table_stream.handle_record(_record("Order", event_name, image(new), image(old)))
    assert started == ([("RefundStateMachine", expected_name, {"orderId": "O1"})] if expected_name else [])


def test_a_seat_reservation_tells_its_timer_its_owner(started):
    table_stream.handle_record(_record("Reservation", "INSERT", {
        "reservation_id": "O1", "state": "HELD", "expires_at": EXPIRES, "owner_id": "order:O1"}))
    assert started == [("ReservationExpiryStateMachine", "O1",
                        {"reservationId": "O1", "expiresAt": EXPIRES, "ownerId": "order:O1"})]


def test_a_team_opened_event_that_cannot_be_published_does_not_hold_up_the_stream(started, monkeypatch):
    from chalicelib.adapters import messaging
    from chalicelib.adapters.events import PublishFailed

    class Down:
        def publish(self, events):
            raise PublishFailed("bus unavailable", lost=len(events))

    monkeypatch.setattr(messaging, "event_publisher_for", lambda settings: Down())
    table_stream.handle_record(_record("Team", "INSERT", {"team_id": "T1", "state": "OPEN", "expires_at": EXPIRES}))
    assert [name for _, name, _ in started] == ["T1"]
