"""Asking for after-sales: the customer's request (and the write every new request shares with
compensation): its lines' shares read from their ledgers, written in ONE transaction conditioned on
what was read, a retry key answered with the first request."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from chalicelib.aftersales import rules, store
from chalicelib.aftersales.models import AfterSalesRequestItem
from chalicelib.aftersales.rules import (
    Actor,
    AfterSalesInProgress,
    AfterSalesRequest,
    LineOfOrder,
    NothingLeftToRefund,
    Reason,
    RequestKind,
    RequestState,
)
from chalicelib.core.errors import InvalidState, NotFound, ValidationFailed
from chalicelib.core.idempotency import IdempotentRequest, idempotent_request
from chalicelib.core.ids import new_id
from chalicelib.core.observability import count
from chalicelib.core.principal import Principal, require_user
from chalicelib.core.table.idempotency import NotClaimed, Replayed, claim, previous_result, refuse_as_replay
from chalicelib.core.table.transactions import Transaction
from chalicelib.orders.published.after_sales import add_check_state, get_order
from chalicelib.orders.published.kinds import OrderView
from chalicelib.orders.published.terms import OrderTerms, order_terms

ASKABLE_STATES = ("TO_SHIP", "SHIPPED", "COMPLETED")
RETRIES = 3  # a racing request changed a line between our read and write: read again


@dataclass(frozen=True, slots=True)
class Ask:
    """What a customer asks: units of lines (by SKU id), why, and evidence."""

    kind: RequestKind
    reason: Reason
    lines: tuple[tuple[str, int], ...]  # (sku id, units)
    description: str | None = None
    photos: tuple[str, ...] = ()


# ---------------------------------------------------------------- the customer asks
def ask_with_key(principal: Principal | None, order_id: str, asked: Ask, idempotency_key: str | None, now: datetime,
                 media_hosts: Sequence[str] | None = None) -> AfterSalesRequest:
    """``ask`` with the client's retry key, if it sent one (scoped to the caller)."""
    caller = require_user(principal)
    key = None if idempotency_key is None else idempotent_request(
        caller.user_id, "requestAfterSales", idempotency_key, order_id, asked)
    return ask(caller, order_id, asked, key, now, media_hosts=media_hosts)


def ask(principal: Principal | None, order_id: str, asked: Ask, request: IdempotentRequest | None, now: datetime,
        terms: OrderTerms | None = None, media_hosts: Sequence[str] | None = None) -> AfterSalesRequest:
    """A request on the caller's own paid order. Typed refusals, nothing written: NOT_FOUND (not
    theirs), AFTER_SALES_WINDOW_CLOSED / INVALID_STATE (not now, not this kind), AFTER_SALES_IN_PROGRESS
    (a line or the order has one open), NOTHING_LEFT_TO_REFUND (more units than left), INVALID."""
    caller = require_user(principal)
    terms = terms or order_terms()
    replayed = replay_of(request)
    if replayed is not None:
        return replayed
    order = get_order(order_id)
    if order is None or order.user_id != caller.user_id:
        raise NotFound("no such order", "orderId")
    if asked.kind is RequestKind.COMPENSATION:
        raise ValidationFailed("compensation is an operator's act (compensateOrder)", "kind")
    description = rules.clean_description(asked.description)
    photos = rules.clean_photos(asked.photos, media_hosts)
    delivery = order.delivery
    rules.check_allowed(asked.kind, asked.reason, order.state.value, now, delivery.returns_until,
                        delivery.after_sales_until)
    units = _asked_units(order, asked.lines)
    # A refund asked before the goods reach the customer holds the order while it is open: it must not ship, nor, for
    # an order for pickup waiting at the leader's point, be handed over.
    holds = asked.kind is RequestKind.REFUND_ONLY and (
        order.state.value == "TO_SHIP" or (order.state.value == "SHIPPED" and order.pickup is not None))
    for _ in range(RETRIES):
        try:
            made = build(order, caller.user_id, asked.kind, asked.reason, units, description, photos, now,
                         state=RequestState.AWAITING_DECISION, decide_by=rules.deadline(now, terms.decision_seconds),
                         holds=holds)
        except (AfterSalesInProgress, NothingLeftToRefund):
            # A retry of this very request may have committed since we looked for it: answer it.
            replayed = replay_of(request)
            if replayed is not None:
                return replayed
            raise
        try:
            written = write_new(made, order, request, Actor.CUSTOMER, caller.user_id, now, holds)
        except LineChanged:
            continue
        count("AfterSalesRequested")
        return written
    raise AfterSalesInProgress("the order's lines are changing; try again", "lines")


def write_new(made: Made, order: OrderView, request: IdempotentRequest | None, actor: Actor, actor_id: str,
              now: datetime, holds: bool = False, also: Callable[[Transaction], None] | None = None) -> AfterSalesRequest:
    # The order must still be in the state its rules and shares were read in (a shipment landing
    # between the read and this write would change what may be asked and whether shipping goes back).
    """ONE transaction: the request with its first step, its lines taken, the order checked (and
    held), the client's key claimed, ``also`` (a compensation's coupon). A replay of the key answers
    the first request; LineChanged when a line moved since it was read (build again)."""
    tx = Transaction()
    if request is not None:
        claim(tx, request, now, made.request.id)
        refuse_as_replay(tx, request)
    tx.refuse("line:", LineChanged(), prefix=True)
    tx.refuse("order", lambda failed: AfterSalesInProgress(
        "the order changed or has an open refund request; read it again", "orderId"))
    store.create(tx, made.item, made.request, made.taken, actor, actor_id, now)
    add_check_state(tx, order.id, (order.state.value,), hold=made.request.id if holds else None)
    if also is not None:
        also(tx)
    try:
        tx.commit()
    except Replayed as replay:
        first = store.get_request(replay.result_id or "")
        if first is None:
            raise
        return first
    return made.request


def replay_of(request: IdempotentRequest | None) -> AfterSalesRequest | None:
    """The request this key made before (one GetItem), or None when the key is new: a retry is
    answered before any rule is checked again (the first request holds the line now)."""
    if request is None:
        return None
    try:
        first = previous_result(request)
    except NotClaimed:
        return None
    return store.get_request(first or "")


class LineChanged(Exception):
    """A line's ledger changed since it was read: read again (the rules then say why, if refused)."""


def _asked_units(order: OrderView, asked: tuple[tuple[str, int], ...]) -> dict[int, int]:
    if not asked:
        raise ValidationFailed("ask for at least one line", "lines")
    index_of = {line.sku_id: i for i, line in enumerate(order.lines)}
    units: dict[int, int] = {}
    for n, (sku_id, quantity) in enumerate(asked):
        if sku_id not in index_of:
            raise NotFound("this order has no such line", f"lines.{n}.skuId")
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
            raise ValidationFailed("ask for at least one unit", f"lines.{n}.quantity")
        if index_of[sku_id] in units:
            raise ValidationFailed("each line once", f"lines.{n}.skuId")
        units[index_of[sku_id]] = quantity
    return units


@dataclass(frozen=True, slots=True)
class Made:
    request: AfterSalesRequest
    item: AfterSalesRequestItem
    taken: list


def order_lines(order: OrderView) -> list[LineOfOrder]:
    return [LineOfOrder(i, line.product_id, line.sku_id, line.quantity, line.total, line.points)
            for i, line in enumerate(order.lines)]


def build(order: OrderView, user_id: str, kind: RequestKind, reason: Reason, units: dict[int, int],
           description: str, photos: tuple[str, ...], now: datetime, *, state: RequestState,
           decide_by: datetime | None = None, holds: bool = False, decision_reason: str | None = None,
           shipping_always: bool = False) -> Made:
    """The request as it would be now: each line's share from its ledger as read (the write is
    conditioned on the ledger being unchanged). The order's shipping goes with the last units of a
    whole order refunded before it shipped (or with a compensation)."""
    if order.trade_no is None or order.captured_total <= 0:
        raise InvalidState("this order was not paid", "orderId")
    lines = order_lines(order)
    read = store.line_ledgers(order.id, len(lines))
    taken = [t or rules.LineTaken() for t in read]
    asked = tuple(rules.request_line(lines[i], taken[i], q, f"lines.{n}") for n, (i, q) in enumerate(units.items()))
    whole = rules.whole_order(lines, taken, asked)
    shipping = order.shipping if whole and (shipping_always or order.state.value == "TO_SHIP") else 0
    request = AfterSalesRequest(
        id=new_id(), order_id=order.id, user_id=user_id, merchant_id=order.merchant_id, kind=kind, reason=reason,
        description=description, photos=photos, lines=asked, shipping=shipping, currency=order.currency,
        state=state, created_at=now, decide_by=decide_by, trade_no=order.trade_no,
        captured_total=order.captured_total, holds_order=holds, decision_reason=decision_reason,
        order_kind=order.kind.value)
    item = store.new_item(request, order.total, whole)
    return Made(request, item, read)

