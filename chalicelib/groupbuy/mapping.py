"""Between group-buy items and their domain objects, both ways."""
from __future__ import annotations

from dataclasses import replace

from chalicelib.addresses.published.checkout import ShippingAddress
from chalicelib.addresses.published.models import address_map
from chalicelib.core.clock import from_iso, iso
from chalicelib.core.money import Money
from chalicelib.groupbuy import keys
from chalicelib.groupbuy.models import DealBuyerItem, DealItem, OrderItem, SeatItem, TeamItem
from chalicelib.groupbuy.rules import (
    Deal,
    DealPrice,
    DealTerms,
    ListedOpenTeams,
    Order,
    OrderState,
    Seat,
    SeatState,
    Team,
    TeamState,
)
from chalicelib.orders.published.models import attribution_from, attribution_map


def deal_prices(raw: list, currency: str) -> tuple[DealPrice, ...]:
    return tuple(DealPrice(p["sku_id"], Money(int(p["amount"]), currency)) for p in raw)


def deal_terms(item: DealItem | TeamItem, team_size: int) -> DealTerms:
    """A deal's terms, or the copy a team took of them when it opened (same attributes)."""
    return DealTerms(
        deal_id=item.deal_id,
        product_id=item.product_id,
        prices=deal_prices(item.prices, item.currency),
        team_size=team_size,
        payment_window_seconds=int(item.payment_window_seconds),
        per_user_limit=int(item.per_user_limit),
        virtual_min_paid=None if item.virtual_min_paid is None else int(item.virtual_min_paid),
    )


def to_deal(item: DealItem) -> Deal:
    return Deal(
        id=item.deal_id,
        merchant_id=item.merchant_id,
        terms=deal_terms(item, int(item.team_size)),
        team_lifetime_seconds=int(item.team_lifetime_seconds),
        starts_at=from_iso(item.starts_at),
        ends_at=from_iso(item.ends_at),
        stock={k: int(v) for k, v in item.stock.as_dict().items()} if hasattr(item.stock, "as_dict")
        else {k: int(v) for k, v in dict(item.stock).items()},
        created_at=from_iso(item.created_at),
        ended=bool(item.ended),
        listed_open_teams=_listed_open_teams(item),
    )


def listed_team_map(team: Team) -> dict:
    """What a deal's item keeps of one open team: what its card shows and a Team needs."""
    return {"team_id": team.id, "leader_id": team.leader_id, "taken": team.held + team.paid, "paid": team.paid,
            "size": team.size, "opened_at": iso(team.opened_at), "expires_at": iso(team.expires_at)}


def _listed_open_teams(item: DealItem) -> ListedOpenTeams | None:
    if item.listed_open_teams is None:
        return None
    terms = deal_terms(item, int(item.team_size))
    teams = []
    for entry in item.listed_open_teams:
        listed = entry.as_dict() if hasattr(entry, "as_dict") else dict(entry)
        paid = int(listed["paid"])
        # The deal's terms stand in for the copy the team took: a Team's fields show only
        # its size (kept here) and its deal id from them.
        teams.append(Team(
            id=listed["team_id"], terms=replace(terms, team_size=int(listed["size"])), leader_id=listed["leader_id"],
            state=TeamState.OPEN, held=int(listed["taken"]) - paid, paid=paid,
            opened_at=from_iso(listed["opened_at"]), expires_at=from_iso(listed["expires_at"]),
        ))
    return ListedOpenTeams(tuple(teams), bool(item.more_open_teams))


def to_team(item: TeamItem) -> Team:
    return Team(
        id=item.team_id,
        terms=deal_terms(item, int(item.size)),
        leader_id=item.leader_id,
        state=TeamState(item.state),
        held=int(item.taken) - int(item.paid),
        paid=int(item.paid),
        opened_at=from_iso(item.opened_at),
        expires_at=from_iso(item.expires_at),
        completed_virtually=bool(item.completed_virtually),
        merchant_id=item.merchant_id,
    )


def to_seat(item: SeatItem) -> Seat:
    return Seat(
        team_id=item.team_id, user_id=item.user_id, order_id=item.order_id, state=SeatState(item.state),
        is_leader=bool(item.is_leader), display_name=item.display_name, avatar_url=item.avatar_url,
        joined_at=from_iso(item.joined_at),
    )


def to_order(item: OrderItem) -> Order:
    return Order(
        id=item.order_id, user_id=item.user_id, team_id=item.team_id, deal_id=item.deal_id,
        product_id=item.product_id, sku_id=item.sku_id, quantity=int(item.quantity),
        amount=Money(int(item.amount), item.currency), state=OrderState(item.state),
        created_at=from_iso(item.created_at), pay_by=from_iso(item.pay_by),
        paid_at=from_iso(item.paid_at) if item.paid_at else None, transaction_id=item.transaction_id,
        captured=int(item.captured), refunded=int(item.refunded), refund_attempt=int(item.refund_attempt),
        points_used=int(item.points_used or 0), discount=int(item.discount or 0), merchant_id=item.merchant_id,
        attribution=attribution_from(item),
    )


def price_maps(terms: DealTerms) -> list[dict]:
    return [{"sku_id": p.sku_id, "amount": p.price.amount} for p in terms.prices]


def team_item(team: Team) -> TeamItem:
    terms = team.terms
    open_ = team.state is TeamState.OPEN
    return TeamItem(
        keys.team_pk(team.id), keys.TEAM_SK,
        team_id=team.id, deal_id=terms.deal_id, product_id=terms.product_id, leader_id=team.leader_id,
        state=team.state.value, taken=team.held + team.paid, paid=team.paid, size=terms.team_size,
        prices=price_maps(terms), currency=terms.prices[0].price.currency,
        payment_window_seconds=terms.payment_window_seconds, per_user_limit=terms.per_user_limit,
        virtual_min_paid=terms.virtual_min_paid, opened_at=iso(team.opened_at), expires_at=iso(team.expires_at),
        merchant_id=team.merchant_id,
        GSI1PK=keys.deal_open_teams(terms.deal_id) if open_ else None,
        GSI1SK=f"{iso(team.expires_at)}#{team.id}" if open_ else None,
    )


def seat_item(seat: Seat) -> SeatItem:
    return SeatItem(
        keys.team_pk(seat.team_id), keys.seat_sk(seat.user_id),
        team_id=seat.team_id, user_id=seat.user_id, order_id=seat.order_id, state=seat.state.value,
        is_leader=seat.is_leader, display_name=seat.display_name, avatar_url=seat.avatar_url,
        joined_at=iso(seat.joined_at),
        GSI2PK=keys.user_teams(seat.user_id), GSI2SK=seat.order_id,
    )


def order_item(order: Order, address: ShippingAddress | None = None) -> OrderItem:
    return OrderItem(
        keys.order_pk(order.id), keys.ORDER_SK,
        order_id=order.id, user_id=order.user_id, team_id=order.team_id, deal_id=order.deal_id,
        product_id=order.product_id, sku_id=order.sku_id, quantity=order.quantity, amount=order.amount.amount,
        currency=order.amount.currency, state=order.state.value, created_at=iso(order.created_at),
        pay_by=iso(order.pay_by), points_used=order.points_used, discount=order.discount,
        merchant_id=order.merchant_id, address=None if address is None else address_map(address),
        attribution=attribution_map(order.attribution),
        GSI1PK=keys.user_orders(order.user_id), GSI1SK=order.id,
    )


def buyer_item(deal_id: str, user_id: str) -> DealBuyerItem:
    return DealBuyerItem(keys.deal_pk(deal_id), keys.deal_buyer_sk(user_id))
