"""Compensation after a fault (赔付): an operator refunds what is left of an order, with a reason,
and grants the customer a coupon in the same transaction — both or neither."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from chalicelib.aftersales import rules, service, store
from chalicelib.aftersales.rules import Actor, AfterSalesRequest, NothingLeftToRefund, Reason, RequestKind, RequestState
from chalicelib.core.errors import NotFound, ValidationFailed
from chalicelib.core.idempotency import IdempotentRequest, idempotent_request
from chalicelib.core.money import require_whole
from chalicelib.core.observability import count
from chalicelib.core.principal import Principal, Role, require_role
from chalicelib.core.table.idempotency import Replayed, claim, refuse_as_replay
from chalicelib.core.table.transactions import Transaction
from chalicelib.coupons.published.issuing import CouponTerms, DiscountKind, add_issue
from chalicelib.orders.published.after_sales import add_check_state, get_order

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
    replayed = service.replay_of(request)
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
    made = service.build(order, order.user_id, RequestKind.COMPENSATION, Reason.PLATFORM_FAULT, units, "", (), now,
                          state=RequestState.REFUNDING, decision_reason=why, shipping_always=True)
    tx = Transaction()
    if request is not None:
        claim(tx, request, now, made.request.id)
        refuse_as_replay(tx, request)
    service.refuse_busy_order(tx, order)
    made_request, item = made.request, made.item
    if grant is not None:
        coupon = add_issue(tx, order.user_id, CouponTerms(DiscountKind.AMOUNT_OFF, amount_off=grant.amount_off),
                           COUPON_TITLE, now, now + timedelta(days=grant.valid_days), f"compensation:{made_request.id}",
                           now=now)
        made_request = replace(made_request, coupon_id=coupon.id)
        item.coupon_id = coupon.id
    store.create(tx, item, made_request, made.taken, Actor.OPERATOR, caller.user_id, now)
    add_check_state(tx, order.id, service.ASKABLE_STATES)
    try:
        tx.commit()
    except Replayed as replay:
        first = store.get_request(replay.result_id or "")
        if first is None:
            raise
        return first
    except service.LineChanged:
        raise ValidationFailed("the order's lines changed meanwhile; try again", "orderId") from None
    count("Compensations")
    return made_request
