"""Group-buy commands: deals, opening and joining teams, seats, the team's deadline (payments and refunds: payments.py).

Reads that decide nothing (views) go straight to the store from the API; every
command here reads what it needs once and then writes one transaction whose
conditions, not the read, decide the outcome under concurrency.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from chalicelib.accounts.published import users as user_store
from chalicelib.adapters.payments import (
    JsapiParams,
    PaymentProvider,
    PaymentRequest,
)
from chalicelib.addresses.published.checkout import ShippingAddress, address_for_checkout, default_address_from
from chalicelib.catalog.published import products as catalog_store
from chalicelib.catalog.published.stock import Reservation, ReservationState
from chalicelib.core.clock import NotYet, accept, iso
from chalicelib.core.errors import (
    DealNotActive,
    Forbidden,
    InvalidState,
    NotFound,
    OutOfStock,
    PaymentWindowPassed,
    TeamClosed,
    TeamExpired,
)
from chalicelib.core.idempotency import idempotent_request
from chalicelib.core.ids import new_id
from chalicelib.core.observability import count, logger
from chalicelib.core.principal import Principal, Role, may_manage, require_role, require_self
from chalicelib.core.table.idempotency import Replayed
from chalicelib.core.table.paging import Page, PageRequest
from chalicelib.core.table.transactions import TransactionCancelled
from chalicelib.groupbuy import rules, seating, store
from chalicelib.groupbuy.rules import Deal, NewDeal, Order, OrderState, Seat, SeatState, Team, TeamState
from chalicelib.groupbuy.seating import SeatRequest
from chalicelib.orders.published.attribution import Attribution, stored

CUSTOMER_ROLES = (Role.CUSTOMER, Role.MERCHANT, Role.OPERATOR)


# ---------- deals ----------
def create_deal(principal: Principal | None, new: NewDeal, now: datetime) -> Deal:
    caller = require_role(principal, Role.MERCHANT, Role.OPERATOR)
    # Client instants are checked where they enter: a zone, a storable range (core.clock).
    new = replace(new, starts_at=accept(new.starts_at, "startsAt"), ends_at=accept(new.ends_at, "endsAt"))
    record = catalog_store.product_record(new.product_id, consistent=True)
    if record is None:
        raise NotFound("no such product", "productId")
    if not may_manage(caller, record.product.merchant_id):
        raise Forbidden("this product belongs to another merchant")
    if not record.product.is_visible_to_customers:
        raise InvalidState("only an active product can have a deal", "productId")
    rules.validate_deal(new, {s.id for s in record.skus}, now)
    available = {s.id: s.stock.available for s in record.skus}
    for i, (sku_id, units) in enumerate(new.stock):
        if units > available[sku_id]:
            raise OutOfStock(f"only {available[sku_id]} units of this SKU are available", f"stock.{i}.quantity")
    deal = Deal(
        id=new_id(),
        merchant_id=record.product.merchant_id,
        terms=rules.DealTerms(
            deal_id="",
            product_id=new.product_id,
            prices=tuple(rules.DealPrice(sku, rules.Money(amount, new.currency)) for sku, amount in new.prices),
            team_size=new.team_size,
            payment_window_seconds=new.payment_window_seconds,
            per_user_limit=new.per_user_limit,
            virtual_min_paid=new.virtual_min_paid,
        ),
        team_lifetime_seconds=new.team_lifetime_seconds,
        starts_at=new.starts_at,
        ends_at=new.ends_at,
        stock=dict(new.stock),
        created_at=now,
    )
    deal = replace(deal, terms=replace(deal.terms, deal_id=deal.id))
    try:
        store.create_deal(deal)
    except TransactionCancelled as error:
        raise OutOfStock("the SKU's stock changed meanwhile; try again", "stock") from error
    count("DealsCreated")
    return deal


# ---------- seats ----------
@dataclass(frozen=True, slots=True)
class SeatTaken:
    team: Team
    order: Order
    payment: JsapiParams | None  # None if the provider could not be reached: ask again with payOrder
    replayed: bool = False


def _buyer(principal: Principal | None) -> Principal:
    return require_role(principal, *CUSTOMER_ROLES)


def _new_seat(team: Team, caller: Principal, user: Any, sku_id: str, now: datetime, leader: bool,
              points: int = 0, address: ShippingAddress | None = None, source: Attribution | None = None) -> SeatRequest:
    price = team.terms.price_of(sku_id)
    discount, taken = _checkout_points(caller, points, price.amount)
    order_id = new_id()
    # Whole seconds, as stored: what the buyer is told is what the rules apply (and a
    # provider's success time, in whole seconds, is late exactly when it is >= payBy).
    pay_by = min(now + timedelta(seconds=team.terms.payment_window_seconds), team.expires_at).replace(microsecond=0)
    order = Order(
        id=order_id, user_id=caller.user_id, team_id=team.id, deal_id=team.terms.deal_id,
        product_id=team.terms.product_id, sku_id=sku_id, quantity=1,
        amount=rules.Money(price.amount - discount, price.currency),
        state=OrderState.AWAITING_PAYMENT, created_at=now, pay_by=pay_by, points_used=points, discount=discount,
        merchant_id=team.merchant_id, attribution=source,
    )
    seat = Seat(team_id=team.id, user_id=caller.user_id, order_id=order_id, state=SeatState.HELD, is_leader=leader,
                display_name=getattr(user, "display_name", "") or "", avatar_url=getattr(user, "avatar_url", None),
                joined_at=now)
    reservation = Reservation(id=order_id, stock=store.deal_stock_key(team.terms.deal_id, sku_id), quantity=1,
                              state=ReservationState.HELD, owner_id=f"order:{order_id}",
                              expires_at=iso(pay_by))
    return SeatRequest(team=team, seat=seat, order=order, reservation=reservation, idempotent=None,
                       points_taken=taken, address=address)


def _seat_address(user_id: str, address_id: str | None, batch: list) -> ShippingAddress | None:
    """The address the seat's order ships to: the one named (NOT_FOUND if it is not the buyer's),
    else the buyer's default (its header came in the seat's batch read); None when the book is
    empty: the seat is taken all the same, and shipping waits for setOrderAddress."""
    if address_id is not None:
        return address_for_checkout(user_id, address_id)
    return default_address_from(user_id, batch)


def _checkout_points(caller: Principal, points: int | None, price_fen: int) -> tuple[int, dict[str, int] | None]:
    """The discount for the points a buyer redeems at checkout (units of 100, at most
    half the price) and the lots they come from; refused before anything is written."""
    if not points:
        return 0, None
    from chalicelib.points.published import checkout as points_rules
    from chalicelib.points.published import checkout as points_store

    discount = points_rules.check_redemption(points, price_fen, points_rules.UNLIMITED, points_store.get_rules())
    return discount, points_store.plan_take(caller.user_id, points)  # NOT_ENOUGH_POINTS if the lots lack them


def _take_seat(write, request: SeatRequest, caller: Principal, idempotency_key: str | None,
               payments: PaymentProvider, openid: str | None, now: datetime, operation: str) -> SeatTaken:
    if idempotency_key is not None:
        request = replace(request, idempotent=idempotent_request(
            caller.user_id, operation, idempotency_key, request.team.terms.deal_id if operation == "openTeam"
            else request.team.id, request.order.sku_id,
            *(() if request.order.attribution is None else (stored(request.order.attribution),))))
    try:
        _write_seat(write, request, now)
    except Replayed as replay:
        order = store.get_order(replay.result_id) if replay.result_id else None
        team = store.get_team(order.team_id) if order else None
        if order is None or team is None:
            raise InvalidState("the first request with this key did not complete") from replay
        return SeatTaken(team, order, _payment_params(payments, order, openid, now), replayed=True)
    team = replace(request.team, held=request.team.held + 1)
    return SeatTaken(team, request.order, _payment_params(payments, request.order, openid, now))


def _write_seat(write, request: SeatRequest, now: datetime, attempts: int = 5) -> None:
    """Write the seat; when its points' lots changed meanwhile (a concurrent spend),
    plan them again. Not enough points any more is NOT_ENOUGH_POINTS."""
    from chalicelib.points.published import checkout as points_store
    from chalicelib.points.published.checkout import LotsChanged, PointsBusy

    for _ in range(attempts):
        try:
            write(request, now)
            return
        except LotsChanged:  # the seat's own refusals, and not enough points, are typed errors
            taken = points_store.plan_take(request.order.user_id, request.order.points_used)
            request = replace(request, points_taken=taken)
    raise PointsBusy("the points account is busy; try again")


def _payment_params(payments: PaymentProvider, order: Order, openid: str | None, now: datetime) -> JsapiParams | None:
    if order.state is not OrderState.AWAITING_PAYMENT or order.pay_by <= now:
        return None
    try:
        return payments.create_jsapi_payment(PaymentRequest(
            order_id=order.id, amount=order.amount.amount, currency=order.amount.currency,
            description="Tuanstack group-buy", payer_openid=openid or "", expires_at=order.pay_by))
    except Exception:  # noqa: BLE001 - the seat is held either way; payOrder asks again
        logger.warning("payment provider unavailable while taking a seat", extra={"order_id": order.id})
        return None


def open_team(principal: Principal | None, deal_id: str, sku_id: str, idempotency_key: str | None,
              payments: PaymentProvider, now: datetime, points: int = 0, address_id: str | None = None,
              source: Attribution | None = None) -> SeatTaken:
    caller = _buyer(principal)
    deal, user, batch = store.deal_and_user(deal_id, caller.user_id)
    if deal is None:
        raise NotFound("no such deal", "dealId")
    if not deal.is_open(now):
        raise DealNotActive("this deal is not running now", "dealId")
    deal.terms.price_of(sku_id)
    team = Team(id=rules.new_share_code(), terms=deal.terms, leader_id=caller.user_id, state=TeamState.OPEN,
                held=1, paid=0, opened_at=now, expires_at=deal.team_deadline(now).replace(microsecond=0),
                merchant_id=deal.merchant_id)
    request = _new_seat(team, caller, user, sku_id, now, leader=True, points=points,
                        address=_seat_address(caller.user_id, address_id, batch), source=source)
    taken = _take_seat(seating.open_team, request, caller, idempotency_key, payments,
                       getattr(user, "wechat_openid", None), now, "openTeam")
    if not taken.replayed:
        count("TeamsOpened")
    return replace(taken, team=team) if not taken.replayed else taken


def join_team(principal: Principal | None, share_code: str, sku_id: str, idempotency_key: str | None,
              payments: PaymentProvider, now: datetime, points: int = 0, address_id: str | None = None,
              source: Attribution | None = None) -> SeatTaken:
    """Two DynamoDB requests on the happy path: the team, the user and their address book's
    header in one batch read, then one transaction; the address itself adds one GetItem (none
    when the book is empty), redeeming points one Query (the lots), and a team opened before
    teams kept their merchant one GetItem (its deal)."""
    caller = _buyer(principal)
    if not rules.is_share_code(share_code):
        raise NotFound("no team has this share code", "shareCode")
    team, user, batch = store.team_and_user(share_code, caller.user_id)
    if team is None:
        raise NotFound("no team has this share code", "shareCode")
    if team.state is not TeamState.OPEN:
        raise TeamClosed(f"this team has {team.state.value.lower()}", "shareCode")
    if team.expires_at <= now:
        raise TeamExpired("this team's time is up", "shareCode")
    team.terms.price_of(sku_id)
    if team.merchant_id is None:
        deal = store.get_deal(team.terms.deal_id)
        team = replace(team, merchant_id=deal.merchant_id if deal else None)
    request = _new_seat(team, caller, user, sku_id, now, leader=False, points=points,
                        address=_seat_address(caller.user_id, address_id, batch), source=source)
    return _take_seat(seating.join_team, request, caller, idempotency_key, payments,
                      getattr(user, "wechat_openid", None), now, "joinTeam")


def pay_order(principal: Principal | None, order_id: str, payments: PaymentProvider, now: datetime) -> tuple[Order, JsapiParams]:
    """Payment parameters again for an unpaid seat (the first ones were lost or expired)."""
    caller = _buyer(principal)
    order = _own_order(caller, order_id)
    if order.state is not OrderState.AWAITING_PAYMENT:
        raise InvalidState(f"this order is {order.state.value.lower()}", "orderId")
    if order.pay_by <= now:
        raise PaymentWindowPassed("the time to pay for this seat has passed", "orderId")
    params = _payment_params(payments, order, user_store.wechat_openid(caller.user_id), now)
    if params is None:
        raise InvalidState("the payment service is unavailable; try again", "orderId")
    return order, params


def _own_order(caller: Principal, order_id: str) -> Order:
    order = store.get_order(order_id)
    if order is None or order.user_id != caller.user_id:
        raise NotFound("no such order", "orderId")  # someone else's order does not exist for you
    return order


def _paid_in_time(order_id: str, payments: PaymentProvider, now: datetime) -> bool:
    from chalicelib.adapters.payments import capture_at_provider
    from chalicelib.groupbuy.payments import apply_payment_event

    event = capture_at_provider(payments, order_id)
    return event is not None and apply_payment_event(event, now) == "applied"


def cancel_seat(principal: Principal | None, order_id: str, now: datetime) -> Order:
    caller = _buyer(principal)
    order = _own_order(caller, order_id)
    if order.state is not OrderState.AWAITING_PAYMENT or not store.release_seat(order, now):
        current = store.get_order(order_id) or order
        raise InvalidState(f"this order is {current.state.value.lower()} and cannot be cancelled", "orderId")
    count("SeatsCancelled")
    return replace(order, state=OrderState.CANCELLED)


def expire_seat(order_id: str, now: datetime, payments: PaymentProvider | None = None) -> bool:
    """The payment window passed: give the seat back, once (the timer's task). First it asks
    the provider (``payments``) whether the seat was paid in time: a capture whose
    notification is still on its way pays the seat instead of being refunded. A provider
    that cannot answer does not hold the seat (a capture it reports later is refunded)."""
    order = store.get_order(order_id)
    if order is None or order.state is not OrderState.AWAITING_PAYMENT:
        return False
    if now < order.pay_by:
        raise NotYet("the payment window has not passed yet")  # early timer: retried later
    if payments is not None and _paid_in_time(order_id, payments, now):
        return False
    released = store.release_seat(order, now)
    if released:
        count("SeatsExpired")
    return released


# ---------- the team's deadline ----------
def close_team_at_deadline(team_id: str, now: datetime) -> dict[str, Any]:
    team, seats = store.team_with_seats(team_id, consistent=True)
    if team is None:
        raise NotFound("no such team", "teamId")
    if team.state is not TeamState.OPEN:
        return {"teamId": team_id, "state": team.state.value, "closedNow": False}
    if now < team.expires_at:
        raise NotYet("the team's deadline has not passed yet")  # early timer: retried
    # Unpaid seats first, each once; then the team with its paid orders in one transaction.
    for seat in seats:
        if seat.state is SeatState.HELD:
            order = store.get_order(seat.order_id)
            if order is not None and order.state is OrderState.AWAITING_PAYMENT:
                store.release_seat(order, now)
    team, seats = store.team_with_seats(team_id, consistent=True)
    if team is None or team.state is not TeamState.OPEN:
        return {"teamId": team_id, "state": team.state.value if team else "MISSING", "closedNow": False}
    paid_ids = [s.order_id for s in seats if s.state is SeatState.PAID]
    paid_orders = list(store.orders_by_id(paid_ids).values()) if paid_ids else []
    state, virtually = team.outcome_at_deadline()
    store.close_team(team, state, virtually, paid_orders, now)
    count("TeamsSucceeded" if state is TeamState.SUCCEEDED else "TeamsFailed")
    return {"teamId": team_id, "state": state.value, "virtual": virtually, "closedNow": True,
            "refunds": [o.id for o in paid_orders] if state is TeamState.FAILED else []}


def settle_team(team_id: str) -> dict[str, Any]:
    """A succeeded team's paid orders become shippable (idempotent)."""
    team, seats = store.team_with_seats(team_id, consistent=True)
    if team is None or team.state is not TeamState.SUCCEEDED:
        return {"teamId": team_id, "settled": False, "members": []}
    paid_ids = [s.order_id for s in seats if s.state is SeatState.PAID]
    orders = [o for o in store.orders_by_id(paid_ids).values() if o.state is OrderState.PAID_AWAITING_TEAM]
    store.ship_paid_orders(orders)
    return {"teamId": team_id, "settled": True, "virtual": team.completed_virtually,
            "members": [s.user_id for s in seats if s.state is SeatState.PAID], "orders": paid_ids}


# ---------- the caller's own orders and teams ----------
OWN = "your own orders, teams and points"


def orders_of(principal: Principal | None, user_id: str, limit: int | PageRequest,
              after: str | None = None) -> Page[Order]:
    """``me.orders``: the caller's own only, newest first."""
    require_self(principal, user_id, OWN)
    return store.user_orders_page(user_id, limit, after)


def teams_of(principal: Principal | None, user_id: str, limit: int | PageRequest,
             after: str | None = None) -> tuple[Page[Seat], dict[str, Team]]:
    """``me.teams``: the caller's own seats, newest first, with their teams."""
    require_self(principal, user_id, OWN)
    seats = store.user_seats_page(user_id, limit, after)
    return seats, (store.teams_by_id({s.team_id for s in seats.items}) if seats.items else {})
