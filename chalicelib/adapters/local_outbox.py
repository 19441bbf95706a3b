"""LOCAL adapter for `make dev` and tests: events and notifications kept in memory.

``LocalOutbox`` implements both ports (``EventPublisher`` and ``Notifier``).
Nothing leaves the process: each item is recorded, and logged with ids only, so
a developer sees in the dev console what would have gone to EventBridge or
WeChat, and a test can assert on it. ``messaging`` refuses it outside the local
stage and keeps one per process.
"""
from __future__ import annotations

import threading

from chalicelib.adapters.events import DomainEvent, Notification
from chalicelib.core.observability import logger


class LocalOutbox:
    def __init__(self) -> None:
        # Handlers of the dev server and concurrency tests publish from many threads.
        self._lock = threading.Lock()
        self._events: list[DomainEvent] = []
        self._notifications: list[Notification] = []

    # ---- EventPublisher ----
    def publish(self, events: list[DomainEvent]) -> None:
        with self._lock:
            self._events.extend(events)
        for event in events:
            # detail and data are left out: ids only in logs, whatever a caller puts there.
            logger.info("domain event (local outbox)", extra={
                "event": event.name, "subject_id": event.subject_id, "idempotency_key": event.idempotency_key})

    # ---- Notifier ----
    def notify(self, notification: Notification) -> None:
        with self._lock:
            self._notifications.append(notification)
        logger.info("notification (local outbox)", extra={
            "user_id": notification.user_id, "template": notification.template})

    # ---- inspection ----
    def events(self) -> list[DomainEvent]:
        """A copy, in publishing order."""
        with self._lock:
            return list(self._events)

    def notifications(self) -> list[Notification]:
        with self._lock:
            return list(self._notifications)

    def clear(self) -> None:
        with self._lock:
            self._events.clear()
            self._notifications.clear()
