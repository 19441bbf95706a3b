"""Community's field on an order: where and when an order for pickup (自提) is collected."""
from __future__ import annotations

import strawberry

from chalicelib.community.published.graphql import OrderPickup
from chalicelib.core.graphql.extend import extends
from chalicelib.orders.published.graphql import Order


@extends(Order)
@strawberry.type
class CommunityOrderFields:
    @strawberry.field(description="Where and when it is collected, for an order for pickup (自提); null for an "
                                  "order that ships.")
    def pickup(self) -> OrderPickup | None:
        snapshot = self.view.pickup  # type: ignore[attr-defined]
        return snapshot if snapshot is None else OrderPickup(snapshot=snapshot)
