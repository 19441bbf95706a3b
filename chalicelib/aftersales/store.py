"""After-sales in the table. Every transition is ONE transaction: the request's state (conditioned
on the state it leaves, its step appended to its history), and whatever moves with it (the lines' ledgers, the
order's hold and refunded amount, stock, the operators' queue, a compensation's coupon)."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from pynamodb.exceptions import DoesNotExist

from chalicelib.aftersales import keys
from chalicelib.aftersales.models import (
    AfterSalesLineItem,
    AfterSalesQueueItem,
    AfterSalesRequestItem,
    RequestLineMap,
    StepMap,
)
from chalicelib.aftersales.rules import (
    Actor,
    AfterSalesRequest,
    LineTaken,
    Reason,
    RequestKind,
    RequestLine,
    RequestState,
    Step,
)
from chalicelib.core.clock import from_iso, iso
from chalicelib.core.table.batch import batch_get
from chalicelib.core.table.models import TableItem
from chalicelib.core.table.paging import Page, PageRequest, query_page
from chalicelib.core.table.transactions import Transaction, TransactionCancelled
from chalicelib.orders.published.after_sales import add_refunded, add_release_hold

Item = AfterSalesRequestItem


# ---------------------------------------------------------------- reads
def to_request(item: AfterSalesRequestItem) -> AfterSalesRequest:
    def moment(value: str | None) -> datetime | None:
        return from_iso(value) if value else None

    return AfterSalesRequest(
        id=item.request_id, order_id=item.order_id, user_id=item.user_id, merchant_id=item.merchant_id,
        kind=RequestKind(item.kind), reason=Reason(item.reason), description=item.description or "",
        photos=tuple(item.photos or ()), shipping=int(item.shipping), currency=item.currency,
        lines=tuple(RequestLine(int(ln.index), ln.product_id, ln.sku_id, int(ln.quantity), int(ln.amount),
                                int(ln.points or 0)) for ln in item.lines),
        state=RequestState(item.state), created_at=from_iso(item.created_at), decide_by=moment(item.decide_by),
        send_by=moment(item.send_by), receive_by=moment(item.receive_by), return_carrier=item.return_carrier,
        return_tracking_no=item.return_tracking_no, decision_reason=item.decision_reason,
        platform_pays=bool(item.platform_pays), refund_attempt=int(item.refund_attempt),
        refund_error=item.refund_error, refunded_at=moment(item.refunded_at), trade_no=item.trade_no,
        captured_total=int(item.captured_total), coupon_id=item.coupon_id, holds_order=bool(item.holds_order),
        order_kind=item.order_kind,
        history=tuple(Step(h.action, Actor(h.actor), h.actor_id, RequestState(h.from_state) if h.from_state else None,
                           RequestState(h.to_state), h.reason, from_iso(h.at)) for h in item.history or ()),
    )


def get_item(request_id: str) -> AfterSalesRequestItem | None:
    try:
        return Item.get(keys.request_pk(request_id), keys.REQUEST_SK, consistent_read=True)
    except DoesNotExist:
        return None


def get_request(request_id: str) -> AfterSalesRequest | None:
    item = get_item(request_id)
    return None if item is None else to_request(item)


def line_ledgers(order_id: str, line_count: int) -> list[LineTaken | None]:
    """Each line's ledger (None: no request ever touched it), ONE Query of the order's partition."""
    found: dict[int, AfterSalesLineItem] = {
        int(item.index): item
        for item in AfterSalesLineItem.query(keys.order_pk(order_id), AfterSalesLineItem.SK.startswith(keys.LINE_PREFIX),
                                             consistent_read=True)
        if isinstance(item, AfterSalesLineItem)}
    return [None if i not in found else LineTaken(int(found[i].units), int(found[i].amount), int(found[i].points),
                                                  found[i].open_request, int(found[i].refunded))
            for i in range(line_count)]


def user_requests(user_id: str, request: PageRequest) -> Page[AfterSalesRequest]:
    return query_page(TableItem.gsi1, keys.user_requests(user_id), request, kinds=Item).map(to_request)


def merchant_requests(merchant_id: str, request: PageRequest) -> Page[AfterSalesRequest]:
    return query_page(TableItem.gsi2, keys.merchant_requests(merchant_id), request, kinds=Item).map(to_request)


def queue(partition: str, request: PageRequest) -> Page[str]:
    """Request ids waiting in an operators' queue, oldest first."""
    return query_page(TableItem.gsi1, partition, request, forward=True,
                      kinds=AfterSalesQueueItem).map(lambda q: q.request_id)


def queue_count_before(partition: str, before: str) -> int:
    """How many requests have waited in a queue since before ``before`` (a counting Query)."""
    return TableItem.gsi1.count(partition, TableItem.GSI1SK < before)


def requests_by_id(request_ids: Iterable[str]) -> dict[str, AfterSalesRequest | None]:
    """Requests by id, one BatchGetItem (None for one that is gone)."""
    ids = list(request_ids)
    found = {item.request_id: to_request(item)
             for item in batch_get((keys.request_pk(i), keys.REQUEST_SK) for i in ids) if isinstance(item, Item)}
    return {i: found.get(i) for i in ids}


# ---------------------------------------------------------------- writes
def _step(actor: Actor, actor_id: str | None, action: str, before: RequestState | None, after: RequestState,
          reason: str | None, now: datetime) -> StepMap:
    return StepMap(actor=actor.value, actor_id=actor_id, action=action,
                   from_state=None if before is None else before.value, to_state=after.value, reason=reason, at=iso(now))


def new_item(request: AfterSalesRequest, order_total: int, whole_order: bool) -> AfterSalesRequestItem:
    return Item(
        keys.request_pk(request.id), keys.REQUEST_SK,
        request_id=request.id, order_id=request.order_id, order_kind=request.order_kind, user_id=request.user_id,
        merchant_id=request.merchant_id, kind=request.kind.value, reason=request.reason.value,
        description=request.description, photos=list(request.photos), shipping=request.shipping,
        lines=[RequestLineMap(index=ln.index, product_id=ln.product_id, sku_id=ln.sku_id, quantity=ln.quantity,
                              amount=ln.amount, points=ln.points) for ln in request.lines],
        currency=request.currency, state=request.state.value, created_at=iso(request.created_at),
        decide_by=iso(request.decide_by) if request.decide_by else None, trade_no=request.trade_no,
        captured_total=request.captured_total, order_total=order_total, whole_order=whole_order,
        decision_reason=request.decision_reason, platform_pays=request.platform_pays, coupon_id=request.coupon_id,
        holds_order=request.holds_order,
        GSI1PK=keys.user_requests(request.user_id), GSI1SK=request.id,
        GSI2PK=keys.merchant_requests(request.merchant_id) if request.merchant_id else None,
        GSI2SK=request.id if request.merchant_id else None,
    )


def add_take_lines(tx: Transaction, request: AfterSalesRequest, taken: list[LineTaken | None]) -> None:
    """Each asked line's ledger takes the request's units (labels ``line:<index>``), on condition
    that it is as read (units) and no request is open on it: a racing request fails here."""
    line_item = AfterSalesLineItem
    for line in request.lines:
        read = taken[line.index]
        condition = (TableItem.PK.does_not_exist() if read is None else
                     (line_item.units == read.units) & line_item.open_request.does_not_exist())
        tx.update(f"line:{line.index}", line_item(keys.order_pk(request.order_id), keys.line_sk(line.index)), [
            line_item.type.set(line_item), line_item.order_id.set(request.order_id), line_item.index.set(line.index),
            line_item.units.add(line.quantity), line_item.amount.add(line.amount), line_item.points.add(line.points),
            line_item.open_request.set(request.id)], condition)


def create(tx: Transaction, item: AfterSalesRequestItem, request: AfterSalesRequest, taken: list[LineTaken | None],
           actor: Actor, actor_id: str, now: datetime) -> None:
    """Put the request with its first step (CREATED) and take its lines, in ``tx`` (the caller adds the
    order's check and its idempotency claim, and commits)."""
    item.history = [_step(actor, actor_id, "CREATED", None, request.state, request.description or None, now)]
    tx.put("request", item, TableItem.PK.does_not_exist())
    add_take_lines(tx, request, taken)


def _release_lines(tx: Transaction, request: AfterSalesRequest, refunded: bool) -> None:
    """The request leaves its lines: refunded (its units stay taken, the money is counted) or
    released (its units and amounts go back to the line)."""
    line_item = AfterSalesLineItem
    for line in request.lines:
        actions = [line_item.open_request.remove()]
        if refunded:
            actions += [line_item.refunded.add(line.amount), line_item.refunded_units.add(line.quantity)]
        else:
            actions += [line_item.units.add(-line.quantity), line_item.amount.add(-line.amount),
                        line_item.points.add(-line.points)]
        tx.update(f"line:{line.index}", line_item(keys.order_pk(request.order_id), keys.line_sk(line.index)),
                  actions, line_item.open_request == request.id)


def transition(request: AfterSalesRequest, to: RequestState, *, leaving: Iterable[RequestState], actor: Actor,
               actor_id: str | None, action: str, now: datetime, reason: str | None = None,
               actions: Iterable = (), also: Callable[[Transaction], None] | None = None) -> bool:
    """Move the request from one of ``leaving`` to ``to``, its step appended to its history, with what moves with it
    (``actions`` on the request, ``also`` for other items). False when it had left those states
    (another actor or a timer was first): nothing written."""
    item = Item(keys.request_pk(request.id), keys.REQUEST_SK)
    tx = Transaction()
    leaving = tuple(s.value for s in leaving)
    if request.holds_order and to in (RequestState.CLOSED, RequestState.WITHDRAWN, RequestState.REJECTED):
        # Not refunding (for now): the order may ship. A dispute refunded later holds it again.
        add_release_hold(tx, request.order_id, request.id)
        actions = [*actions, Item.holds_order.set(False)]
    step = _step(actor, actor_id, action, request.state, to, reason, now)
    tx.update("request", item, [Item.state.set(to.value), Item.history.set(Item.history.append([step])), *actions],
              Item.state.is_in(*leaving))
    queue_partition = {RequestState.DISPUTED: keys.DISPUTES, RequestState.REFUND_FAILED: keys.REFUND_FAILED}
    if to in queue_partition:
        tx.put("queue", AfterSalesQueueItem(keys.request_pk(request.id), keys.QUEUE_SK, request_id=request.id,
                                            since=iso(now), GSI1PK=queue_partition[to],
                                            GSI1SK=f"{iso(now)}#{request.id}"))
    elif request.state in queue_partition:
        tx.delete("queue", AfterSalesQueueItem(keys.request_pk(request.id), keys.QUEUE_SK))
    if to in (RequestState.CLOSED, RequestState.WITHDRAWN):
        _release_lines(tx, request, refunded=False)
    if also is not None:
        also(tx)
    try:
        tx.commit()
    except TransactionCancelled as error:
        if "request" in error.failed:
            return False
        raise
    return True


def complete_refund(item: AfterSalesRequestItem, now: datetime) -> bool:
    """REFUNDING → REFUNDED once the provider paid: the lines count the money, the order's refunded
    amount rises (never past what it charged) and a hold is released unless nothing is left to ship.
    False when it was not REFUNDING (done before)."""
    request = to_request(item)
    release = request.id if request.holds_order and not item.whole_order else None

    def also(tx: Transaction) -> None:
        _release_lines(tx, request, refunded=True)
        add_refunded(tx, request.order_id, request.amount, int(item.order_total), release_hold_of=release)

    return transition(request, RequestState.REFUNDED, leaving=(RequestState.REFUNDING,), actor=Actor.SYSTEM,
                      actor_id=None, action="REFUNDED", now=now, actions=[Item.refunded_at.set(iso(now))], also=also)
