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
    from chalicelib.points.published.refunds import give_back_spent, reverse_refunded_products

    order = get_order(request.order_id)
    if order is None:
        logger.error("a refunded request's order is gone", extra={"request_id": request.id})
        return
    refund_id = keys.refund_id_of(request.id)
    ledgers = store.line_ledgers(order.id, len(order.lines))
    paid, now_, before = _by_product(order, ledgers, request)
    if sum(now_.values()) and sum(paid.values()):
        reverse_refunded_products(order.user_id, order.id, refund_id, before, now_, paid, now)
    if request.points and order.spent_with:
        give_back_spent(order.user_id, order.spent_with, refund_id, request.points, now)
    if _all_refunded(order, ledgers):
        from chalicelib.checkout.published.refunds import give_back_coupons

        back = give_back_coupons(order.id, now)
        count("CouponsReturnedOnRefund", back)
    count("AfterSalesFollowUps")


def _by_product(order: OrderView, ledgers: list[LineTaken | None],
                request: AfterSalesRequest) -> tuple[dict[str, int], dict[str, int], dict[str, int]]:
    """Fen by product: what the order's lines paid, what this request refunded, and what was refunded
    before it (its lines' ledgers, which already count this refund, less it)."""
    paid: dict[str, int] = {}
    refunded_now: dict[str, int] = {}
    refunded_all: dict[str, int] = {}
    for index, line in enumerate(order.lines):
        paid[line.product_id] = paid.get(line.product_id, 0) + line.total
        ledger = ledgers[index]
        refunded_all[line.product_id] = refunded_all.get(line.product_id, 0) + (ledger.refunded if ledger else 0)
    for line in request.lines:
        product = order.lines[line.index].product_id
        refunded_now[product] = refunded_now.get(product, 0) + line.amount
    before = {p: max(0, min(refunded_all.get(p, 0), paid[p]) - refunded_now.get(p, 0)) for p in paid}
    return paid, refunded_now, before


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
