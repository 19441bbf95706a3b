"""What follows a request's refund, from the table stream (at least once; each step posts or
writes once, so a redelivered record changes nothing):

- points: the refunded part of the order's earned points (and growth) is cancelled while pending,
  or taken back once released, never below zero (points' published refunds); the points the
  refunded units spent at checkout come back;
- coupons: when the whole order is refunded, its coupons come back if still valid (checkout's);
- events and messages: every transition is published (AfterSalesRequestChanged); the customer
  gets a subscribe message when a decision or the refund reaches them.
"""
from __future__ import annotations

from datetime import datetime

from chalicelib.aftersales import keys, store
from chalicelib.aftersales.rules import AfterSalesRequest, LineTaken
from chalicelib.core.observability import count, logger
from chalicelib.orders.published.after_sales import get_order
from chalicelib.orders.published.kinds import OrderView

NOTIFIED = {  # the state a customer hears about → our subscribe template
    "AWAITING_RETURN": "after_sales_approved",
    "REJECTED": "after_sales_rejected",
    "REFUNDED": "after_sales_refunded",
    "CLOSED": "after_sales_closed",
}


def after_refund(request: AfterSalesRequest, now: datetime) -> None:
    from chalicelib.points.published.refunds import give_back_spent, reverse_refunded_part

    order = get_order(request.order_id)
    if order is None:
        logger.error("a refunded request's order is gone", extra={"request_id": request.id})
        return
    refund_id = keys.refund_id_of(request.id)
    lines_refunded = request.amount - request.shipping
    paid_lines = sum(line.total for line in order.lines)
    ledgers = store.line_ledgers(order.id, len(order.lines))
    refunded_lines = sum(ledger.refunded for ledger in ledgers if ledger is not None)
    before = max(0, min(refunded_lines, paid_lines) - lines_refunded)
    if lines_refunded and paid_lines:
        reverse_refunded_part(order.user_id, order.id, refund_id, before, lines_refunded, paid_lines, now)
    if request.points and order.spent_with:
        give_back_spent(order.user_id, order.spent_with, refund_id, request.points, now)
    if _all_refunded(order, ledgers):
        from chalicelib.checkout.published.refunds import give_back_coupons

        back = give_back_coupons(order.id, now)
        count("CouponsReturnedOnRefund", back)
    count("AfterSalesFollowUps")


def _all_refunded(order: OrderView, ledgers: list[LineTaken | None]) -> bool:
    return all(ledger is not None and ledger.open_request is None and ledger.units == line.quantity
               for line, ledger in zip(order.lines, ledgers, strict=True))


def publish_transition(request_id: str, order_id: str, user_id: str, state: str, before: str | None,
                       amount: int, kind: str) -> None:
    """An event per transition (ids and amounts only), and the customer's message for some.
    Best effort: a lost event is counted, never holds up the stream's shard."""
    from chalicelib.accounts.published.notifications import notify_users
    from chalicelib.adapters.events import DomainEvent, PublishFailed
    from chalicelib.adapters.messaging import event_publisher_for
    from chalicelib.core.settings import settings

    try:
        event_publisher_for(settings()).publish([DomainEvent(
            name="AfterSalesRequestChanged", subject_id=request_id, idempotency_key=f"{request_id}:{state}",
            detail={"requestId": request_id, "orderId": order_id, "state": state, "from": before or "",
                    "amount": amount, "kind": kind})])
    except PublishFailed:
        count("DomainEventsLost")
        logger.exception("AfterSalesRequestChanged not published", extra={"request_id": request_id})
    if state in NOTIFIED:
        notify_users([user_id], NOTIFIED[state], {"requestId": request_id, "orderId": order_id,
                                                  "amount": str(amount)})
