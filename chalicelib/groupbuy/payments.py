"""Group-buy money: payment notifications (in time or late, by the provider's success
time against payBy) and refunds (keyed by the order, retried, failed ones kept for an
operator). Total refunded never exceeds total captured."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from chalicelib.adapters.payments import (
    PaymentEvent,
    PaymentProvider,
    PaymentState,
    RefundRequest,
    refund_at_provider,
)
from chalicelib.catalog.published import stock as stock_store
from chalicelib.catalog.published.stock import ReservationState
from chalicelib.core.errors import (
    InvalidState,
    NotFound,
)
from chalicelib.core.observability import count, logger
from chalicelib.core.principal import Principal, Role, require_role
from chalicelib.core.table.paging import Page, PageRequest
from chalicelib.groupbuy import store
from chalicelib.groupbuy.rules import Order, OrderState
from chalicelib.groupbuy.store import PaymentNotApplied


# ---------- payments ----------
def apply_payment_event(event: PaymentEvent, now: datetime) -> str:
    """Apply a verified payment notification. Idempotent and order-independent:
    'applied', 'duplicate', 'late' (captured for a seat that is gone, or after its
    payBy: refunded), 'ignored' (not a capture) or 'unknown_order'.

    Whether a capture was in time is decided by the provider's success time against
    the seat's payBy, not by whether the seat's timer has run yet."""
    if event.state is not PaymentState.SUCCESS:
        return "ignored"
    order = store.get_order(event.order_id)
    if order is None:
        return "unknown_order"
    if order.captured:
        # A redelivery may be the only chance to finish what a crashed first delivery
        # began: closing a team its payment filled. Idempotent.
        if order.state is OrderState.PAID_AWAITING_TEAM and store.mark_succeeded_if_full(order.team_id, now):
            count("TeamsSucceeded")
        return "duplicate"
    if event.amount != order.amount.amount or event.currency != order.amount.currency:
        logger.error("captured amount differs from the order", extra={"order_id": order.id})
        if order.state is OrderState.CANCELLED and store.record_late_capture(order, event.transaction_id,
                                                                             event.amount, now):
            return "late"
        return "amount_mismatch"
    if order.state is OrderState.AWAITING_PAYMENT and event.paid_at_or(now) < order.pay_by:
        try:
            store.apply_payment(order, event.transaction_id, event.amount, now)
        except PaymentNotApplied:
            # Its team closed while the money was on its way: release the seat, refund.
            return _refund_late_capture(order, event, now)
        count("SeatsPaid")
        if store.mark_succeeded_if_full(order.team_id, now):
            count("TeamsSucceeded")
        return "applied"
    # Captured after payBy (the seat is released now if its timer has not run yet), or
    # for a seat already given back: the money goes back.
    return _refund_late_capture(order, event, now)


def _refund_late_capture(order: Order, event: PaymentEvent, now: datetime) -> str:
    """A capture that cannot pay for its seat: the seat is released if it is still
    held, and the capture recorded on the cancelled order, which turns REFUNDING
    (the stream starts the refund). Once only: 'duplicate' after that."""
    current = store.get_order(order.id) or order
    if current.captured:
        return "duplicate"
    if current.state is OrderState.AWAITING_PAYMENT:
        store.release_seat(current, now)
        current = store.get_order(order.id) or current
    if current.state is OrderState.CANCELLED and store.record_late_capture(
            current, event.transaction_id, event.amount, now):
        count("LateCaptures")
        return "late"
    return "duplicate"


# ---------- refunds ----------
def refund_id_of(order: Order) -> str:
    # One refund per order, the same id on every attempt: the provider never pays it twice.
    return f"R{order.id}"


def refund_order(order_id: str, payments: PaymentProvider, now: datetime) -> dict[str, Any]:
    """Ask the provider to refund an order in REFUNDING. Raises PaymentError when the
    provider may succeed later (the workflow retries with backoff)."""
    order = store.get_order(order_id)
    if order is None:
        raise NotFound("no such order", "orderId")
    if order.state is OrderState.REFUNDED:
        return {"orderId": order_id, "status": "REFUNDED", "already": True}
    if order.state is not OrderState.REFUNDING:
        return {"orderId": order_id, "status": order.state.value, "skipped": True}
    refund_at_provider(payments, RefundRequest(
        order_id=order.id, refund_id=refund_id_of(order), amount=order.captured, total=order.captured,
        currency=order.amount.currency, reason="group-buy team did not form"))
    stock_was_sold = order.paid_at is not None and order.state is OrderState.REFUNDING and _was_sold(order)
    if store.complete_refund(order, stock_was_sold, now):
        count("RefundsCompleted")
    return {"orderId": order_id, "status": "REFUNDED", "amount": order.captured}


def _was_sold(order: Order) -> bool:
    """A paid seat took its unit out of the deal's stock (sold); a late capture's
    seat had already given it back."""
    try:
        return stock_store.get_reservation(order.id).state is ReservationState.COMMITTED
    except NotFound:
        return False


def mark_refund_failed(order_id: str, reason: str) -> dict[str, Any]:
    order = store.get_order(order_id)
    if order is None:
        raise NotFound("no such order", "orderId")
    if store.fail_refund(order, reason):
        count("RefundsFailed")
        logger.error("refund failed; the order waits for an operator", extra={"order_id": order_id})
    return {"orderId": order_id, "status": "REFUND_FAILED"}


def retry_refund(principal: Principal | None, order_id: str) -> Order:
    require_role(principal, Role.OPERATOR)
    order = store.get_order(order_id)
    if order is None:
        raise NotFound("no such order", "orderId")
    if order.state is not OrderState.REFUND_FAILED or not store.retry_refund(order):
        raise InvalidState(f"this order is {order.state.value.lower()}, not refund failed", "orderId")
    count("RefundsRetried")
    return replace(order, state=OrderState.REFUNDING, refund_attempt=order.refund_attempt + 1)


def refund_failed_orders(principal: Principal | None, limit: int | PageRequest,
                         after: str | None = None) -> Page[Order]:
    """Operators: orders whose refund failed, waiting for retryRefund, newest first."""
    require_role(principal, Role.OPERATOR)
    return store.refund_failed_orders(limit, after)
