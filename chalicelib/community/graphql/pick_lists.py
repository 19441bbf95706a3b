"""Pick list (拣货单) GraphQL: ``communityPickList(roundId, leaderId)``, its lines and a page of its paid orders.
Resolvers only translate between GraphQL and chalicelib.community.pick_lists."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from chalicelib.catalog.published.graphql import Sku, sku_of
from chalicelib.community import pick_lists as service
from chalicelib.community.graphql.rounds import LEADER_TYPE, CommunityRound
from chalicelib.core.graphql.connection import connection
from chalicelib.core.graphql.context import Ctx
from chalicelib.core.graphql.ids import from_global_id, to_global_id
from chalicelib.core.graphql.pagination import BOTH_WAYS, After, Before, First, Last, PageInfo, page_request
from chalicelib.orders.published.graphql import OrderState


@strawberry.type(description="One SKU of a pick list, or of one of its orders: how many units.")
class CommunityPickLine:
    line: strawberry.Private[service.PickLine]

    @strawberry.field(description="The `Sku` id.")
    def sku_id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("Sku", self.line.product_id, self.line.sku_id))

    @strawberry.field(description="The SKU as it is now (null if its product was deleted since).")
    async def sku(self, info: Ctx) -> Sku | None:
        return await sku_of(info, self.line.product_id, self.line.sku_id)

    @strawberry.field(description="Units paid for.")
    def units(self) -> int:
        return self.line.units


def _lines(lines) -> list[CommunityPickLine]:
    return [CommunityPickLine(line=line) for line in lines]


@strawberry.type(description="A paid order to hand over at the leader's point. No customer's identity: the leader "
                             "hands over by pickup code.")
class CommunityPickOrder:
    order: strawberry.Private[service.PickOrder]

    @strawberry.field(description="The `Order` id.")
    def order_id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("Order", self.order.order_id))

    @strawberry.field(description="The order's state now (TO_SHIP until its batch is delivered, SHIPPED at the "
                                  "point, REFUNDED if refunded since); null if it can no longer be read.")
    def state(self) -> OrderState | None:  # type: ignore[valid-type]
        return None if self.order.order is None else self.order.order.state

    @strawberry.field(description="SKU × units, as paid.")
    def lines(self) -> list[CommunityPickLine]:
        return _lines(self.order.lines)

    @strawberry.field(description="When it was paid.")
    def paid_at(self) -> datetime:
        return self.order.paid_at


@strawberry.type(description="One paid order in a pick list, with its cursor.")
class CommunityPickOrderEdge:
    node: CommunityPickOrder = strawberry.field(description="The order.")
    cursor: str = strawberry.field(description="Resume after this order.")


@strawberry.type(description="A page of a pick list's paid orders, oldest order id first.")
class CommunityPickOrderConnection:
    edges: list[CommunityPickOrderEdge] = strawberry.field(description="The orders of this page.")
    page_info: PageInfo = strawberry.field(description="Where the next page starts.")


@strawberry.type(description="What the merchant packs for one leader's pickup point in one round (拣货单), live: "
                             "the units of each SKU paid for there, and the paid orders they add up from.")
class CommunityPickList:
    pick: strawberry.Private[service.PickList]

    @strawberry.field(description="The round.")
    def round(self) -> CommunityRound:
        return CommunityRound(round=self.pick.round)

    @strawberry.field(description="The `CommunityLeader` whose point it is.")
    def leader_id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id(LEADER_TYPE, self.pick.leader_id))

    @strawberry.field(description="SKU × units paid for at the point, all its paid orders together. One DynamoDB "
                                  "Query.")
    def lines(self) -> list[CommunityPickLine]:
        return _lines(service.pick_lines(self.pick))

    @strawberry.field(description="Its paid orders, oldest order id first, each in its state now. One Query and "
                                  "one BatchGetItem a page." + BOTH_WAYS)
    def orders(self, first: First = None, after: After = None, last: Last = None,
               before: Before = None) -> CommunityPickOrderConnection | None:
        scope = f"community-pick:{self.pick.round.id}:{self.pick.leader_id}"
        page = service.paid_orders(self.pick, page_request(scope, first, after, last, before))
        return connection(CommunityPickOrderConnection, CommunityPickOrderEdge, scope, page,
                          lambda order: CommunityPickOrder(order=order))


@strawberry.type
class CommunityPickListQuery:
    @strawberry.field(description="A leader's pick list for a round: the leader sees their own, the round's "
                                  "merchant and operators any leader's of the round (NOT_FOUND for anyone else). "
                                  "One DynamoDB GetItem (the round), plus what its fields read.")
    def community_pick_list(
            self, info: Ctx,
            round_id: Annotated[strawberry.ID, strawberry.argument(description="The `CommunityRound` id.")],
            leader_id: Annotated[strawberry.ID, strawberry.argument(description="The `CommunityLeader` id.")],
    ) -> CommunityPickList | None:
        (round_key,) = from_global_id(round_id, "CommunityRound", "roundId")
        (leader_key,) = from_global_id(leader_id, LEADER_TYPE, "leaderId")
        return CommunityPickList(pick=service.pick_list(info.context.principal, round_key, leader_key))
