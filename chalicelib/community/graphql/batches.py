"""Delivery batch (配送批次) GraphQL: a round's batches and marking one delivered, for the round's merchant and
operators. Resolvers only translate between GraphQL and chalicelib.community.batches."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from chalicelib.community import batches as service
from chalicelib.community import rules_batches as domain
from chalicelib.community.graphql.rounds import LEADER_TYPE
from chalicelib.core.clock import utc_now
from chalicelib.core.graphql.context import Ctx
from chalicelib.core.graphql.enums import described_enum
from chalicelib.core.graphql.errors import UserError, payload_errors
from chalicelib.core.graphql.ids import from_global_id, to_global_id

BatchState = described_enum(domain.BatchState, name="CommunityBatchState",
                            description="Where a round's delivery to one leader's point stands.", values={
    domain.BatchState.AWAITING_DELIVERY: "Made at the round's cutoff: the merchant is to bring it to the point.",
    domain.BatchState.DELIVERED: "At the point: its paid orders wait there to be collected.",
})


@strawberry.type(description="What a round's merchant brings to one leader's pickup point, made at the cutoff.")
class CommunityDeliveryBatch:
    batch: strawberry.Private[domain.DeliveryBatch]

    @strawberry.field(description="The `CommunityRound` id.")
    def round_id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("CommunityRound", self.batch.round_id))

    @strawberry.field(description="The `CommunityLeader` whose point it goes to.")
    def leader_id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id(LEADER_TYPE, self.batch.leader_id))

    @strawberry.field(description="AWAITING_DELIVERY or DELIVERED.")
    def state(self) -> BatchState:  # type: ignore[valid-type]
        return self.batch.state

    @strawberry.field(description="Units of the leader's pick list when the batch was made (communityPickList "
                                  "has them line by line).")
    def units(self) -> int:
        return self.batch.units

    @strawberry.field(description="Paid orders of the leader's point when the batch was made.")
    def orders_count(self) -> int:
        return self.batch.orders

    @strawberry.field(description="When it was made (just after the cutoff).")
    def created_at(self) -> datetime:
        return self.batch.created_at

    @strawberry.field(description="When it was marked delivered; null until then.")
    def delivered_at(self) -> datetime | None:
        return self.batch.delivered_at


@strawberry.type
class CommunityBatchQuery:
    @strawberry.field(description="The round's merchant and operators: its delivery batches, one per leader, by "
                                  "leader id; empty until the cutoff. One DynamoDB GetItem and one Query.")
    def community_round_batches(
            self, info: Ctx,
            round_id: Annotated[strawberry.ID, strawberry.argument(description="The `CommunityRound` id.")],
    ) -> list[CommunityDeliveryBatch] | None:
        (round_key,) = from_global_id(round_id, "CommunityRound", "roundId")
        return [CommunityDeliveryBatch(batch=b) for b in service.round_batches(info.context.principal, round_key)]


@strawberry.input(description="The batch: a round and the leader whose point it went to.")
class MarkCommunityBatchDeliveredInput:
    round_id: strawberry.ID = strawberry.field(description="The `CommunityRound` id.")
    leader_id: strawberry.ID = strawberry.field(description="The `CommunityLeader` id.")


@strawberry.type
class CommunityBatchPayload:
    batch: CommunityDeliveryBatch | None = None
    errors: list[UserError] = strawberry.field(default_factory=list, description="Why it was refused; empty on success.")


@strawberry.type
class CommunityBatchMutation:
    @strawberry.mutation(description="The round's merchant or an operator: the batch reached the leader's point "
                                     "(after the cutoff; once: sent again, it answers the batch as it is). Its paid "
                                     "orders then move to SHIPPED, waiting at the point.")
    @payload_errors(CommunityBatchPayload)
    def mark_community_batch_delivered(self, info: Ctx,
                                       input: MarkCommunityBatchDeliveredInput) -> CommunityBatchPayload | None:
        (round_key,) = from_global_id(input.round_id, "CommunityRound", "roundId")
        (leader_key,) = from_global_id(input.leader_id, LEADER_TYPE, "leaderId")
        return CommunityBatchPayload(batch=CommunityDeliveryBatch(batch=service.mark_delivered(
            info.context.principal, round_key, leader_key, utc_now())))
