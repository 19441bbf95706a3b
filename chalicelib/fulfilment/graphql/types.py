"""Fulfilment's fields on the one Order type (both kinds): where it ships, and how it travels."""
from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from strawberry.dataloader import DataLoader

from chalicelib.addresses.published.graphql import ShippingAddress
from chalicelib.addresses.published.models import snapshot_of
from chalicelib.core.graphql.context import Ctx, Loaders, loader
from chalicelib.core.graphql.extend import extends
from chalicelib.core.principal import Principal, Role
from chalicelib.core.table.batch import batch_get
from chalicelib.fulfilment.rules import CARRIERS
from chalicelib.orders.published.graphql import Order
from chalicelib.orders.published.items import ORDER_SK, item_types, order_pk
from chalicelib.orders.published.kinds import OrderView


@strawberry.type(description="A carrier an order ships with (shipOrder takes its code).")
class Carrier:
    code: str = strawberry.field(description="What shipOrder takes: SF, ZTO, YTO, YD, STO, JD, EMS, JTSD, DBL…")
    name: str = strawberry.field(description="Its name as customers know it (Chinese).")


def carrier_of(code: str | None) -> Carrier | None:
    return None if code is None else Carrier(code=code, name=CARRIERS.get(code, code))


def may_see_address(principal: Principal | None, view: OrderView) -> bool:
    """The buyer, the order's merchant and operators; nobody else (personal data)."""
    if principal is None:
        return False
    return (principal.user_id == view.user_id or principal.role is Role.OPERATOR
            or (principal.role is Role.MERCHANT and principal.user_id == view.merchant_id))


@loader("fulfilment_order_item")
def _order_item(loaders: Loaders) -> DataLoader[str, Any]:
    """Orders' items of either kind by id (an order built without its address: one batch per request)."""
    async def load(ids: list[str]) -> list[Any]:
        found = {i.order_id: i for i in batch_get((order_pk(o), ORDER_SK) for o in ids)
                 if isinstance(i, item_types())}
        return [found.get(i) for i in ids]

    return DataLoader(load_fn=load)


@extends(Order)
@strawberry.type
class DeliveryFields:
    """Shipping and completion, the same for both kinds."""

    @strawberry.field(description="Where it ships (a copy of an address-book entry): shown to its buyer, its "
                                  "merchant and operators, null for anyone else. Null too on a group-buy order "
                                  "whose buyer had no address yet (setOrderAddress gives one; it cannot ship "
                                  "before), and on an order for pickup (it has none: see `pickup`).")
    async def shipping_address(self, info: Ctx) -> ShippingAddress | None:
        view = self.view
        if not may_see_address(info.context.principal, view) or view.pickup is not None:
            return None
        if view.shipping_address is not None:
            return ShippingAddress(snapshot=view.shipping_address)
        item = await info.context.loaders.fulfilment_order_item.load(view.id)
        stored = None if item is None else getattr(item, "address", None)
        return None if stored is None else ShippingAddress(snapshot=snapshot_of(stored))

    @strawberry.field(description="When it was shipped; null until then.")
    def shipped_at(self) -> datetime | None:
        return self.view.delivery.shipped_at

    @strawberry.field(description="Who carries it; null until shipped.")
    def carrier(self) -> Carrier | None:
        return carrier_of(self.view.delivery.carrier)

    @strawberry.field(description="The carrier's tracking number; null until shipped.")
    def tracking_no(self) -> str | None:
        return self.view.delivery.tracking_no

    @strawberry.field(description="A shipped order completes by itself at this time unless its buyer confirms "
                                  "receipt first; null until shipped.")
    def complete_by(self) -> datetime | None:
        return self.view.delivery.complete_by

    @strawberry.field(description="When it completed (receipt confirmed, or at completeBy); null until then.")
    def completed_at(self) -> datetime | None:
        return self.view.delivery.completed_at

    @strawberry.field(description="Until this time a return needs no reason (七天无理由); null until completed.")
    def returns_until(self) -> datetime | None:
        return self.view.delivery.returns_until

    @strawberry.field(description="Until this time a return or refund for a quality reason may be asked; null "
                                  "until completed.")
    def after_sales_until(self) -> datetime | None:
        return self.view.delivery.after_sales_until
