"""Group-buy types: Deal, Team (with its members), payment parameters; its fields on the one Order type."""
from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

import chalicelib.groupbuy.graphql.loaders  # noqa: F401  # registers this feature's request loaders
from chalicelib.adapters.payments import JsapiParams
from chalicelib.catalog.published.graphql import Product, Sku, sku_of
from chalicelib.core.clock import utc_now
from chalicelib.core.graphql.connection import connection
from chalicelib.core.graphql.context import Ctx
from chalicelib.core.graphql.enums import described_enum
from chalicelib.core.graphql.extend import extends
from chalicelib.core.graphql.ids import to_global_id
from chalicelib.core.graphql.money import Money
from chalicelib.core.graphql.pagination import BOTH_WAYS, After, Before, First, Last, PageInfo, page_request
from chalicelib.core.graphql.relay import Node
from chalicelib.core.table.paging import Page
from chalicelib.groupbuy import rules as domain
from chalicelib.groupbuy import store
from chalicelib.groupbuy.order_view import order_view
from chalicelib.orders.published.graphql import Order, OrderConnection
from chalicelib.orders.published.graphql import order_connection as orders_connection

TeamState = described_enum(domain.TeamState, name="TeamState", values={
    "OPEN": "Taking members until it is full or expiresAt passes.",
    "SUCCEEDED": "Formed (成团): its paid orders ship.",
    "FAILED": "Expired without forming: its paid members are refunded.",
})
class _SignType(Enum):
    RSA = "RSA"


# The one value WeChat Pay API v3 sends: its name is what wx.requestPayment's typings accept.
SignType = described_enum(_SignType, name="SignType",
                          description="How paySign was made, as wx.requestPayment's signType takes it.",
                          values={"RSA": "WeChat Pay API v3: an RSA (SHA256-RSA) signature."})



@strawberry.type(description="A group price for one SKU of the deal's product.")
class DealPrice:
    price_: strawberry.Private[domain.DealPrice]
    product_id: strawberry.Private[str]

    @strawberry.field
    def price(self) -> Money:
        return Money(amount=self.price_.price.amount, currency=self.price_.price.currency)

    @strawberry.field
    def sku_id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("Sku", self.product_id, self.price_.sku_id))

    @strawberry.field
    async def sku(self, info: Ctx) -> Sku | None:
        return await sku_of(info, self.product_id, self.price_.sku_id)


@strawberry.type(description="Units of one SKU still on sale in the deal.")
class DealStock:
    sku_id: strawberry.ID
    available: int


@strawberry.type(description="A group-buy campaign: a product's SKUs at a group price for teams of teamSize.")
class Deal(Node):
    deal: strawberry.Private[domain.Deal]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("Deal", self.deal.id))

    @strawberry.field
    async def product(self, info: Ctx) -> Product | None:
        found = await info.context.loaders.product.load(self.deal.terms.product_id)
        return Product(product=found) if found else None

    @strawberry.field
    def prices(self) -> list[DealPrice]:
        return [DealPrice(price_=p, product_id=self.deal.terms.product_id) for p in self.deal.terms.prices]

    @strawberry.field
    def team_size(self) -> int:
        return self.deal.terms.team_size

    @strawberry.field
    def team_lifetime_seconds(self) -> int:
        return self.deal.team_lifetime_seconds

    @strawberry.field
    def payment_window_seconds(self) -> int:
        return self.deal.terms.payment_window_seconds

    @strawberry.field
    def per_user_limit(self) -> int:
        return self.deal.terms.per_user_limit

    @strawberry.field(description="Teams with at least this many paid members at the deadline succeed "
                                  "virtually (模拟成团); null when off.")
    def virtual_success_min_paid(self) -> int | None:
        return self.deal.terms.virtual_min_paid

    @strawberry.field
    def starts_at(self) -> datetime:
        return self.deal.starts_at

    @strawberry.field
    def ends_at(self) -> datetime:
        return self.deal.ends_at

    @strawberry.field
    async def stock(self, info: Ctx) -> list[DealStock]:
        counters = await info.context.loaders.deal_stock.load(self.deal)
        return [DealStock(sku_id=strawberry.ID(to_global_id("Sku", self.deal.terms.product_id, sku)),
                          available=c[0]) for sku, c in counters.items()]

    @strawberry.field(description=(
        "Open teams anyone can join, soonest deadline first; a team past its deadline is never listed. "
        f"A first page (no `after`) is answered from the deal itself (the deal lists its {domain.LISTED_OPEN_TEAMS} "
        "soonest-expiring open teams: no extra read however many deals a page holds; kept from the table's "
        "change stream, so it may trail a team's latest change by a moment); with `after`, `last`/`before`, or when "
        "`first` asks past the listed teams of a deal that has more, from the deal's teams (one read per deal)."
        + BOTH_WAYS))
    async def open_teams(self, info: Ctx, first: First = None, after: After = None, last: Last = None,
                         before: Before = None) -> TeamConnection | None:
        scope = f"deal-teams:{self.deal.id}"
        request = page_request(scope, first, after, last, before)
        page = None
        if request.after is None and not request.backward:
            page = _listed_open_teams_page(self.deal, request.size)
        if page is None:
            page = await info.context.loaders.deal_open_teams.load((self.deal.id, request))
        return connection(TeamConnection, TeamEdge, scope, page, lambda t: Team(team=t))


def _listed_open_teams_page(deal: domain.Deal, size: int) -> Page[domain.Team] | None:
    """The first page of a deal's open teams from its item, or None when its item cannot say."""
    if deal.listed_open_teams is None:
        return None
    listed = deal.listed_open_teams.first(size, utc_now())
    if listed is None:
        return None
    teams, more = listed
    positions = [store.open_team_position(t) for t in teams]
    return Page(teams, more, positions, positions[-1] if positions else None)


@strawberry.type(description="A member as other members see them: a public profile, nothing private.")
class TeamMember:
    display_name: str
    avatar_url: str | None
    is_leader: bool
    paid: bool


@strawberry.type(description="A group-buy team. `shareCode` (16 random characters: fits a mini-program scene) is what a share "
                             "card carries; joinTeam and teamByShareCode take it. `id` is its global id, for node(id:).")
class Team(Node):
    team: strawberry.Private[domain.Team]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("Team", self.team.id))

    @strawberry.field(description="Put this in the share card's scene; joinTeam takes it.")
    def share_code(self) -> str:
        return self.team.id

    @strawberry.field
    def state(self) -> TeamState:
        return self.team.state

    @strawberry.field
    def size(self) -> int:
        return self.team.size

    @strawberry.field(description="Seats held by unpaid joiners plus paid seats.")
    def seats_taken(self) -> int:
        return self.team.held + self.team.paid

    @strawberry.field
    def paid_count(self) -> int:
        return self.team.paid

    @strawberry.field
    def remaining_seats(self) -> int:
        return self.team.remaining_seats

    @strawberry.field
    def expires_at(self) -> datetime:
        return self.team.expires_at

    @strawberry.field(description="True if the team succeeded under the deal's virtual-success rule.")
    def completed_virtually(self) -> bool:
        return self.team.completed_virtually

    @strawberry.field
    async def deal(self, info: Ctx) -> Deal | None:
        found = await info.context.loaders.deal.load(self.team.terms.deal_id)
        return Deal(deal=found) if found else None

    @strawberry.field(description="Members holding or having paid a seat, leader first.")
    async def members(self, info: Ctx) -> list[TeamMember]:
        _, seats = await info.context.loaders.team_view.load(self.team.id)
        return [TeamMember(display_name=s.display_name, avatar_url=s.avatar_url, is_leader=s.is_leader,
                           paid=s.state is domain.SeatState.PAID)
                for s in seats if s.state is not domain.SeatState.RELEASED]


@strawberry.type
class TeamEdge:
    node: Team
    cursor: str


@strawberry.type
class TeamConnection:
    edges: list[TeamEdge]
    page_info: PageInfo


@strawberry.type
class DealEdge:
    node: Deal
    cursor: str


@strawberry.type
class DealConnection:
    edges: list[DealEdge]
    page_info: PageInfo


@strawberry.type(description="Pass these, as they are, to wx.requestPayment in the mini-program "
                             "(appId is for your records: wx.requestPayment takes the other five).")
class PaymentParams:
    app_id: str = strawberry.field(description="The mini-program's AppID the payment was made for.")
    time_stamp: str = strawberry.field(description="Seconds since the Unix epoch, as text (wx.requestPayment's "
                                                   "timeStamp is a string, not an instant to convert).")
    nonce_str: str = strawberry.field(description="A random string, up to 32 characters.")
    package: str = strawberry.field(description="prepay_id=…")
    sign_type: SignType = strawberry.field(description="Always RSA (WeChat Pay API v3).")  # type: ignore[valid-type]
    pay_sign: str = strawberry.field(description="The signature of the four values above, base64.")

    @classmethod
    def of(cls, params: JsapiParams | None) -> PaymentParams | None:
        if params is None:
            return None
        return cls(app_id=params.app_id, time_stamp=params.time_stamp, nonce_str=params.nonce_str,
                   package=params.package, sign_type=SignType(params.sign_type), pay_sign=params.pay_sign)


def deal_connection(first: int | None, after: str | None, last: int | None = None,
                    before: str | None = None) -> DealConnection:
    scope = "deals"
    page = store.active_deals(page_request(scope, first, after, last, before))
    return connection(DealConnection, DealEdge, scope, page, lambda d: Deal(deal=d))


def team_connection_of_seats(scope: str, seats: Page[domain.Seat], teams: dict[str, domain.Team]) -> TeamConnection:
    """The teams of a page of seats (a position is the seat's order id); a seat whose
    team is gone is skipped."""
    return connection(TeamConnection, TeamEdge, scope, seats.keep(lambda s: s.team_id in teams),
                      lambda s: Team(team=teams[s.team_id]))


@extends(Order)
@strawberry.type
class GroupBuyOrderFields:
    """Fields a group-buy order has; null for an order of another kind."""

    @strawberry.field(description="The SKU of the seat; null for a regular order (see `lines`).")
    async def sku(self, info: Ctx) -> Sku | None:
        order = self.view.source
        return await sku_of(info, order.product_id, order.sku_id) if isinstance(order, domain.Order) else None

    @strawberry.field(description="The team of the seat; null for a regular order.")
    async def team(self, info: Ctx) -> Team | None:
        order = self.view.source
        if not isinstance(order, domain.Order):
            return None
        team, _ = await info.context.loaders.team_view.load(order.team_id)
        return Team(team=team) if team else None


def group_buy_order(order: domain.Order) -> Order:
    return Order(view=order_view(order))


def order_connection(scope: str, page: Page[domain.Order]) -> OrderConnection:
    """Group-buy orders by id (a position is an order id)."""
    return orders_connection(scope, page.map(order_view))
