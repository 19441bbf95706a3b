"""Deliver the table's DynamoDB stream to the app's consumer, the way Lambda's
event source mapping does.

A thread reads the stream from the emulator (dynamodbstreams: shards, shard
iterators, GetRecords) and calls the consumer with the event Lambda would send:
`{"Records": [...]}` with `eventSourceARN` and `awsRegion` filled in (moto
leaves the first out and hard-codes the second), binary attributes base64
encoded and `ApproximateCreationDateTime` in epoch seconds. The consumer is the
handler `chalice` registered (`app.handler_map[name]`): called with the raw
event and a context, it wraps the event in chalice's DynamoDBEvent itself.

Failure semantics (ReportBatchItemFailures, which infra/template.json turns on):
- the handler returns `{"batchItemFailures": [{"itemIdentifier": seq}, ...]}`:
  the records before the lowest failed sequence number are done, delivery
  resumes at it;
- an identifier that is empty or not in the batch, or a raised exception:
  the whole batch is delivered again.
Retries wait with a capped backoff; like Lambda's default (no maximum retry
attempts) a failing batch blocks its shard until it succeeds.

An idle poller waits for the in-process emulator's next write (devstack/activity.py)
or IDLE_POLL_SECONDS, whichever comes first.

Records are read from the start of the stream (TRIM_HORIZON): on a new table that
is what the deployed mapping sees, every write after the stack exists.
`drain()` delivers until the stream is quiet, which makes tests deterministic.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from devstack import activity, naming
from devstack.clients import emulator_client
from devstack.context import LambdaContext
from devstack.dynamodb_json import to_wire
from devstack.project import dynamodb_stream_consumers

Handler = Callable[[dict[str, Any], Any], Any]
log = logging.getLogger("devstack.streams")

IDLE_POLL_SECONDS = 0.2
FIRST_RETRY_SECONDS = 0.05
MAX_RETRY_SECONDS = 2.0


class DrainTimeout(Exception):
    """The stream did not become quiet in time (typically: a batch keeps failing)."""


@dataclass
class _Shard:
    shard_id: str
    iterator: str | None = None
    # Where to resume after a failed batch (None: continue with `iterator`).
    retry_from: str | None = None
    # Last sequence number delivered: where to resume if the iterator is lost.
    checkpoint: str | None = None


class StreamPoller:
    def __init__(
        self,
        endpoint_url: str,
        table_name: str,
        handler: Handler,
        *,
        region: str = naming.DEFAULT_REGION,
        batch_size: int = 100,
        function_name: str = "table_stream",
        start_position: str = "TRIM_HORIZON",
    ) -> None:
        self.table_name = table_name
        self.region = region
        self.handler = handler
        self.batch_size = batch_size
        self.function_name = function_name
        self.start_position = start_position
        self._client = emulator_client("dynamodbstreams", endpoint_url, region)
        self._stream_arn: str | None = None
        self._shards: dict[str, _Shard] = {}
        self._deliver_lock = threading.Lock()  # one batch at a time, thread or drain()
        self._failures = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.last_error: BaseException | None = None

    @classmethod
    def for_app(cls, app: Any, endpoint_url: str, table_name: str, **kwargs: Any) -> list[StreamPoller]:
        """One poller per `@app.on_dynamodb_record` consumer, with its batch size."""
        return [
            cls(
                endpoint_url,
                table_name,
                app.handler_map[source.name],
                batch_size=source.batch_size,
                function_name=source.name,
                **kwargs,
            )
            for source in dynamodb_stream_consumers(app)
        ]

    # ---- lifecycle ----
    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> StreamPoller:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=f"stream-{self.function_name}", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        activity.wake_all()
        if self._thread is not None:
            self._thread.join(timeout)
        self._thread = None

    def drain(self, timeout: float = 10.0) -> int:
        """Deliver every record in the stream, including records the handler's own
        writes produce, until a read returns nothing. Returns how many were delivered.
        """
        deadline = time.monotonic() + timeout
        delivered = 0
        while True:
            count, failed = self.poll_once()
            delivered += count
            if count == 0 and not failed:
                return delivered
            if time.monotonic() > deadline:
                raise DrainTimeout(
                    f"stream of {self.table_name} not drained in {timeout}s (last error: {self.last_error!r})"
                )
            if failed:
                time.sleep(self._backoff())

    # ---- one step ----
    def poll_once(self) -> tuple[int, bool]:
        """Read and deliver at most one batch per shard: (records delivered, a batch failed)."""
        with self._deliver_lock:
            try:
                shards = self._discover()
            except Exception as error:  # noqa: BLE001 (emulator busy or restarting: try again)
                self._api_error(error)
                return 0, True
            delivered, failed = 0, False
            for shard in shards:
                try:
                    count, shard_failed = self._poll_shard(shard)
                except Exception as error:  # noqa: BLE001 (stream API error: new iterator next time)
                    self._api_error(error)
                    shard.iterator = None
                    count, shard_failed = 0, True
                delivered += count
                failed = failed or shard_failed
            self._failures = self._failures + 1 if failed else 0
            return delivered, failed

    def _api_error(self, error: BaseException) -> None:
        if self._failures == 0:  # once per streak: the thread retries every few seconds
            log.warning("reading the stream of %s failed (%r); retrying", self.table_name, error)
        self.last_error = error

    def _run(self) -> None:
        while not self._stop.is_set():
            before = activity.generation()  # a write during the poll is not missed
            count, failed = self.poll_once()
            if failed:
                self._stop.wait(self._backoff())
            elif count == 0 and not self._stop.is_set():
                activity.wait_for_write(before, IDLE_POLL_SECONDS)

    def _backoff(self) -> float:
        return min(MAX_RETRY_SECONDS, FIRST_RETRY_SECONDS * 2 ** max(0, self._failures - 1))

    def _discover(self) -> list[_Shard]:
        streams = self._client.list_streams(TableName=self.table_name)["Streams"]
        if not streams:
            self._stream_arn, self._shards = None, {}
            return []
        arn = streams[0]["StreamArn"]
        if arn != self._stream_arn or not self._shards:
            if arn != self._stream_arn:
                # New stream (table created or re-created): start over on it.
                self._stream_arn, self._shards = arn, {}
            description = self._client.describe_stream(StreamArn=arn)["StreamDescription"]
            for shard in description.get("Shards", []):
                self._shards.setdefault(shard["ShardId"], _Shard(shard["ShardId"]))
        return list(self._shards.values())

    def _poll_shard(self, shard: _Shard) -> tuple[int, bool]:
        assert self._stream_arn is not None
        if shard.retry_from is not None:
            shard.iterator = self._iterator(shard.shard_id, "AT_SEQUENCE_NUMBER", shard.retry_from)
        elif shard.iterator is None and shard.checkpoint is not None:
            shard.iterator = self._iterator(shard.shard_id, "AFTER_SEQUENCE_NUMBER", shard.checkpoint)
        elif shard.iterator is None:
            shard.iterator = self._iterator(shard.shard_id, self.start_position)
        page = self._client.get_records(ShardIterator=shard.iterator, Limit=self.batch_size)
        records = page["Records"]
        if not records:
            shard.iterator = page.get("NextShardIterator", shard.iterator)
            return 0, False
        event = {"Records": [self._lambda_record(record) for record in records]}
        first_failed = self._deliver(event)
        if first_failed is None:
            shard.iterator, shard.retry_from = page.get("NextShardIterator"), None
            shard.checkpoint = records[-1]["dynamodb"]["SequenceNumber"]
            return len(records), False
        shard.retry_from = first_failed
        done = [
            r["dynamodb"]["SequenceNumber"] for r in records if int(r["dynamodb"]["SequenceNumber"]) < int(first_failed)
        ]
        if done:
            shard.checkpoint = done[-1]
        return len(done), True

    def _iterator(self, shard_id: str, position: str, sequence_number: str | None = None) -> str:
        request = {"StreamArn": self._stream_arn, "ShardId": shard_id, "ShardIteratorType": position}
        if sequence_number is not None:
            request["SequenceNumber"] = sequence_number
        return self._client.get_shard_iterator(**request)["ShardIterator"]

    def _deliver(self, event: dict[str, Any]) -> str | None:
        """Call the handler; the sequence number to resume at, or None when all succeeded."""
        sequence_numbers = [record["dynamodb"]["SequenceNumber"] for record in event["Records"]]
        context = LambdaContext(
            function_name=naming.function_name(self.function_name),
            invoked_function_arn=naming.function_arn(self.function_name, self.region),
        )
        try:
            result = self.handler(event, context)
        except Exception as error:
            self.last_error = error
            log.exception("stream consumer %s failed; the batch will be retried", self.function_name)
            return sequence_numbers[0]
        failures = result.get("batchItemFailures") if isinstance(result, dict) else None
        if not failures:
            return None
        identifiers = [failure.get("itemIdentifier") if isinstance(failure, dict) else None for failure in failures]
        if any(identifier not in sequence_numbers for identifier in identifiers):
            # Lambda treats a missing or unknown identifier as a failure of the whole batch.
            self.last_error = ValueError(f"invalid batchItemFailures {failures!r}")
            return sequence_numbers[0]
        first = min(identifiers, key=int)
        self.last_error = ValueError(f"{len(identifiers)} record(s) reported as failed")
        if self._failures == 0:
            log.warning("stream consumer %s reported %d failed record(s); redelivering from %s",
                        self.function_name, len(identifiers), first)
        return first

    def _lambda_record(self, record: dict[str, Any]) -> dict[str, Any]:
        dynamodb = dict(record["dynamodb"])
        created = dynamodb.get("ApproximateCreationDateTime")
        if isinstance(created, datetime):
            dynamodb["ApproximateCreationDateTime"] = int(created.timestamp())
        for image in ("Keys", "NewImage", "OldImage"):
            if image in dynamodb:
                dynamodb[image] = to_wire(dynamodb[image])
        return {
            "eventID": record["eventID"],
            "eventName": record["eventName"],
            "eventVersion": "1.1",
            "eventSource": "aws:dynamodb",
            "awsRegion": self.region,
            "dynamodb": dynamodb,
            "eventSourceARN": self._stream_arn,
        }
