"""Domain events for other systems, and notifications to people: two ports.

Events (team opened / succeeded / failed, refund completed / failed) go to
EventBridge; notifications to members go to WeChat subscribe messages. Each port
has a real adapter and a local one; see ``events_for`` / ``notifier_for``.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class DomainEvent:
    name: str  # "TeamSucceeded", "RefundFailed"...
    subject_id: str  # what it is about (team id, order id)
    detail: Mapping[str, Any] = field(default_factory=dict)  # ids and amounts only, no personal data
    idempotency_key: str = ""  # stable per occurrence, for consumers to drop duplicates


@dataclass(frozen=True, slots=True)
class Notification:
    user_id: str
    template: str  # our template name: "team_succeeded", "team_failed_refunded"...
    data: Mapping[str, str] = field(default_factory=dict)
    page: str | None = None  # mini-program page to open


class EventPublisher(Protocol):
    def publish(self, events: list[DomainEvent]) -> None: ...


class Notifier(Protocol):
    def notify(self, notification: Notification) -> None: ...
