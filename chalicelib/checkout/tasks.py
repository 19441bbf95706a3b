"""Tasks of checkout's state machines (infra/statemachines/):

- payment_window → ``cancel_unpaid_payment``: at pay_by, cancel a payment still awaiting
  (stock, coupons and points back). Time decides: the task re-checks pay_by and raises
  ``NotYet`` if it woke early, which the machine retries;
- refund (shared with group-buy; chalicelib/payments.py routes by the input's id) →
  ``refund_payment``, and ``mark_refund_failed`` when it cannot be done.

Every task is idempotent (Step Functions may run one more than once): the store's
updates are conditional on the payment's state.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from chalicelib.checkout import paying, refunds
from chalicelib.core.clock import utc_now
from chalicelib.core.observability import flush_metrics
from chalicelib.core.settings import settings

REASON_LIMIT = 200  # the store keeps this much of a refund's failure reason


class NotYet(RuntimeError):
    """The timer woke before pay_by (clock skew): the machine retries."""


def payment_provider() -> Any:
    """The configured payment provider (the simulated one in the local stage)."""
    from chalicelib.adapters.payments.factory import payment_provider_for

    return payment_provider_for(settings())


def cancel_unpaid_payment(event: Mapping[str, Any], now: datetime | None = None) -> dict[str, Any]:
    """{paymentId, payBy} → {"paymentId", "outcome": paid (a capture in time found at the provider) |
    cancelled | already | unknown}."""
    payment_id = event["paymentId"]
    try:
        outcome = paying.cancel_when_window_passed(payment_id, now or utc_now(), payment_provider())
    finally:
        flush_metrics()
    if outcome == "not_yet":
        raise NotYet(f"payment {payment_id} is not due yet")
    return {"paymentId": payment_id, "outcome": outcome}


def refund_payment(event: Mapping[str, Any], now: datetime | None = None) -> dict[str, Any]:
    """{paymentId} → the late capture refunded (PaymentError and RefundNotPossible propagate)."""
    try:
        return refunds.refund_payment(event["paymentId"], payment_provider(), now or utc_now())
    finally:
        flush_metrics()


def mark_refund_failed(event: Mapping[str, Any]) -> dict[str, Any]:
    """{paymentId, error: {Error, Cause}} → REFUND_FAILED, listed for operators."""
    error = event.get("error") or {}
    try:
        return refunds.mark_refund_failed(event["paymentId"], _reason(error))
    finally:
        flush_metrics()


def _reason(error: Mapping[str, Any]) -> str:
    return f"{error.get('Error', 'Error')}: {error.get('Cause', '')}"[:REASON_LIMIT]
