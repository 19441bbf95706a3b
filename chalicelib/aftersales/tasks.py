"""Tasks of after-sales' state machines (infra/statemachines/):

- after_sales_deadline → ``deadline_passed``: a phase's instant passed (NotYet if early: retried);
- refund (shared; chalicelib/payments.py routes ``requestId`` here) → ``refund_request``, and
  ``mark_refund_failed`` when it cannot be done.

Every task is idempotent: the store's transitions are conditional on the state they leave.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from chalicelib.aftersales import deadlines, refunds
from chalicelib.core.clock import utc_now
from chalicelib.core.observability import flush_metrics
from chalicelib.core.settings import settings

REASON_LIMIT = 200


class NotYet(RuntimeError):
    """The timer woke before the deadline (clock skew): the machine retries."""


def payment_provider() -> Any:
    from chalicelib.adapters.payments.factory import payment_provider_for

    return payment_provider_for(settings())


def deadline_passed(event: Mapping[str, Any], now: datetime | None = None) -> dict[str, Any]:
    """{requestId, phase, at} → {"requestId", "phase", "outcome": acted | moved_on | unknown}."""
    request_id, phase = event["requestId"], event["phase"]
    try:
        outcome = deadlines.deadline_passed(request_id, phase, now or utc_now())
    finally:
        flush_metrics()
    if outcome == "not_yet":
        raise NotYet(f"after-sales request {request_id} is not due yet ({phase})")
    return {"requestId": request_id, "phase": phase, "outcome": outcome}


def refund_request(event: Mapping[str, Any], now: datetime | None = None) -> dict[str, Any]:
    try:
        return refunds.refund_request(event["requestId"], payment_provider(), now or utc_now())
    finally:
        flush_metrics()


def mark_refund_failed(event: Mapping[str, Any], now: datetime | None = None) -> dict[str, Any]:
    error = event.get("error") or {}
    reason = f"{error.get('Error', 'Error')}: {error.get('Cause', '')}"[:REASON_LIMIT]
    try:
        return refunds.mark_refund_failed(event["requestId"], reason, now or utc_now())
    finally:
        flush_metrics()
