"""Group-buy persistence: deals, their stock, teams, seats and orders (taking a seat: seating.py).

Every state change is one transaction whose conditions carry the invariants:
- a team's held + paid seats never exceed its size (the team's own counters,
  checked on every join, so unpaid joiners count: they cannot overfill a team);
- a user holds one seat per team (the seat's key is the user);
- the per-user limit holds across the deal (a counter per deal and buyer);
- an order leaves each state once (its state is the condition of every move),
  so a seat is released, a payment applied, a refund recorded at most once.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime

from pynamodb.exceptions import DoesNotExist

from chalicelib.accounts.published import users as accounts_keys
from chalicelib.accounts.published.users import UserItem
from chalicelib.addresses.published.checkout import book_key
from chalicelib.catalog.published import products as catalog_keys
from chalicelib.catalog.published.products import SkuItem
from chalicelib.catalog.published.stock import (
    Reservation,
    ReservationState,
    StockKey,
    add_resolve,
    add_return_sold,
)
from chalicelib.core.clock import iso
from chalicelib.core.concurrency import run_all
from chalicelib.core.table.batch import batch_get
from chalicelib.core.table.conditional import update_if
from chalicelib.core.table.models import TableItem
from chalicelib.core.table.paging import Page, PageRequest, query_page
from chalicelib.core.table.transactions import Transaction, TransactionCancelled
from chalicelib.groupbuy import keys
from chalicelib.groupbuy.mapping import (
    buyer_item,
    price_maps,
    to_deal,
    to_order,
    to_seat,
    to_team,
)
from chalicelib.groupbuy.models import DealBuyerItem, DealItem, DealStockItem, OrderItem, SeatItem, TeamItem
from chalicelib.groupbuy.rules import (
    Deal,
    Order,
    OrderState,
    Seat,
    SeatState,
    Team,
    TeamState,
)
from chalicelib.orders.published.items import merchant_orders


def deal_stock_key(deal_id: str, sku_id: str) -> StockKey:
    return StockKey(keys.deal_pk(deal_id), keys.deal_stock_sk(sku_id))


# ---------- deals ----------
def create_deal(deal: Deal) -> None:
    """The deal, and its stock moved out of the SKUs' stock in the same transaction."""
    terms = deal.terms
    tx = Transaction()
    tx.put("deal", DealItem(
        keys.deal_pk(deal.id), keys.DEAL_SK,
        deal_id=deal.id, merchant_id=deal.merchant_id, product_id=terms.product_id, prices=price_maps(terms),
        currency=terms.prices[0].price.currency, stock=dict(deal.stock), team_size=terms.team_size,
        team_lifetime_seconds=deal.team_lifetime_seconds, payment_window_seconds=terms.payment_window_seconds,
        per_user_limit=terms.per_user_limit, virtual_min_paid=terms.virtual_min_paid,
        starts_at=iso(deal.starts_at), ends_at=iso(deal.ends_at), created_at=iso(deal.created_at),
        listed_open_teams=[],  # no team yet: the listing is right from the start
        GSI1PK=keys.ACTIVE_DEALS, GSI1SK=deal.id,
    ), TableItem.PK.does_not_exist())
    for sku_id, units in deal.stock.items():
        tx.update(f"sku:{sku_id}", SkuItem(catalog_keys.product_pk(terms.product_id), catalog_keys.sku_sk(sku_id)),
                  [SkuItem.available.add(-units)], TableItem.PK.exists() & (SkuItem.available >= units))
        tx.put(f"stock:{sku_id}", DealStockItem(keys.deal_pk(deal.id), keys.deal_stock_sk(sku_id),
                                                deal_id=deal.id, sku_id=sku_id, available=units))
    tx.commit()


def _one(model, pk: str, sk: str, to, consistent: bool = False):
    try:
        return to(model.get(pk, sk, consistent_read=consistent))
    except DoesNotExist:
        return None


def _many(model, keys_of: Iterable[tuple[str, str]], to, id_of) -> dict:
    """Items by id in batches of 100 (one request for a page); absent ids are left out."""
    return {id_of(item): to(item) for item in batch_get(keys_of) if isinstance(item, model)}


def get_deal(deal_id: str) -> Deal | None:
    return _one(DealItem, keys.deal_pk(deal_id), keys.DEAL_SK, to_deal)


def deals_by_id(ids: Iterable[str]) -> dict[str, Deal]:
    return _many(DealItem, ((keys.deal_pk(i), keys.DEAL_SK) for i in ids), to_deal, lambda i: i.deal_id)


def deal_stocks(deals: Iterable[Deal]) -> dict[str, dict[str, tuple[int, int, int]]]:
    """Stock counters of several deals in one BatchGetItem (≤ 100 keys a request)."""
    found = batch_get((keys.deal_pk(d.id), keys.deal_stock_sk(sku)) for d in deals for sku in d.stock)
    result: dict[str, dict[str, tuple[int, int, int]]] = {}
    for item in found:
        if isinstance(item, DealStockItem):
            result.setdefault(item.deal_id, {})[item.sku_id] = (int(item.available), int(item.reserved),
                                                                int(item.sold))
    return result


def deal_stock(deal_id: str) -> dict[str, tuple[int, int, int]]:
    """(available, reserved, sold) per SKU of a deal: one query."""
    result = {}
    for item in TableItem.query(keys.deal_pk(deal_id), TableItem.SK.startswith("STOCK#")):
        if isinstance(item, DealStockItem):
            result[item.sku_id] = (int(item.available), int(item.reserved), int(item.sold))
    return result


def active_deals(limit: int | PageRequest, after: str | None = None) -> Page[Deal]:
    """Newest first; a position is a deal id."""
    return query_page(TableItem.gsi1, keys.ACTIVE_DEALS, limit, after).map(to_deal)


# ---------- reads for the join path ----------
def team_and_user(team_id: str, user_id: str) -> tuple[Team | None, UserItem | None, list]:
    """The team, the joining user and their address book's header in ONE request (BatchGetItem);
    the batch itself is returned for ``default_address_from``."""
    found = batch_get([(keys.team_pk(team_id), keys.TEAM_SK), (accounts_keys.user_pk(user_id), accounts_keys.USER_SK),
                       book_key(user_id)])
    team = next((to_team(i) for i in found if isinstance(i, TeamItem)), None)
    user = next((i for i in found if isinstance(i, UserItem)), None)
    return team, user, found


def deal_and_user(deal_id: str, user_id: str) -> tuple[Deal | None, UserItem | None, list]:
    found = batch_get([(keys.deal_pk(deal_id), keys.DEAL_SK), (accounts_keys.user_pk(user_id), accounts_keys.USER_SK),
                       book_key(user_id)])
    deal = next((to_deal(i) for i in found if isinstance(i, DealItem)), None)
    user = next((i for i in found if isinstance(i, UserItem)), None)
    return deal, user, found


def get_team(team_id: str, *, consistent: bool = False) -> Team | None:
    return _one(TeamItem, keys.team_pk(team_id), keys.TEAM_SK, to_team, consistent)


def teams_by_id(ids: Iterable[str]) -> dict[str, Team]:
    return _many(TeamItem, ((keys.team_pk(i), keys.TEAM_SK) for i in ids), to_team, lambda i: i.team_id)


def team_with_seats(team_id: str, *, consistent: bool = False) -> tuple[Team | None, list[Seat]]:
    """A team and all its seats: one query over the team's partition."""
    team, seats = None, []
    for item in TableItem.query(keys.team_pk(team_id), consistent_read=consistent):
        if isinstance(item, TeamItem):
            team = to_team(item)
        elif isinstance(item, SeatItem):
            seats.append(to_seat(item))
    seats.sort(key=lambda s: (not s.is_leader, s.joined_at, s.order_id))
    return team, seats


def open_teams(deal_id: str, request: PageRequest, now: datetime) -> Page[Team]:
    """Soonest deadline first, past deadlines left out (time decides, before the timer
    closes the team); a position is ``open_team_position``. One Query."""
    floor = still_open_after(now)
    if not request.backward:
        start = max(request.after or "", floor)
        page = query_page(TableItem.gsi1, keys.deal_open_teams(deal_id), replace(request, after=start), forward=True)
        return replace(page, after=request.after).map(to_team)
    # Backward: a team past its deadline whose timer has not run yet is read, and left out.
    page = query_page(TableItem.gsi1, keys.deal_open_teams(deal_id), request, forward=True)
    return page.map(to_team).keep(lambda team: open_team_position(team) > floor)


def open_teams_of_deals(listings: Sequence[tuple[str, PageRequest]], now: datetime) -> list[Page[Team]]:
    """``open_teams`` for each (deal id, page request), in order: one Query per deal, since
    each deal is its own GSI1 partition with its own page window; run at once, so a
    page of deals waits about as long as one deal."""
    return run_all([lambda listing=listing: open_teams(*listing, now) for listing in listings])


def open_team_position(team: Team) -> str:
    return f"{iso(team.expires_at)}#{team.id}"


def still_open_after(now: datetime) -> str:
    """The position every team still open at ``now`` sorts after (deadline > now)."""
    return f"{iso(now)}#\uffff"


# ---------- orders ----------
def get_order(order_id: str, *, consistent: bool = True) -> Order | None:
    return _one(OrderItem, keys.order_pk(order_id), keys.ORDER_SK, to_order, consistent)


def orders_by_id(ids: Iterable[str]) -> dict[str, Order]:
    return _many(OrderItem, ((keys.order_pk(i), keys.ORDER_SK) for i in ids), to_order, lambda i: i.order_id)


def user_orders_page(user_id: str, limit: int | PageRequest, after: str | None = None) -> Page[Order]:
    """Newest first; a position is an order id."""
    # The partition holds checkout's regular orders too (me.orders lists both): only ours here.
    return query_page(TableItem.gsi1, keys.user_orders(user_id), limit, after, kinds=OrderItem).map(to_order)


def user_seats_page(user_id: str, limit: int | PageRequest, after: str | None = None) -> Page[Seat]:
    """Newest first; a position is the seat's order id."""
    return query_page(TableItem.gsi2, keys.user_teams(user_id), limit, after).map(to_seat)


def refund_failed_orders(limit: int | PageRequest, after: str | None = None) -> Page[Order]:
    """Newest first; a position is an order id."""
    return query_page(TableItem.gsi2, keys.REFUND_FAILED_ORDERS, limit, after).map(to_order)


def _order_ref(order: Order) -> OrderItem:
    return OrderItem(keys.order_pk(order.id), keys.ORDER_SK)


def _seat_ref(order: Order) -> SeatItem:
    return SeatItem(keys.team_pk(order.team_id), keys.seat_sk(order.user_id))


def _reservation_of(order: Order) -> Reservation:
    return Reservation(id=order.id, stock=deal_stock_key(order.deal_id, order.sku_id), quantity=order.quantity,
                       state=ReservationState.HELD, owner_id=f"order:{order.id}", expires_at=iso(order.pay_by))


def release_seat(order: Order, now: datetime) -> bool:
    """An unpaid seat given back (cancelled by its buyer or expired): order cancelled,
    seat released, stock and limit returned. False if the order was no longer awaiting
    payment (paid meanwhile, or released by someone else): nothing changed."""
    tx = Transaction()
    tx.update("order", _order_ref(order), [OrderItem.state.set(OrderState.CANCELLED.value)],
              OrderItem.state == OrderState.AWAITING_PAYMENT.value)
    tx.update("seat", _seat_ref(order), [SeatItem.state.set(SeatState.RELEASED.value)],
              SeatItem.state == SeatState.HELD.value)
    tx.update("team", TeamItem(keys.team_pk(order.team_id), keys.TEAM_SK), [TeamItem.taken.add(-1)],
              TeamItem.taken >= 1)
    tx.update("limit", buyer_item(order.deal_id, order.user_id), [DealBuyerItem.units.add(-order.quantity)],
              DealBuyerItem.units >= order.quantity)
    add_resolve(tx, _reservation_of(order), ReservationState.RELEASED, iso(now))
    try:
        tx.commit()
    except TransactionCancelled as error:
        if "order" in error.failed:
            return False
        raise
    return True


class PaymentNotApplied(Exception):
    def __init__(self, failed: set[str]) -> None:
        super().__init__(f"payment not applied: {sorted(failed)}")
        self.failed = failed


def apply_payment(order: Order, transaction_id: str | None, amount: int, now: datetime) -> None:
    """Paid in time into an open team: the seat turns paid, the stock sold."""
    tx = Transaction(client_request_token=f"pay-{order.id}")
    tx.update("order", _order_ref(order), [
        OrderItem.state.set(OrderState.PAID_AWAITING_TEAM.value), OrderItem.paid_at.set(iso(now)),
        OrderItem.transaction_id.set(transaction_id or ""), OrderItem.captured.set(amount),
    ], (OrderItem.state == OrderState.AWAITING_PAYMENT.value) & (OrderItem.captured == 0))
    tx.update("seat", _seat_ref(order), [SeatItem.state.set(SeatState.PAID.value)],
              SeatItem.state == SeatState.HELD.value)
    tx.update("team", TeamItem(keys.team_pk(order.team_id), keys.TEAM_SK),
              [TeamItem.paid.add(1)],
              (TeamItem.state == TeamState.OPEN.value) & (TeamItem.taken > TeamItem.paid))
    add_resolve(tx, _reservation_of(order), ReservationState.COMMITTED, iso(now))
    try:
        tx.commit()
    except TransactionCancelled as error:
        raise PaymentNotApplied(error.failed) from error


def record_late_capture(order: Order, transaction_id: str | None, amount: int, now: datetime) -> bool:
    """Money captured for an order that can no longer be filled (cancelled, or its
    team closed): keep the capture on record and send it back. False if already recorded."""
    return update_if(_order_ref(order), [
        OrderItem.state.set(OrderState.REFUNDING.value), OrderItem.paid_at.set(iso(now)),
        OrderItem.transaction_id.set(transaction_id or ""), OrderItem.captured.set(amount),
    ], (OrderItem.state == OrderState.CANCELLED.value) & (OrderItem.captured == 0))


def mark_succeeded_if_full(team_id: str, now: datetime) -> bool:
    """The payment that fills the team closes it as succeeded, at once; exactly one
    caller wins however many payments land together."""
    return update_if(
        TeamItem(keys.team_pk(team_id), keys.TEAM_SK),
        [TeamItem.state.set(TeamState.SUCCEEDED.value), TeamItem.closed_at.set(iso(now)),
         TeamItem.GSI1PK.remove(), TeamItem.GSI1SK.remove()],
        (TeamItem.state == TeamState.OPEN.value) & (TeamItem.paid == TeamItem.size),
    )


def close_team(team: Team, state: TeamState, virtually: bool, paid_orders: list[Order], now: datetime) -> None:
    """Close an open team at its deadline. Failing it moves every paid order to
    REFUNDING in the same transaction: a failed team never exists without the
    refunds it owes being on record."""
    tx = Transaction()
    tx.update("team", TeamItem(keys.team_pk(team.id), keys.TEAM_SK), [
        TeamItem.state.set(state.value), TeamItem.completed_virtually.set(virtually),
        TeamItem.closed_at.set(iso(now)), TeamItem.GSI1PK.remove(), TeamItem.GSI1SK.remove(),
    ], (TeamItem.state == TeamState.OPEN.value) & (TeamItem.taken == len(paid_orders))
       & (TeamItem.paid == len(paid_orders)))
    if state is TeamState.FAILED:
        for order in paid_orders:
            tx.update(f"order:{order.id}", _order_ref(order), [OrderItem.state.set(OrderState.REFUNDING.value)],
                      OrderItem.state == OrderState.PAID_AWAITING_TEAM.value)
    tx.commit()


def ship_paid_orders(orders: list[Order]) -> None:
    """A succeeded team's paid orders become shippable (only those still awaiting the team), each
    listed in its merchant's GSI2 partition from then on (the merchant's salesOrders)."""
    tx = Transaction()
    for order in orders:
        listed = [] if order.merchant_id is None else [OrderItem.GSI2PK.set(merchant_orders(order.merchant_id)),
                                                       OrderItem.GSI2SK.set(order.id)]
        tx.update(f"order:{order.id}", _order_ref(order), [OrderItem.state.set(OrderState.TO_SHIP.value), *listed],
                  OrderItem.state == OrderState.PAID_AWAITING_TEAM.value)
    if len(tx):
        tx.commit()


def complete_refund(order: Order, stock_was_sold: bool, now: datetime) -> bool:
    """The provider refunded the order: record it once, and put its unit back on sale."""
    tx = Transaction()
    tx.update("order", _order_ref(order), [
        OrderItem.state.set(OrderState.REFUNDED.value), OrderItem.refunded.set(order.captured),
        OrderItem.refund_error.remove(),
    ], (OrderItem.state == OrderState.REFUNDING.value) & (OrderItem.refunded == 0))
    if stock_was_sold:
        add_return_sold(tx, deal_stock_key(order.deal_id, order.sku_id), order.quantity)
        tx.update("limit", buyer_item(order.deal_id, order.user_id), [DealBuyerItem.units.add(-order.quantity)],
                  DealBuyerItem.units >= order.quantity)
    try:
        tx.commit()
    except TransactionCancelled as error:
        if "order" in error.failed:
            return False
        raise
    return True


def fail_refund(order: Order, reason: str) -> bool:
    """The refund could not be made: the order stays visible to operators until retried."""
    return update_if(_order_ref(order), [
        OrderItem.state.set(OrderState.REFUND_FAILED.value), OrderItem.refund_error.set(reason[:200]),
        OrderItem.GSI2PK.set(keys.REFUND_FAILED_ORDERS), OrderItem.GSI2SK.set(order.id),
    ], OrderItem.state == OrderState.REFUNDING.value)


def retry_refund(order: Order) -> bool:
    return update_if(_order_ref(order), [
        OrderItem.state.set(OrderState.REFUNDING.value), OrderItem.refund_attempt.add(1),
        OrderItem.GSI2PK.remove(), OrderItem.GSI2SK.remove(),
    ], OrderItem.state == OrderState.REFUND_FAILED.value)
