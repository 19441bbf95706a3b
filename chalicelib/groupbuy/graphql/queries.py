"""Group-buy root fields, mixed into Query."""
from __future__ import annotations

from typing import Annotated

import strawberry

from chalicelib.core.graphql.context import Ctx
from chalicelib.core.graphql.ids import from_global_id
from chalicelib.core.graphql.pagination import BOTH_WAYS, After, Before, First, Last, page_request
from chalicelib.core.graphql.relay import node_resolver
from chalicelib.groupbuy import payments as groupbuy_payments
from chalicelib.groupbuy.graphql.types import (
    Deal,
    DealConnection,
    OrderConnection,
    Team,
    deal_connection,
    order_connection,
)
from chalicelib.groupbuy.rules import is_share_code


async def team_by_code(info: Ctx, code: str) -> Team | None:
    if not is_share_code(code):
        return None
    team, _ = await info.context.loaders.team_view.load(code)
    return Team(team=team) if team else None


@node_resolver("Deal")
async def _deal_node(info: Ctx, parts: tuple[str, ...]) -> Deal | None:
    found = await info.context.loaders.deal.load(parts[0])
    return Deal(deal=found) if found else None


@node_resolver("Team")
async def _team_node(info: Ctx, parts: tuple[str, ...]) -> Team | None:
    return await team_by_code(info, parts[0])


@strawberry.type
class GroupBuyQuery:
    @strawberry.field(description="Deals on now, newest first." + BOTH_WAYS)
    def deals(self, first: First = None, after: After = None, last: Last = None,
              before: Before = None) -> DealConnection | None:
        return deal_connection(first, after, last, before)

    @strawberry.field(description="A deal by id, on now or not.")
    async def deal(self, info: Ctx, id: Annotated[strawberry.ID, strawberry.argument(description="A `Deal` id.")]
                   ) -> Deal | None:
        (deal_id,) = from_global_id(id, "Deal")
        found = await info.context.loaders.deal.load(deal_id)
        return Deal(deal=found) if found else None

    @strawberry.field(description="A team by id.")
    async def team(self, info: Ctx, id: Annotated[strawberry.ID, strawberry.argument(description="A `Team` id.")]
                   ) -> Team | None:
        (team_id,) = from_global_id(id, "Team")
        return await team_by_code(info, team_id)

    @strawberry.field(description="The team a share card points to (its scene).")
    async def team_by_share_code(
        self, info: Ctx,
        share_code: Annotated[str, strawberry.argument(description="From the share card's scene; case and "
                                                                   "surrounding spaces do not matter.")],
    ) -> Team | None:
        return await team_by_code(info, share_code.strip().upper())

    @strawberry.field(description="Operators: orders whose refund failed, waiting for retryRefund, newest first."
                                  + BOTH_WAYS)
    def refund_failed_orders(self, info: Ctx, first: First = None, after: After = None, last: Last = None,
                             before: Before = None) -> OrderConnection | None:
        scope = "refund-failed"
        return order_connection(scope, groupbuy_payments.refund_failed_orders(
            info.context.principal, page_request(scope, first, after, last, before)))
