"""Community's fields on an order: where and when an order for pickup (自提) is collected, and its pickup code
(its buyer's only)."""
from __future__ import annotations

from typing import Any

import strawberry
from strawberry.dataloader import DataLoader

from chalicelib.community import keys_rounds as keys
from chalicelib.community.models_rounds import RoundPaidOrderItem
from chalicelib.community.published.graphql import OrderPickup
from chalicelib.core.graphql.context import Ctx, Loaders, loader
from chalicelib.core.graphql.extend import extends
from chalicelib.core.table.batch import batch_get
from chalicelib.orders.published.graphql import Order


@loader("pickup_paid_order")
def _paid_order(loaders: Loaders) -> DataLoader[tuple[str, str, str], Any]:
    """Paid pickup orders' items by (round, leader, order): one BatchGetItem for a page of orders."""
    async def load(wanted: list[tuple[str, str, str]]) -> list[Any]:
        found = {(item.PK, item.SK): item
                 for item in batch_get((keys.round_pk(r), keys.paid_order_sk(leader, o)) for r, leader, o in wanted)
                 if isinstance(item, RoundPaidOrderItem)}
        return [found.get((keys.round_pk(r), keys.paid_order_sk(leader, o))) for r, leader, o in wanted]

    return DataLoader(load_fn=load)


@extends(Order)
@strawberry.type
class CommunityOrderFields:
    @strawberry.field(description="Where and when it is collected, for an order for pickup (自提); null for an "
                                  "order that ships.")
    def pickup(self) -> OrderPickup | None:
        snapshot = self.view.pickup  # type: ignore[attr-defined]
        return snapshot if snapshot is None else OrderPickup(snapshot=snapshot)

    @strawberry.field(description="The pickup code (提货码) the leader scans to hand the order over: 12 characters, "
                                  "fits a QR code's `scene`. Its buyer's only (null for anyone else, the leader "
                                  "included), from the moment it is paid; null for an order that ships.")
    async def pickup_code(self, info: Ctx) -> str | None:
        view = self.view  # type: ignore[attr-defined]
        principal = info.context.principal
        if view.pickup is None or principal is None or principal.user_id != view.user_id or view.paid_at is None:
            return None
        paid = await info.context.loaders.pickup_paid_order.load(
            (view.pickup.round_id, view.pickup.place.leader_id, view.id))
        return None if paid is None else paid.code
