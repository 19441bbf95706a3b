"""Domain events for other systems, and notifications to people: two ports.

Events (team opened / succeeded / failed, refund completed / failed) go to
EventBridge; notifications to members go to WeChat subscribe messages. Each port
has a real adapter and a local one; see ``messaging.event_publisher_for`` /
``messaging.notifier_for``.
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


# Failures are typed per port, as in the payment port: a Step Functions Retry
# matches the error name, so "try again" and "give up" must be different classes.
class PublishFailed(Exception):
    """Some events were not accepted after bounded retries; re-publishing them may succeed.

    Consumers drop duplicates by ``idempotency_key``, so the caller re-publishes
    the whole list.
    """

    def __init__(self, message: str, lost: int) -> None:
        super().__init__(message)
        self.lost = lost


class NotificationFailed(Exception):
    """A notification could not be sent this time (network, rate limit, provider busy)."""

    def __init__(self, message: str, errcode: int | None = None) -> None:
        super().__init__(message)
        self.errcode = errcode


class NotificationRejected(NotificationFailed):
    """The provider refused this notification for good (bad template, data or
    configuration): retrying sends the same refusal."""
