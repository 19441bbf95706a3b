"""Domain events to an EventBridge bus (the real ``EventPublisher``).

Each event becomes one entry: Source ``tuanstack``, DetailType the event name,
Detail ``{"subject_id", "idempotency_key", **detail}`` as JSON. PutEvents takes
at most 10 entries a call and can accept some entries of a call while refusing
others (``FailedEntryCount``): refused entries are retried with backoff a bounded
number of times, and whatever is still refused raises ``PublishFailed`` so the
calling Step Functions task fails and its Retry publishes again. Re-publishing
can deliver an event twice; consumers drop duplicates by ``idempotency_key``.
"""
from __future__ import annotations

import json
import random
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from chalicelib.adapters.events import DomainEvent, PublishFailed
from chalicelib.core.clock import iso
from chalicelib.core.observability import logger

SOURCE = "tuanstack"
MAX_ENTRIES_PER_CALL = 10  # the PutEvents API limit
_RESERVED_DETAIL_KEYS = frozenset({"subject_id", "idempotency_key"})


class EventBridgePublisher:
    def __init__(
        self,
        bus_name: str,
        *,
        region: str | None = None,
        client: Any = None,
        max_attempts: int = 4,
        base_delay_seconds: float = 0.1,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not bus_name:
            raise RuntimeError("TUANSTACK_EVENT_BUS must name the EventBridge bus")
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        self.bus_name = bus_name
        self._region = region
        self._client = client
        self._client_lock = threading.Lock()
        self._max_attempts = max_attempts
        self._base_delay = base_delay_seconds
        self._sleep = sleep

    def publish(self, events: list[DomainEvent]) -> None:
        pending = [(event, self._entry(event)) for event in events]  # malformed events fail before any is sent
        lost: list[tuple[DomainEvent, str]] = []
        # Every batch is tried even after one loses events: fewer events wait for the retry.
        for batch in _batches(pending, MAX_ENTRIES_PER_CALL):
            lost.extend(self._put_with_retries(batch))
        if lost:
            codes = sorted({code for _, code in lost})
            for event, code in lost:
                logger.error("domain event not published", extra={
                    "event": event.name, "subject_id": event.subject_id,
                    "idempotency_key": event.idempotency_key, "error_code": code})
            raise PublishFailed(
                f"{len(lost)} of {len(events)} events were not published to EventBridge bus {self.bus_name} "
                f"after {self._max_attempts} attempts (error codes: {', '.join(codes)})",
                lost=len(lost),
            )

    def _put_with_retries(self, batch: list[tuple[DomainEvent, dict[str, str]]]) -> list[tuple[DomainEvent, str]]:
        """Send one batch; returns the entries still refused after the last attempt, with their error code."""
        failed: list[tuple[DomainEvent, str]] = []
        for attempt in range(self._max_attempts):
            if attempt:
                # Full jitter: concurrent tasks throttled together do not retry in step.
                self._sleep(random.uniform(0, self._base_delay * 2 ** attempt))
            response = self._events().put_events(Entries=[entry for _, entry in batch])
            if not response.get("FailedEntryCount"):
                return []
            # Results come back in request order, one per entry.
            refused = [
                (item, result["ErrorCode"])
                for item, result in zip(batch, response["Entries"], strict=True)
                if result.get("ErrorCode")
            ]
            # The codes are not a closed, documented set: every refused entry is
            # retried, and the attempt count bounds what a permanent refusal costs.
            batch = [item for item, _ in refused]
            failed = [(event, code) for (event, _), code in refused]
        return failed

    def _entry(self, event: DomainEvent) -> dict[str, str]:
        clash = _RESERVED_DETAIL_KEYS & set(event.detail)
        if clash:
            raise ValueError(f"{event.name}: detail must not redefine {sorted(clash)}")
        detail = {"subject_id": event.subject_id, "idempotency_key": event.idempotency_key, **event.detail}
        return {
            "EventBusName": self.bus_name,
            "Source": SOURCE,
            "DetailType": event.name,
            "Detail": json.dumps(detail, default=_json_value, separators=(",", ":"), ensure_ascii=False),
        }

    def _events(self) -> Any:
        # Created on first publish, not at import or construction: boto3 costs
        # ~230 ms of cold start, and most invocations publish nothing.
        with self._client_lock:
            if self._client is None:
                import boto3

                # A session of our own: boto3's default session is not thread-safe
                # while it builds clients. AWS_ENDPOINT_URL sends it to the emulator locally.
                self._client = boto3.session.Session().client("events", region_name=self._region)
            return self._client


def _batches(items: Sequence[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield list(items[start:start + size])


def _json_value(value: Any) -> Any:
    """Amounts read from DynamoDB arrive as Decimal, times as datetime."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else str(value)
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return dict(value)
    raise TypeError(f"cannot put a {type(value).__name__} in an event's detail")
