"""Sale round (场次) GraphQL: the CommunityRound node, a leader's open rounds, a merchant's rounds,
opening and cancelling. Resolvers only translate between GraphQL and chalicelib.community.rounds."""
from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import strawberry
from strawberry.types import Info

from chalicelib.accounts.published.graphql import user_fields
from chalicelib.catalog.published.graphql import Sku, sku_of
from chalicelib.community import rounds as service
from chalicelib.community import rules_rounds as domain
from chalicelib.community import store as leaders_store
from chalicelib.community.rules import LeaderState
from chalicelib.core.clock import accept, utc_now
from chalicelib.core.errors import Required
from chalicelib.core.graphql.connection import connection
from chalicelib.core.graphql.context import Ctx
from chalicelib.core.graphql.enums import described_enum
from chalicelib.core.graphql.errors import UserError, payload_errors
from chalicelib.core.graphql.ids import from_global_id, to_global_id
from chalicelib.core.graphql.money import Money
from chalicelib.core.graphql.pagination import BOTH_WAYS, After, Before, First, Last, PageInfo, page_request
from chalicelib.core.graphql.relay import Node, node_resolver
from chalicelib.core.ids import is_share_code
from chalicelib.core.principal import Role

CURRENCY = "CNY"
LEADER_TYPE = "CommunityLeader"  # a leader's global id names its user id (one leader per user)

Uncollected = described_enum(domain.Uncollected, name="CommunityUncollected",
                             description="An order for pickup nobody collected within the collection window (3 days "
                                         "from its arrival at the point).", values={
    domain.Uncollected.KEEP: "It completes as if collected: the goods were delivered and are not taken back.",
    domain.Uncollected.REFUND: "It is refunded in full (an after-sales request of reason NOT_COLLECTED).",
})
RoundStatus = described_enum(domain.RoundStatus, name="CommunityRoundStatus",
                             description="Where a sale round stands, as of now.", values={
    domain.RoundStatus.OPEN: "Taking orders: its order cutoff is still ahead.",
    domain.RoundStatus.CLOSED: "Its order cutoff has passed: the goods go to the pickup points.",
    domain.RoundStatus.CANCELLED: "Cancelled by its creator or an operator before its cutoff.",
})


@strawberry.type(description="One SKU a round sells, at its round price.")
class CommunityRoundLine:
    line: strawberry.Private[domain.RoundLine]
    insider: strawberry.Private[bool] = False  # the round's merchant or an operator: sees the commission

    @strawberry.field(description="The SKU (null if its product was deleted since).")
    async def sku(self, info: Ctx) -> Sku | None:
        return await sku_of(info, self.line.product_id, self.line.sku_id)

    @strawberry.field(description="The round price (at most the SKU's own price when the round was opened).")
    def price(self) -> Money:
        return Money(amount=self.line.price, currency=CURRENCY)  # type: ignore[arg-type]

    @strawberry.field(description="Units one customer may order in this round; null: no limit.")
    def per_customer_limit(self) -> int | None:
        return self.line.per_customer_limit

    @strawberry.field(description="The leader's commission on this line in basis points (100 = 1%): for the "
                                  "round's merchant and operators; null for everyone else.")
    def commission_rate_bp(self) -> int | None:
        return self.line.commission_bp if self.insider else None


@strawberry.type(description="A community group-buy sale round (社区团购场次): SKUs at round prices for the customers "
                             "of the leaders it serves, ordered until `cutoffAt`, collected at the leader's pickup "
                             "point on `pickupOn`.")
class CommunityRound(Node):
    round: strawberry.Private[domain.Round]

    @strawberry.field(description="Its global id.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("CommunityRound", self.round.id))

    @strawberry.field(description="What the round is called.")
    def title(self) -> str:
        return self.round.title

    @strawberry.field(description="The SKUs it sells, in the order given.")
    def lines(self, info: Ctx) -> list[CommunityRoundLine]:
        principal = info.context.principal
        insider = principal is not None and (principal.role is Role.OPERATOR
                                             or principal.user_id == self.round.merchant_id)
        return [CommunityRoundLine(line=line, insider=insider) for line in self.round.lines]

    @strawberry.field(description="Orders are taken until this instant (exclusive).")
    def cutoff_at(self) -> datetime:
        return self.round.cutoff_at

    @strawberry.field(description="The day the goods are collected at the pickup points.")
    def pickup_on(self) -> date:
        return self.round.pickup_on

    @strawberry.field(description="What happens to an order nobody collects in time after it arrived at the point.")
    def uncollected(self) -> Uncollected:  # type: ignore[valid-type]
        return self.round.uncollected

    @strawberry.field(description="OPEN, CLOSED or CANCELLED, as of now.")
    def state(self) -> RoundStatus:  # type: ignore[valid-type]
        return self.round.status(utc_now())

    @strawberry.field(description="How many leaders' pickup points it serves.")
    def leaders_served(self) -> int:
        return len(self.round.leader_ids)

    @strawberry.field(description="When it was opened.")
    def created_at(self) -> datetime:
        return self.round.created_at


@strawberry.type(description="One round in a list, with its cursor.")
class CommunityRoundEdge:
    node: CommunityRound = strawberry.field(description="The round.")
    cursor: str = strawberry.field(description="Resume after this round.")


@strawberry.type(description="A page of sale rounds.")
class CommunityRoundConnection:
    edges: list[CommunityRoundEdge] = strawberry.field(description="The rounds of this page.")
    page_info: PageInfo = strawberry.field(description="Where the next and previous pages start.")


def _connection(scope: str, page) -> CommunityRoundConnection:
    return connection(CommunityRoundConnection, CommunityRoundEdge, scope, page, lambda r: CommunityRound(round=r))


@node_resolver("CommunityRound")
def _round_node(info: Ctx, parts: tuple[str, ...]) -> CommunityRound | None:
    """Rounds are public: customers browse them."""
    found = service.get_round(parts[0])
    return CommunityRound(round=found) if found else None


# ---------------------------------------------------------------- reads
@strawberry.type
class CommunityRoundQuery:
    @strawberry.field(description="A leader's rounds still open, soonest cutoff first (past and cancelled ones are "
                                  "never listed). Give `leaderId` or `leaderCode` (a share card's `scene`). One "
                                  "DynamoDB Query and two BatchGetItems a page (the leader's state, the rounds); none for a suspended "
                                  "leader, whose rounds are not shown." + BOTH_WAYS)
    def community_rounds(
            self, leader_id: Annotated[strawberry.ID | None, strawberry.argument(
                description="The `CommunityLeader` id.")] = None,
            leader_code: Annotated[str | None, strawberry.argument(
                description="The leader's share code (16 characters).")] = None,
            first: First = None, after: After = None, last: Last = None,
            before: Before = None) -> CommunityRoundConnection | None:
        if (leader_id is None) == (leader_code is None):
            raise Required("give leaderId or leaderCode (one of them)", "leaderId")
        if leader_id is not None:
            (leader,) = from_global_id(leader_id, LEADER_TYPE, "leaderId")
        else:
            code = leader_code.strip().upper()
            leader = leaders_store.leader_id_of_code(code) if is_share_code(code) else None
        state = None if leader is None else leaders_store.leader_states((leader,))[leader]
        if state != LeaderState.APPROVED.value:  # a suspended leader's rounds are not shown
            return _connection("community-rounds:-", service.empty_page())
        scope = f"community-rounds:{leader}"
        page = service.open_rounds_of_leader(leader, page_request(scope, first, after, last, before), utc_now())
        return _connection(scope, page)


@user_fields
@strawberry.type
class CommunityRoundUserFields:
    @strawberry.field(description="Merchants: your community sale rounds, newest first (closed and cancelled ones "
                                  "too)." + BOTH_WAYS)
    def community_rounds_created(self, info: Info, first: First = None, after: After = None, last: Last = None,
                                 before: Before = None) -> CommunityRoundConnection | None:
        scope = f"community-rounds-created:{self.user_id}"
        return _connection(scope, service.rounds_created(info.context.principal, self.user_id,
                                                         page_request(scope, first, after, last, before)))


# ---------------------------------------------------------------- writes
@strawberry.input(description="One SKU of a new round.")
class CommunityRoundLineInput:
    sku_id: strawberry.ID = strawberry.field(description="A `Sku` id (your own, for a merchant).")
    price: int = strawberry.field(description="The round price in fen: 1 up to the SKU's price.")
    commission_rate_bp: int = strawberry.field(
        description=f"The leader's commission in basis points: 0 to {domain.MAX_COMMISSION_BP} (30%).")
    per_customer_limit: int | None = strawberry.field(
        default=None, description=f"Units one customer may order: 1 to {domain.MAX_PER_CUSTOMER_LIMIT}; omit: none.")


@strawberry.input(description="A new community sale round.")
class OpenCommunityRoundInput:
    title: str = strawberry.field(description=f"1 to {domain.MAX_TITLE} characters, one line.")
    lines: list[CommunityRoundLineInput] = strawberry.field(
        description=f"1 to {domain.MAX_LINES} SKUs of one merchant, each once.")
    leader_ids: list[strawberry.ID] = strawberry.field(
        description=f"1 to {domain.MAX_LEADERS} approved leaders (`CommunityLeader` ids), each once.")
    cutoff_at: datetime = strawberry.field(description="Orders close at this instant (future), e.g. "
                                                       "2026-12-01T23:00:00+08:00.")
    pickup_on: date = strawberry.field(description="Collection day: after the cutoff's day in China time.")
    uncollected: Uncollected = strawberry.field(  # type: ignore[valid-type]
        default=domain.Uncollected.KEEP, description="What happens to an order nobody collects in time: KEEP "
                                                     "(default) or REFUND.")


@strawberry.input(description="The round to cancel.")
class CancelCommunityRoundInput:
    round_id: strawberry.ID = strawberry.field(description="The `CommunityRound` id.")


@strawberry.type
class CommunityRoundPayload:
    round: CommunityRound | None = None
    errors: list[UserError] = strawberry.field(default_factory=list, description="Why it was refused; empty on success.")


def _line(n: int, line: CommunityRoundLineInput) -> domain.RoundLine:
    product_id, sku_id = from_global_id(line.sku_id, "Sku", f"lines.{n}.skuId")
    return domain.RoundLine(product_id=product_id, sku_id=sku_id, price=line.price,
                            per_customer_limit=line.per_customer_limit, commission_bp=line.commission_rate_bp)


@strawberry.type
class CommunityRoundMutation:
    @strawberry.mutation(description="Merchants (their own SKUs) and operators: open a sale round for some approved "
                                     f"leaders. At most {domain.MAX_LINES} SKUs and {domain.MAX_LEADERS} leaders.")
    @payload_errors(CommunityRoundPayload)
    def open_community_round(self, info: Ctx, input: OpenCommunityRoundInput) -> CommunityRoundPayload | None:
        new = domain.NewRound(
            title=input.title, lines=tuple(_line(n, line) for n, line in enumerate(input.lines)),
            leader_ids=tuple(from_global_id(gid, LEADER_TYPE, f"leaderIds.{n}")[0]
                             for n, gid in enumerate(input.leader_ids)),
            cutoff_at=accept(input.cutoff_at, "cutoffAt"), pickup_on=input.pickup_on, uncollected=input.uncollected)
        return CommunityRoundPayload(round=CommunityRound(round=service.open_round(info.context.principal, new,
                                                                                   utc_now())))

    @strawberry.mutation(description="Its creator or an operator: cancel a round before its cutoff "
                                     "(COMMUNITY_ROUND_CLOSED after it).")
    @payload_errors(CommunityRoundPayload)
    def cancel_community_round(self, info: Ctx, input: CancelCommunityRoundInput) -> CommunityRoundPayload | None:
        (round_id,) = from_global_id(input.round_id, "CommunityRound", "roundId")
        return CommunityRoundPayload(round=CommunityRound(round=service.cancel_round(info.context.principal,
                                                                                     round_id, utc_now())))
