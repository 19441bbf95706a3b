"""EventBridgePublisher against the emulator: the stack's bus (created from
infra/template.json), a rule routing source "tuanstack" to an SQS queue, and what
arrives there. Partial failures are injected by a thin wrapper around the real
client that refuses chosen entries the way PutEvents reports them."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal
from functools import cache
from pathlib import Path

import boto3
import pytest

from chalicelib.adapters.eventbridge import EventBridgePublisher
from chalicelib.adapters.events import DomainEvent, PublishFailed

ROOT = Path(__file__).resolve().parents[2]


@cache
def aws(service: str):
    """Built once (loading a service model costs ~0.1 s); the emulator is reset, not the client."""
    return boto3.session.Session().client(service, region_name=os.environ["AWS_REGION"])


@pytest.fixture
def bus() -> str:
    return os.environ["TUANSTACK_EVENT_BUS"]


@pytest.fixture
def queue(bus):
    """An SQS queue receiving every event the bus gets from source tuanstack."""
    sqs = aws("sqs")
    url = sqs.create_queue(QueueName="tuanstack-events-test")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events = aws("events")
    events.put_rule(Name="all-tuanstack", EventBusName=bus, EventPattern=json.dumps({"source": ["tuanstack"]}))
    events.put_targets(Rule="all-tuanstack", EventBusName=bus, Targets=[{"Id": "queue", "Arn": arn}])

    def received() -> list[dict]:
        messages = []
        while batch := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages"):
            messages += [json.loads(m["Body"]) for m in batch]
            sqs.delete_message_batch(
                QueueUrl=url, Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(batch)]
            )
        return messages

    return received


class FlakyEvents:
    """The real client, except that entries whose idempotency key is in `refuse`
    are answered with an ErrorCode (and not sent) while their count lasts (-1: always)."""

    def __init__(self, refuse: dict[str, int] | None = None) -> None:
        self.real = aws("events")
        self.refuse = dict(refuse or {})
        self.calls: list[list[str]] = []  # idempotency keys per put_events call

    def put_events(self, Entries):  # noqa: N803 (boto3's name)
        keys = [json.loads(entry["Detail"])["idempotency_key"] for entry in Entries]
        self.calls.append(keys)
        refused = {i for i, key in enumerate(keys) if self.refuse.get(key, 0) != 0}
        for i in refused:
            self.refuse[keys[i]] -= 1
        sent = [entry for i, entry in enumerate(Entries) if i not in refused]
        real = iter(self.real.put_events(Entries=sent)["Entries"] if sent else [])
        results = [
            {"ErrorCode": "ThrottlingException", "ErrorMessage": "Rate exceeded"} if i in refused else next(real)
            for i in range(len(Entries))
        ]
        return {"FailedEntryCount": len(refused), "Entries": results}


def event(n: int, name: str = "TeamSucceeded", **detail) -> DomainEvent:
    return DomainEvent(name=name, subject_id=f"team-{n}", detail=detail, idempotency_key=f"key-{n}")


def publisher(bus: str, client=None, max_attempts: int = 4) -> tuple[EventBridgePublisher, list[float]]:
    sleeps: list[float] = []  # backoff is recorded, not slept: no test waits on a clock
    return EventBridgePublisher(bus, region=os.environ["AWS_REGION"], client=client, max_attempts=max_attempts,
                                sleep=sleeps.append), sleeps


def test_events_arrive_on_the_bus_with_source_detail_type_and_detail(bus, queue) -> None:
    bridge, _ = publisher(bus)  # its own boto3 client, pointed at the emulator by AWS_ENDPOINT_URL
    bridge.publish([
        event(1, "TeamSucceeded", amount=Decimal("3990"), members=3),
        event(2, "RefundFailed", order_id="order-9", amount=Decimal("12.5")),
    ])
    received = sorted(queue(), key=lambda message: message["detail"]["idempotency_key"])
    assert [(m["source"], m["detail-type"], m["detail"]) for m in received] == [
        ("tuanstack", "TeamSucceeded", {"subject_id": "team-1", "idempotency_key": "key-1", "amount": 3990, "members": 3}),
        ("tuanstack", "RefundFailed",
         {"subject_id": "team-2", "idempotency_key": "key-2", "order_id": "order-9", "amount": "12.5"}),
    ]


def test_twenty_five_events_take_three_calls_of_at_most_ten(bus, queue) -> None:
    client = FlakyEvents()
    bridge, sleeps = publisher(bus, client)
    bridge.publish([event(n) for n in range(25)])
    assert [len(call) for call in client.calls] == [10, 10, 5]
    assert sorted(m["detail"]["idempotency_key"] for m in queue()) == sorted(f"key-{n}" for n in range(25))
    assert sleeps == []


def test_refused_entries_are_retried_alone_until_accepted(bus, queue) -> None:
    client = FlakyEvents(refuse={"key-3": 2, "key-11": 1})
    bridge, sleeps = publisher(bus, client)
    bridge.publish([event(n) for n in range(12)])
    assert client.calls == [[f"key-{n}" for n in range(10)], ["key-3"], ["key-3"],
                            ["key-10", "key-11"], ["key-11"]]
    assert len(sleeps) == 3
    # Each event delivered exactly once: accepted entries are never re-sent.
    assert sorted(m["detail"]["idempotency_key"] for m in queue()) == sorted(f"key-{n}" for n in range(12))


def test_entries_still_refused_after_the_last_attempt_fail_the_call_naming_how_many(bus, queue) -> None:
    client = FlakyEvents(refuse={"key-1": -1, "key-4": -1})
    bridge, _ = publisher(bus, client, max_attempts=3)
    with pytest.raises(PublishFailed) as caught:
        bridge.publish([event(n, order_id="order-secret-detail") for n in range(5)])
    assert caught.value.lost == 2
    assert "2 of 5 events" in str(caught.value) and "ThrottlingException" in str(caught.value)
    assert "order-secret-detail" not in str(caught.value)
    assert client.calls.count(["key-1", "key-4"]) == 2  # 1 first call + 2 retries = 3 attempts
    # The rest of the batch got through; the caller's retry re-sends all five (consumers dedupe).
    assert sorted(m["detail"]["idempotency_key"] for m in queue()) == ["key-0", "key-2", "key-3"]


def test_a_detail_that_redefines_the_envelope_is_refused_before_anything_is_sent(bus) -> None:
    client = FlakyEvents()
    bridge, _ = publisher(bus, client)
    with pytest.raises(ValueError, match="subject_id"):
        bridge.publish([event(1), DomainEvent("TeamFailed", "team-2", {"subject_id": "other"}, "key-2")])
    assert client.calls == []


def test_nothing_to_publish_makes_no_call(bus) -> None:
    client = FlakyEvents()
    publisher(bus, client)[0].publish([])
    assert client.calls == []


def test_importing_the_adapter_does_not_import_boto3() -> None:
    # Cold start: only an invocation that publishes pays for boto3.
    code = "import sys, chalicelib.adapters.eventbridge, chalicelib.adapters.messaging; print('boto3' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert result.stdout.strip() == "False"
