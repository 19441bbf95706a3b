"""Group-buy root fields, mixed into Query."""
from __future__ import annotations

import strawberry

from chalicelib.groupbuy.rules import is_share_code
from chalicelib.core.principal import Role, require_role
from chalicelib.groupbuy import store
from chalicelib.catalog.graphql.types import Ctx
from chalicelib.groupbuy.graphql.types import (
    Deal,
    DealConnection,
    OrderConnection,
    Team,
    deal_connection,
    order_connection,
)
from chalicelib.core.graphql.ids import from_global_id
from chalicelib.core.graphql.pagination import after_position, page_size


async def team_by_code(info: Ctx, code: str) -> Team | None:
    if not is_share_code(code):
        return None
    team, _ = await info.context.loaders.team_view.load(code)
    return Team(team=team) if team else None


@strawberry.type
class GroupBuyQuery:
    @strawberry.field(description="Deals on now, newest first.")
    def deals(self, first: int | None = None, after: str | None = None) -> DealConnection:
        return deal_connection(first, after)

    @strawberry.field
    async def deal(self, info: Ctx, id: strawberry.ID) -> Deal | None:
        (deal_id,) = from_global_id(id, "Deal")
        found = await info.context.loaders.deal.load(deal_id)
        return Deal(deal=found) if found else None

    @strawberry.field
    async def team(self, info: Ctx, id: strawberry.ID) -> Team | None:
        (team_id,) = from_global_id(id, "Team")
        return await team_by_code(info, team_id)

    @strawberry.field(description="The team a share card points to (its scene).")
    async def team_by_share_code(self, info: Ctx, share_code: str) -> Team | None:
        return await team_by_code(info, share_code.strip().upper())

    @strawberry.field(description="Operators: orders whose refund failed, waiting for retryRefund.")
    def refund_failed_orders(self, info: Ctx, first: int | None = None, after: str | None = None) -> OrderConnection:
        require_role(info.context.principal, Role.OPERATOR)
        scope = "refund-failed"
        return order_connection(scope, store.refund_failed_orders(page_size(first), after_position(scope, after)))
