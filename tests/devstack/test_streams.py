"""The stream poller delivers the table's changes as Lambda would, with Lambda's
retry semantics for raised errors and reported batch item failures."""
from __future__ import annotations

import base64
import threading

import pytest
from chalice import Chalice

from devstack.resources import create_resources
from devstack.streams import DrainTimeout, StreamPoller


@pytest.fixture
def table(emulator, table_name):
    return create_resources(emulator.endpoint_url, table_name=table_name)


def key(n: int) -> dict:
    return {"PK": {"S": f"ITEM#{n}"}, "SK": {"S": "A"}}


def put(clients, table, n: int, **attributes) -> None:
    clients.dynamodb.put_item(TableName=table.table_name, Item={**key(n), **attributes})


class Recorder:
    """A consumer that records each batch and answers with a scripted result."""

    def __init__(self, *answers) -> None:
        self.batches: list[list[dict]] = []
        self.answers = list(answers)

    def __call__(self, event, context):
        self.batches.append(event["Records"])
        answer = self.answers.pop(0) if self.answers else None
        if isinstance(answer, Exception):
            raise answer
        return answer(event) if callable(answer) else answer

    def keys(self, batch: int) -> list[str]:
        return [record["dynamodb"]["Keys"]["PK"]["S"] for record in self.batches[batch]]


def test_records_have_the_lambda_event_shape(emulator, clients, table) -> None:
    consumer = Recorder()
    poller = StreamPoller(emulator.endpoint_url, table.table_name, consumer)
    put(clients, table, 1, blob={"B": b"\x00\xff"}, count={"N": "1"})
    clients.dynamodb.update_item(
        TableName=table.table_name,
        Key=key(1),
        UpdateExpression="SET #c = :two",
        ExpressionAttributeNames={"#c": "count"},
        ExpressionAttributeValues={":two": {"N": "2"}},
    )
    clients.dynamodb.delete_item(TableName=table.table_name, Key=key(1))
    assert poller.drain() == 3
    insert, modify, remove = consumer.batches[0]
    assert [r["eventName"] for r in (insert, modify, remove)] == ["INSERT", "MODIFY", "REMOVE"]
    for record in (insert, modify, remove):
        assert record["eventSource"] == "aws:dynamodb"
        assert record["eventSourceARN"] == table.stream_arn
        assert record["awsRegion"] == table.region
        assert record["dynamodb"]["Keys"] == key(1)
        assert record["dynamodb"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"
        assert isinstance(record["dynamodb"]["ApproximateCreationDateTime"], int)
        assert record["eventID"]
    assert "OldImage" not in insert["dynamodb"]
    assert insert["dynamodb"]["NewImage"]["blob"] == {"B": base64.b64encode(b"\x00\xff").decode()}
    assert modify["dynamodb"]["OldImage"]["count"] == {"N": "1"}
    assert modify["dynamodb"]["NewImage"]["count"] == {"N": "2"}
    assert "NewImage" not in remove["dynamodb"] and remove["dynamodb"]["OldImage"]["count"] == {"N": "2"}
    sequence = [int(r["dynamodb"]["SequenceNumber"]) for r in (insert, modify, remove)]
    assert sequence == sorted(sequence)


def test_a_chalice_consumer_gets_its_dynamodb_event_and_batch_size(emulator, clients, table) -> None:
    app = Chalice(app_name="stream-test")
    seen: list[list[str]] = []

    @app.on_dynamodb_record(stream_arn="arn:unused", name="feed", batch_size=2)
    def feed(event):
        seen.append([record.keys["PK"]["S"] for record in event])

    (poller,) = StreamPoller.for_app(app, emulator.endpoint_url, table.table_name)
    for n in range(3):
        put(clients, table, n)
    assert poller.drain() == 3
    assert seen == [["ITEM#0", "ITEM#1"], ["ITEM#2"]]


def test_reported_item_failures_resume_at_the_first_failed_record(emulator, clients, table) -> None:
    def fail_second(event):
        return {"batchItemFailures": [{"itemIdentifier": event["Records"][1]["dynamodb"]["SequenceNumber"]}]}

    consumer = Recorder(fail_second)
    poller = StreamPoller(emulator.endpoint_url, table.table_name, consumer)
    for n in range(3):
        put(clients, table, n)
    assert poller.drain() == 3
    assert consumer.keys(0) == ["ITEM#0", "ITEM#1", "ITEM#2"]
    assert consumer.keys(1) == ["ITEM#1", "ITEM#2"]
    assert len(consumer.batches) == 2


@pytest.mark.parametrize(
    "failure",
    [RuntimeError("handler crashed"), {"batchItemFailures": [{"itemIdentifier": "not-in-batch"}]}],
    ids=["raised", "unknown-identifier"],
)
def test_a_failed_batch_is_delivered_again_whole(emulator, clients, table, failure) -> None:
    consumer = Recorder(failure)
    poller = StreamPoller(emulator.endpoint_url, table.table_name, consumer)
    for n in range(2):
        put(clients, table, n)
    assert poller.drain() == 2
    assert consumer.keys(0) == consumer.keys(1) == ["ITEM#0", "ITEM#1"]


def test_drain_follows_records_the_consumer_itself_writes(emulator, clients, table) -> None:
    def fan_out(event):
        for record in event["Records"]:
            if record["eventName"] == "INSERT" and record["dynamodb"]["Keys"]["PK"]["S"] == "ITEM#1":
                put(clients, table, 2)

    consumer = Recorder(fan_out)
    poller = StreamPoller(emulator.endpoint_url, table.table_name, consumer)
    put(clients, table, 1)
    assert poller.drain() == 2
    assert [consumer.keys(i) for i in range(len(consumer.batches))] == [["ITEM#1"], ["ITEM#2"]]


def test_drain_gives_up_on_a_batch_that_always_fails(emulator, clients, table) -> None:
    consumer = Recorder(*[RuntimeError("poison")] * 1000)
    poller = StreamPoller(emulator.endpoint_url, table.table_name, consumer)
    put(clients, table, 1)
    with pytest.raises(DrainTimeout, match="poison"):
        poller.drain(timeout=0.5)


def test_the_thread_delivers_without_being_asked_and_stops(emulator, clients, table) -> None:
    delivered = threading.Event()
    poller = StreamPoller(emulator.endpoint_url, table.table_name, lambda event, context: delivered.set())
    poller.start()
    try:
        put(clients, table, 1)
        assert poller.running
        assert delivered.wait(timeout=10)
    finally:
        poller.stop()
    assert not poller.running
