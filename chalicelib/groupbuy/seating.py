"""Taking a seat in a team: the leader's opening or a member's join, ONE transaction each. Its
conditions carry the invariants: a team's held + paid seats never exceed its size (unpaid joiners
count), a user holds one seat per team, the per-user limit holds across the deal, the deal's stock
is reserved, points spent with the seat or not at all."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from chalicelib.addresses.published.checkout import ShippingAddress
from chalicelib.catalog.published.stock import Reservation, add_reserve
from chalicelib.core.clock import iso
from chalicelib.core.errors import AlreadyInTeam, LimitReached, OutOfStock, TeamClosed, TeamExpired, TeamFull
from chalicelib.core.idempotency import IdempotentRequest
from chalicelib.core.table import idempotency
from chalicelib.core.table.models import TableItem
from chalicelib.core.table.transactions import Transaction
from chalicelib.groupbuy import keys
from chalicelib.groupbuy.mapping import buyer_item, order_item, seat_item, team_item
from chalicelib.groupbuy.models import DealBuyerItem, TeamItem
from chalicelib.groupbuy.rules import Order, Seat, Team, TeamState
from chalicelib.groupbuy.store import get_team
from chalicelib.points.published import checkout as points
from chalicelib.points.published.checkout import checkout_source


@dataclass(frozen=True, slots=True)
class SeatRequest:
    """Everything one join (or the leader's opening) writes."""

    team: Team
    seat: Seat
    order: Order
    reservation: Reservation
    idempotent: IdempotentRequest | None
    points_taken: dict[str, int] | None = None  # lots the order's points come from (points.plan_take)
    address: ShippingAddress | None = None  # where the order ships (None: the buyer has no address yet)


def _seat_refusals(tx: Transaction, request: SeatRequest, now: datetime) -> None:
    """What a refused seat means, most specific first: a replay of the same request; you
    are in the team already (that explains a full team to the one who filled it); the
    team closed, expired or filled; the per-person limit; the deal's stock. The points'
    own refusals (add_spend) come after these."""
    team = request.team
    if request.idempotent is not None:
        idempotency.refuse_as_replay(tx, request.idempotent)
    tx.refuse("seat", AlreadyInTeam("you already have a seat in this team", "shareCode"))
    tx.refuse("team", lambda failed: _team_refusal(team, now))
    tx.refuse("limit", LimitReached(f"at most {team.terms.per_user_limit} per person in this deal", "skuId"))
    tx.refuse("stock", OutOfStock("this deal has sold out", "skuId"))


def _team_refusal(team: Team, now: datetime) -> Exception:
    current = get_team(team.id, consistent=True) or team
    if current.state is not TeamState.OPEN:
        return TeamClosed(f"this team has {current.state.value.lower()}", "shareCode")
    if current.expires_at <= now:
        return TeamExpired("this team's time is up", "shareCode")
    return TeamFull("this team is full", "shareCode")


def _seat_writes(tx: Transaction, request: SeatRequest, now: datetime) -> None:
    _seat_refusals(tx, request, now)
    tx.put("seat", seat_item(request.seat), TableItem.PK.does_not_exist())
    tx.put("order", order_item(request.order, request.address), TableItem.PK.does_not_exist())
    add_reserve(tx, request.reservation, iso(now))
    limit = request.team.terms.per_user_limit
    q = request.order.quantity
    tx.update("limit", buyer_item(request.team.terms.deal_id, request.order.user_id), [DealBuyerItem.units.add(q)],
              DealBuyerItem.units.does_not_exist() | (DealBuyerItem.units <= limit - q))
    if request.idempotent is not None:
        idempotency.claim(tx, request.idempotent, now, result_id=request.order.id)
    if request.order.points_used:
        # Spent in the seat's own transaction: no seat without its points, no points without a seat.
        points.add_spend(tx, request.order.user_id, checkout_source(request.order.id),
                         request.order.points_used, request.points_taken or {}, now)


def open_team(request: SeatRequest, now: datetime) -> None:
    # The order id as request token: on AWS a retried (timed-out) request applies once.
    tx = Transaction(client_request_token=request.order.id)
    tx.put("team", team_item(request.team), TableItem.PK.does_not_exist())
    _seat_writes(tx, request, now)
    tx.commit()


def join_team(request: SeatRequest, now: datetime) -> None:
    size = request.team.terms.team_size
    tx = Transaction(client_request_token=request.order.id)
    # `taken` counts held and paid seats together: DynamoDB conditions cannot add two
    # attributes, and an unpaid joiner must count against the size like a paid one.
    tx.update(
        "team", TeamItem(keys.team_pk(request.team.id), keys.TEAM_SK), [TeamItem.taken.add(1)],
        (TeamItem.state == TeamState.OPEN.value) & (TeamItem.expires_at > iso(now)) & (TeamItem.taken < size),
    )
    _seat_writes(tx, request, now)
    tx.commit()
