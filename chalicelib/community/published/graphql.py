"""Community's GraphQL types other features show: where an order for pickup is collected."""
from __future__ import annotations

from datetime import date

import strawberry

from chalicelib.community.published.models import PickupSnapshot
from chalicelib.core.graphql.ids import to_global_id

__all__ = ["OrderPickup"]

LEADER_TYPE = "CommunityLeader"


@strawberry.type(description="Where and when an order for pickup (自提) is collected: the round it was ordered in "
                             "and the leader's point, as they were when it was placed. Public data only.")
class OrderPickup:
    snapshot: strawberry.Private[PickupSnapshot]

    @strawberry.field(description="The `CommunityRound` it was ordered in.")
    def round_id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("CommunityRound", self.snapshot.round_id))

    @strawberry.field(description="The round's title.")
    def round_title(self) -> str:
        return self.snapshot.round_title

    @strawberry.field(description="The day the goods reach the point (China time).")
    def pickup_on(self) -> date:
        return self.snapshot.pickup_on

    @strawberry.field(description="The `CommunityLeader` whose point it is collected at.")
    def leader_id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id(LEADER_TYPE, self.snapshot.place.leader_id))

    @strawberry.field(description="The name neighbours know the leader by.")
    def leader_name(self) -> str:
        return self.snapshot.place.leader_name

    @strawberry.field(description="The pickup point's name (自提点).")
    def point_name(self) -> str:
        return self.snapshot.place.point_name

    @strawberry.field(description="GB/T 2260 district code of the point.")
    def district_code(self) -> str:
        return self.snapshot.place.district_code

    @strawberry.field(description="The point's street, building and shop.")
    def detail(self) -> str:
        return self.snapshot.place.detail

    @strawberry.field(description="When the point hands over orders, `HH:MM-HH:MM` (China time).")
    def opening_hours(self) -> str:
        return self.snapshot.place.opening_hours
