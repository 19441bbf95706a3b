"""Tasks of the group-buy state machines (infra/statemachines/):

- team_lifecycle → ``close_team``: at the team's deadline, fail it (its paid orders
  move to REFUNDING, which starts one refund execution each) or let it succeed
  virtually (which starts team_settlement);
- team_settlement → ``settle_team``: a succeeded team's orders become shippable;
- refund → ``refund_order``, and ``mark_refund_failed`` when it cannot be done.

Step Functions may run a task more than once (a Retry after a failure, a Lambda
timeout after the work was done), so every task is idempotent:
- state changes are conditional in the store: a second run finds the work done;
- domain events are published from the state found, on every run, keyed per
  occurrence (``<id>:<state>``): at least once, consumers drop duplicates;
- notifications reach people and carry no key: only the run that made the change
  sends them, before it publishes (a failed publish retries the task without
  notifying twice); one that fails is logged and counted, not retried.

Exceptions propagate as Lambda errors whose errorType is the class name:
``PaymentError`` and ``PublishFailed`` (retried by the refund machine),
``RefundNotPossible`` and the rest (caught: the order is marked REFUND_FAILED), ``NotYet`` (a
``RuntimeError``) from a timer that woke early (retried by the lifecycle machine).
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from chalicelib.accounts.published.notifications import notify_users
from chalicelib.adapters.events import DomainEvent
from chalicelib.core.clock import utc_now
from chalicelib.core.observability import flush_metrics
from chalicelib.core.settings import settings
from chalicelib.groupbuy import payments as groupbuy_payments
from chalicelib.groupbuy import service as groupbuy
from chalicelib.groupbuy import store
from chalicelib.groupbuy.rules import OrderState, SeatState

REASON_LIMIT = 200  # the store keeps this much of a refund's failure reason


def payment_provider() -> Any:
    """The configured payment provider (the simulated one in the local stage)."""
    from chalicelib.adapters.payments.factory import payment_provider_for

    return payment_provider_for(settings())


def _publish(events: list[DomainEvent]) -> None:
    from chalicelib.adapters.messaging import event_publisher_for

    event_publisher_for(settings()).publish(events)


# ---------- team_lifecycle ----------
def close_team(event: dict[str, Any], now: datetime | None = None) -> dict[str, Any]:
    """{teamId, expiresAt} → the team closed at its deadline (raises RuntimeError if early).

    A team that succeeded at once (or virtually now) is settled by team_settlement,
    which the stream starts and which publishes TeamSucceeded: nothing to do here.
    """
    team_id = event["teamId"]
    try:
        result = groupbuy.close_team_at_deadline(team_id, now or utc_now())
        if result["state"] == "FAILED":
            _team_failed(team_id, notify=bool(result.get("closedNow")))
        return result
    finally:
        flush_metrics()


def _team_failed(team_id: str, *, notify: bool) -> None:
    team, seats = store.team_with_seats(team_id, consistent=True)
    paid = [seat for seat in seats if seat.state is SeatState.PAID]
    # Notify before publishing: a failed publish retries the task, whose second run
    # (the team already closed) publishes without notifying anyone again.
    if notify:
        notify_users((seat.user_id for seat in paid), "team_failed_refunding", {"teamId": team_id})
    _publish([DomainEvent(
        name="TeamFailed", subject_id=team_id, idempotency_key=f"{team_id}:FAILED",
        detail={"teamId": team_id, "dealId": team.terms.deal_id if team else "", "paid": len(paid),
                "orderIds": [seat.order_id for seat in paid]},
    )])


# ---------- team_settlement ----------
def settle_team(event: dict[str, Any]) -> dict[str, Any]:
    """{teamId} → a succeeded team's paid orders become shippable; TeamSucceeded,
    the points hook, then the members' notifications (last: a failure before them
    retries the task without anyone notified twice)."""
    team_id = event["teamId"]
    try:
        result = groupbuy.settle_team(team_id)
        if not result.get("settled"):
            return result
        virtual = bool(result.get("virtual"))
        _publish([DomainEvent(
            name="TeamSucceeded", subject_id=team_id, idempotency_key=f"{team_id}:SUCCEEDED",
            detail={"teamId": team_id, "virtual": virtual, "paid": len(result["members"]),
                    "orderIds": list(result.get("orders", []))},
        )])
        from chalicelib.points.published import hooks as points_hooks

        points_hooks.on_team_succeeded(team_id, list(result["members"]))
        notify_users(result["members"], "team_succeeded", {"teamId": team_id, "virtual": str(virtual).lower()})
        return result
    finally:
        flush_metrics()


# ---------- refund ----------
def refund_order(event: dict[str, Any], now: datetime | None = None) -> dict[str, Any]:
    """{orderId} → the order refunded by the provider (keyed by the order: never twice).

    PaymentError propagates (the machine retries it); RefundNotPossible and any
    other error propagate too (the machine marks the refund failed)."""
    order_id = event["orderId"]
    try:
        result = groupbuy_payments.refund_order(order_id, payment_provider(), now or utc_now())
        if result.get("status") == OrderState.REFUNDED.value:
            order = store.get_order(order_id)
            assert order is not None  # refund_order found it
            if not result.get("already"):  # before publishing, as in close_team
                notify_users([order.user_id], "refund_completed",
                        {"orderId": order_id, "amount": str(order.refunded), "currency": order.amount.currency})
            _publish([DomainEvent(
                name="RefundCompleted", subject_id=order_id, idempotency_key=f"{order_id}:REFUNDED",
                detail={"orderId": order_id, "teamId": order.team_id, "amount": order.refunded,
                        "currency": order.amount.currency},
            )])
        return result
    finally:
        flush_metrics()


def mark_refund_failed(event: dict[str, Any]) -> dict[str, Any]:
    """{orderId, error: {Error, Cause}} (the refund task's error, from Catch) → the
    order stays REFUND_FAILED for an operator (listed, counted, alarmed on)."""
    order_id = event["orderId"]
    error = event.get("error") or {}
    try:
        result = groupbuy_payments.mark_refund_failed(order_id, _reason(error))
        order = store.get_order(order_id)
        if order is not None and order.state is OrderState.REFUND_FAILED:
            _publish([DomainEvent(
                name="RefundFailed", subject_id=order_id,
                idempotency_key=f"{order_id}:REFUND_FAILED:{order.refund_attempt}",
                detail={"orderId": order_id, "teamId": order.team_id, "amount": order.captured,
                        "currency": order.amount.currency, "attempt": order.refund_attempt,
                        "error": str(error.get("Error", ""))},
            )])
        return result
    finally:
        flush_metrics()


def _reason(error: Mapping[str, Any]) -> str:
    """"PaymentError: <message>" from a Catch's {Error, Cause}; Cause is the Lambda
    error payload as JSON (errorType, errorMessage, stackTrace) or plain text."""
    name = str(error.get("Error") or "Unknown")
    cause = error.get("Cause") or ""
    message = cause
    if isinstance(cause, str) and cause.startswith("{"):
        try:
            message = json.loads(cause).get("errorMessage", "")
        except ValueError:
            pass
    return f"{name}: {message}"[:REASON_LIMIT] if message else name[:REASON_LIMIT]
