"""Compensation after a fault (赔付): an operator refunds what is left of an order, with a reason,
and grants the customer a coupon in the same transaction — both or neither."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from chalicelib.aftersales import asking, rules, store
from chalicelib.aftersales.rules import Actor, AfterSalesRequest, NothingLeftToRefund, Reason, RequestKind, RequestState
from chalicelib.core.errors import NotFound, ValidationFailed
from chalicelib.core.idempotency import IdempotentRequest, idempotent_request
from chalicelib.core.money import require_whole
from chalicelib.core.observability import count
from chalicelib.core.principal import Principal, Role, require_role
from chalicelib.core.table.transactions import Transaction
from chalicelib.coupons.published.issuing import CouponTerms, DiscountKind, add_issue
from chalicelib.orders.published.after_sales import get_order

MAX_COUPON_FEN = 100_000  # ¥1,000
MAX_COUPON_DAYS = 365
COUPON_TITLE = "Our apologies (补偿券)"


@dataclass(frozen=True, slots=True)
class CouponGrant:
    amount_off: int  # fen, no threshold
    valid_days: int = 30

    def __post_init__(self) -> None:
        require_whole(self.amount_off, "coupon.amountOff", minimum=1, maximum=MAX_COUPON_FEN)
        require_whole(self.valid_days, "coupon.validDays", minimum=1, maximum=MAX_COUPON_DAYS)


def compensate_with_key(principal: Principal | None, order_id: str, reason: str, grant: CouponGrant | None,
                        idempotency_key: str, now: datetime) -> AfterSalesRequest:
    """``compensate`` with the operator's retry key (scoped to them)."""
    caller = require_role(principal, Role.OPERATOR)
    key = idempotent_request(caller.user_id, "compensateOrder", idempotency_key, order_id, reason, grant)
    return compensate(caller, order_id, reason, grant, key, now)


def compensate(principal: Principal | None, order_id: str, reason: str, grant: CouponGrant | None,
               request: IdempotentRequest | None, now: datetime) -> AfterSalesRequest:
    """Refund every unit of the order not refunded or asked for yet, and its shipping, at once
    (REFUNDING: the refund workflow pays it); NOTHING_LEFT_TO_REFUND when nothing is left;
    AFTER_SALES_IN_PROGRESS when a customer's request is open on a line (decide that first)."""
    caller = require_role(principal, Role.OPERATOR)
    why = rules.clean_decision_reason(reason)
    replayed = asking.replay_of(request)
    if replayed is not None:
        return replayed
    order = get_order(order_id)
    if order is None:
        raise NotFound("no such order", "orderId")
    ledgers = store.line_ledgers(order.id, len(order.lines))
    units = {i: line.quantity - (ledgers[i].units if ledgers[i] else 0) for i, line in enumerate(order.lines)}
    units = {i: q for i, q in units.items() if q > 0}
    if not units:
        raise NothingLeftToRefund("everything in this order was refunded or is in a request", "orderId")
    holds = order.state.value == "TO_SHIP"  # refunded in full before it shipped: it must never ship
    made = asking.build(order, order.user_id, RequestKind.COMPENSATION, Reason.PLATFORM_FAULT, units, "", (), now,
                         state=RequestState.REFUNDING, decision_reason=why, shipping_always=True, holds=holds)
    made_request = made.request

    def grant_coupon(tx: Transaction) -> None:
        nonlocal made_request
        if grant is None:
            return
        coupon = add_issue(tx, order.user_id, CouponTerms(DiscountKind.AMOUNT_OFF, amount_off=grant.amount_off),
                           COUPON_TITLE, now, now + timedelta(days=grant.valid_days), f"compensation:{made.request.id}",
                           now=now)
        made_request = replace(made_request, coupon_id=coupon.id)
        made.item.coupon_id = coupon.id

    try:
        written = asking.write_new(made, order, request, Actor.OPERATOR, caller.user_id, now, holds=holds,
                                    also=grant_coupon)
    except asking.LineChanged:
        raise ValidationFailed("the order's lines changed meanwhile; try again", "orderId") from None
    if written.id != made.request.id:
        return written  # a replay raced this one
    count("Compensations")
    return made_request


SYSTEM_ID = "SYSTEM"


def refund_uncollected(order_id: str, now: datetime) -> AfterSalesRequest | None:
    """An order for pickup nobody collected by its deadline, in a round that refunds those (``refund_pickup``)."""
    return refund_pickup(order_id, Reason.NOT_COLLECTED, "not collected in time", now)


def refund_pickup(order_id: str, reason: Reason, why: str, now: datetime) -> AfterSalesRequest | None:
    """The system refunds an order for pickup in full (not collected in time in a round that refunds those, or its
    round cancelled): every unit not refunded or in a customer's open request is refunded (REFUNDING: the refund
    workflow pays it), and the order is held so it is never handed over. A line in an open request follows that
    request. None when there is nothing left to refund (a run before this one, or the customer's own requests)."""
    order = get_order(order_id)
    if order is None:
        return None
    ledgers = store.line_ledgers(order.id, len(order.lines))
    units = {i: line.quantity - (ledgers[i].units if ledgers[i] else 0) for i, line in enumerate(order.lines)
             if ledgers[i] is None or ledgers[i].open_request is None}
    units = {i: q for i, q in units.items() if q > 0}
    if not units:
        return None
    made = asking.build(order, order.user_id, RequestKind.COMPENSATION, reason, units, "", (), now,
                        state=RequestState.REFUNDING, decision_reason=why, shipping_always=True, holds=True)
    try:
        written = asking.write_new(made, order, None, Actor.SYSTEM, SYSTEM_ID, now, holds=True)
    except asking.LineChanged:
        return refund_pickup(order_id, reason, why, now)  # a line moved meanwhile: what is left now
    count("PickupOrdersRefunded")
    return written
