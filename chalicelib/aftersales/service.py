"""After-sales requests: what customers, merchants and deadlines do to them. Each act is one
conditional transition (store.transition): two actors racing (a merchant's approval and the
automatic one at the deadline) give one outcome, the other finds the request moved on."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from chalicelib.aftersales import rules, store
from chalicelib.aftersales.models import AfterSalesRequestItem
from chalicelib.aftersales.rules import (
    Actor,
    AfterSalesRequest,
    RequestState,
)
from chalicelib.catalog.published.stock import StockKey, add_restock, add_return_sold
from chalicelib.core.clock import iso
from chalicelib.core.errors import Forbidden, InvalidState, NotFound
from chalicelib.core.observability import count
from chalicelib.core.principal import Principal, Role, require_role, require_self, require_user
from chalicelib.core.table.paging import Page, PageRequest
from chalicelib.core.table.transactions import Transaction, TransactionCancelled
from chalicelib.orders.published.after_sales import add_check_state, get_order
from chalicelib.orders.published.kinds import OrderKind
from chalicelib.orders.published.terms import OrderTerms, order_terms

Item = AfterSalesRequestItem


# ---------------------------------------------------------------- reads
def own_request(principal: Principal | None, request_id: str) -> AfterSalesRequest | None:
    """The request for its customer, its merchant and operators; None for anyone else."""
    if principal is None:
        return None
    found = store.get_request(request_id)
    return found if found is not None and may_see(principal, found) else None


def may_see(principal: Principal, request: AfterSalesRequest) -> bool:
    return principal.user_id == request.user_id or _decides(principal, request)


def _decides(principal: Principal, request: AfterSalesRequest) -> bool:
    return principal.role is Role.OPERATOR or (
        principal.role is Role.MERCHANT and request.merchant_id is not None and principal.user_id == request.merchant_id)


def _request_for(principal: Principal | None, request_id: str, *, merchant: bool = False,
                 customer: bool = False) -> tuple[Principal, AfterSalesRequest]:
    caller = require_user(principal)
    found = store.get_request(request_id)
    if found is None or not may_see(caller, found):
        raise NotFound("no such after-sales request", "requestId")
    if merchant and not _decides(caller, found):
        raise Forbidden("only the order's merchant (or an operator) decides this", "requestId")
    if customer and caller.user_id != found.user_id:
        raise Forbidden("only the customer who asked may do this", "requestId")
    return caller, found


def _answer_retry(request: AfterSalesRequest, what: str, action: str,
                  same: Callable[[AfterSalesRequest], bool] = lambda current: True) -> AfterSalesRequest:
    """The act found the request moved on. A retry of an act already done (its step is in the history,
    ``same`` as asked) is answered with the request as it is now, as a shipment sent again is; anything
    else is INVALID_STATE naming the state."""
    current = store.get_request(request.id) or request
    if any(step.action == action for step in current.history) and same(current):
        return current
    raise InvalidState(f"this request is {current.state.value.lower().replace('_', ' ')}: cannot {what}",
                       "requestId")


def _reload(request: AfterSalesRequest) -> AfterSalesRequest:
    return store.get_request(request.id) or request


def _actor(principal: Principal) -> Actor:
    return {Role.MERCHANT: Actor.MERCHANT, Role.OPERATOR: Actor.OPERATOR}.get(principal.role, Actor.CUSTOMER)


# ---------------------------------------------------------------- the merchant decides
def approve(principal: Principal | None, request_id: str, now: datetime, terms: OrderTerms | None = None,
            *, actor: Actor | None = None) -> AfterSalesRequest:
    caller, request = _request_for(principal, request_id, merchant=True)
    if not approve_now(request, actor or _actor(caller), caller.user_id, now, terms):
        return _answer_retry(request, "approve", "APPROVED")
    return _reload(request)


def approve_now(request: AfterSalesRequest, actor: Actor, actor_id: str | None, now: datetime,
                terms: OrderTerms | None = None, reason: str | None = None) -> bool:
    """AWAITING_DECISION → REFUNDING (refund only) or AWAITING_RETURN (send back by send_by)."""
    terms = terms or order_terms()
    if request.needs_return:
        send_by = rules.deadline(now, terms.send_back_seconds)
        return store.transition(request, RequestState.AWAITING_RETURN, leaving=(RequestState.AWAITING_DECISION,),
                                actor=actor, actor_id=actor_id, action="APPROVED", now=now, reason=reason,
                                actions=[Item.send_by.set(iso(send_by))])
    return store.transition(request, RequestState.REFUNDING, leaving=(RequestState.AWAITING_DECISION,),
                            actor=actor, actor_id=actor_id, action="APPROVED", now=now, reason=reason)


def reject(principal: Principal | None, request_id: str, reason: str, now: datetime) -> AfterSalesRequest:
    """Before decide_by only (time decides: after it the request is approved, by the timer if it has
    not run yet). A refund asked before shipping no longer holds the order: the merchant may ship."""
    caller, request = _request_for(principal, request_id, merchant=True)
    why = rules.clean_decision_reason(reason)
    if request.decide_by is not None and now >= request.decide_by:
        raise rules.AfterSalesWindowClosed("the time to decide has passed: the request is approved", "requestId")
    if not store.transition(request, RequestState.REJECTED, leaving=(RequestState.AWAITING_DECISION,),
                            actor=_actor(caller), actor_id=caller.user_id, action="REJECTED", now=now, reason=why,
                            actions=[Item.decision_reason.set(why)]):
        return _answer_retry(request, "reject", "REJECTED")
    count("AfterSalesRejected")
    return _reload(request)


def confirm_received(principal: Principal | None, request_id: str, now: datetime) -> AfterSalesRequest:
    caller, request = _request_for(principal, request_id, merchant=True)
    if not receive_now(request, _actor(caller), caller.user_id, now):
        return _answer_retry(request, "confirm receipt", "RECEIVED")
    return _reload(request)


def receive_now(request: AfterSalesRequest, actor: Actor, actor_id: str | None, now: datetime) -> bool:
    """RETURNING → REFUNDING: the goods are back on sale in the same transaction."""
    def restock(tx: Transaction) -> None:
        for line in request.lines:
            key, label = StockKey.of_sku(line.product_id, line.sku_id), f"stock:{line.index}"
            if request.order_kind == OrderKind.REGULAR.value:
                add_return_sold(tx, key, line.quantity, label)
            else:  # a group-buy unit was sold from its deal's stock: it comes back to the SKU's
                add_restock(tx, key, line.quantity, label)

    return store.transition(request, RequestState.REFUNDING, leaving=(RequestState.RETURNING,), actor=actor,
                            actor_id=actor_id, action="RECEIVED", now=now, also=restock)


# ---------------------------------------------------------------- the customer acts
def send_back(principal: Principal | None, request_id: str, carrier: str, tracking_no: str, now: datetime,
              terms: OrderTerms | None = None) -> AfterSalesRequest:
    """The customer's return parcel: only on a return the merchant approved (AWAITING_RETURN)."""
    from chalicelib.fulfilment.published.shipping import clean_shipment

    _, request = _request_for(principal, request_id, customer=True)
    carrier, tracking_no = clean_shipment(carrier, tracking_no)
    def same_parcel(current: AfterSalesRequest) -> bool:
        return (current.return_carrier, current.return_tracking_no) == (carrier, tracking_no)

    if request.state is not RequestState.AWAITING_RETURN:
        return _answer_retry(request, "send it back (the merchant has not approved a return)", "SENT_BACK", same_parcel)
    if request.send_by is not None and now >= request.send_by:
        raise rules.AfterSalesWindowClosed("the time to send it back has passed", "requestId")
    receive_by = rules.deadline(now, (terms or order_terms()).receipt_seconds)
    if not store.transition(request, RequestState.RETURNING, leaving=(RequestState.AWAITING_RETURN,),
                            actor=Actor.CUSTOMER, actor_id=request.user_id, action="SENT_BACK", now=now,
                            actions=[Item.return_carrier.set(carrier), Item.return_tracking_no.set(tracking_no),
                                     Item.receive_by.set(iso(receive_by))]):
        return _answer_retry(request, "send it back", "SENT_BACK", same_parcel)
    return _reload(request)


def withdraw(principal: Principal | None, request_id: str, now: datetime) -> AfterSalesRequest:
    _, request = _request_for(principal, request_id, customer=True)
    if request.state not in rules.WITHDRAWABLE or not store.transition(
            request, RequestState.WITHDRAWN, leaving=rules.WITHDRAWABLE, actor=Actor.CUSTOMER,
            actor_id=request.user_id, action="WITHDRAWN", now=now):
        return _answer_retry(request, "withdraw it", "WITHDRAWN")
    return _reload(request)


def escalate(principal: Principal | None, request_id: str, reason: str, now: datetime) -> AfterSalesRequest:
    """A rejected request goes to the platform (申请平台介入): operators decide, within 24 h."""
    _, request = _request_for(principal, request_id, customer=True)
    why = rules.clean_decision_reason(reason)
    if not store.transition(request, RequestState.DISPUTED, leaving=(RequestState.REJECTED,), actor=Actor.CUSTOMER,
                            actor_id=request.user_id, action="ESCALATED", now=now, reason=why):
        return _answer_retry(request, "escalate it (only a rejected request is escalated)", "ESCALATED")
    count("DisputesOpened")
    return _reload(request)


# ---------------------------------------------------------------- operators
def decide_dispute(principal: Principal | None, request_id: str, refund: bool, reason: str,
                   now: datetime) -> AfterSalesRequest:
    """Refund (the platform pays first: 先行赔付, settled with the merchant outside this system) or
    uphold the merchant's rejection (closed, the units free again). The reason joins the audit trail."""
    caller = require_role(principal, Role.OPERATOR)
    _, request = _request_for(caller, request_id)
    why = rules.clean_decision_reason(reason)
    if refund:
        moved = _refund_dispute(request, caller, why, now)
    else:
        moved = store.transition(request, RequestState.CLOSED, leaving=(RequestState.DISPUTED,),
                                 actor=Actor.OPERATOR, actor_id=caller.user_id, action="DISPUTE_UPHELD", now=now,
                                 reason=why, actions=[Item.decision_reason.set(why)])
    if not moved:
        return _answer_retry(request, "decide it (only a disputed request is decided)",
                             "DISPUTE_REFUNDED" if refund else "DISPUTE_UPHELD")
    count("DisputesDecided")
    return _reload(request)


def _refund_dispute(request: AfterSalesRequest, caller: Principal, why: str, now: datetime) -> bool:
    """The platform pays first (先行赔付). A return still comes back before the money (AWAITING_RETURN,
    as an approval); a refund of a whole order asked before it shipped holds it again if it has not
    shipped meanwhile (the rejection had let it ship)."""
    actions = [Item.platform_pays.set(True), Item.decision_reason.set(why)]
    common = {"leaving": (RequestState.DISPUTED,), "actor": Actor.OPERATOR, "actor_id": caller.user_id,
              "action": "DISPUTE_REFUNDED", "now": now, "reason": why}
    if request.needs_return:
        send_by = rules.deadline(now, order_terms().send_back_seconds)
        return store.transition(request, RequestState.AWAITING_RETURN, actions=[*actions, Item.send_by.set(iso(send_by))],
                                **common)
    item = store.get_item(request.id)
    order = get_order(request.order_id)
    if item is not None and item.whole_order and order is not None and order.state.value == "TO_SHIP":
        def hold(tx: Transaction) -> None:
            add_check_state(tx, request.order_id, ("TO_SHIP",), hold=request.id)

        try:
            return store.transition(request, RequestState.REFUNDING, actions=[*actions, Item.holds_order.set(True)],
                                    also=hold, **common)
        except TransactionCancelled:
            pass  # shipped (or held) meanwhile: refund without holding it
    return store.transition(request, RequestState.REFUNDING, actions=actions, **common)


def retry_refund(principal: Principal | None, request_id: str, now: datetime) -> AfterSalesRequest:
    """REFUND_FAILED → REFUNDING again: a new refund execution, the same refund id."""
    caller = require_role(principal, Role.OPERATOR)
    _, request = _request_for(caller, request_id)
    if not store.transition(request, RequestState.REFUNDING, leaving=(RequestState.REFUND_FAILED,),
                            actor=Actor.OPERATOR, actor_id=caller.user_id, action="REFUND_RETRIED", now=now,
                            actions=[Item.refund_attempt.add(1), Item.refund_error.remove()]):
        return _answer_retry(request, "retry its refund (only a failed refund is retried)", "REFUND_RETRIED",
                             lambda current: current.state is not RequestState.REFUND_FAILED)
    count("AfterSalesRefundsRetried")
    return _reload(request)


# ---------------------------------------------------------------- listings
def requests_of(principal: Principal | None, user_id: str, page: PageRequest) -> Page[AfterSalesRequest]:
    """A customer's own requests, newest first (one Query)."""
    require_self(principal, user_id, "your own after-sales requests")
    return store.user_requests(user_id, page)


def requests_to_decide(principal: Principal | None, merchant_id: str, page: PageRequest) -> Page[AfterSalesRequest]:
    """A merchant's requests (on its orders), newest first (one Query)."""
    caller = require_role(principal, Role.MERCHANT)
    if caller.user_id != merchant_id:
        raise Forbidden("only your own after-sales requests", "merchantId")
    return store.merchant_requests(merchant_id, page)


def operator_queue(principal: Principal | None, which: str, page: PageRequest) -> Page[AfterSalesRequest]:
    """Operators: DISPUTED or REFUND_FAILED requests, oldest first (one Query + one BatchGetItem)."""
    require_role(principal, Role.OPERATOR)
    ids = store.queue(which, page)
    found = store.requests_by_id(ids.items)
    return ids.map(lambda request_id: found[request_id]).keep(lambda r: r is not None)
