"""Shipping (merchants, operators), confirming receipt and giving a group-buy order its address (buyers)."""
from __future__ import annotations

from typing import Annotated

import strawberry

from chalicelib.core.clock import utc_now
from chalicelib.core.graphql.context import Ctx
from chalicelib.core.graphql.errors import UserError, payload_errors
from chalicelib.core.graphql.ids import from_global_id
from chalicelib.fulfilment import service
from chalicelib.fulfilment.rules import TRACKING_MAX, TRACKING_MIN
from chalicelib.orders.published.graphql import Order


@strawberry.input
class ShipOrderInput:
    order_id: strawberry.ID = strawberry.field(description="The `Order` id (to ship: TO_SHIP).")
    carrier: str = strawberry.field(description="A code of `carriers` (SF, ZTO, YTO, YD, STO, JD, EMS, JTSD, DBL…).")
    tracking_no: str = strawberry.field(description=f"The carrier's tracking number: {TRACKING_MIN} to "
                                                    f"{TRACKING_MAX} of A-Z, a-z, 0-9 and -.")


@strawberry.input
class ConfirmReceiptInput:
    order_id: strawberry.ID = strawberry.field(description="Your shipped `Order`'s id.")


@strawberry.input
class SetOrderAddressInput:
    order_id: strawberry.ID = strawberry.field(description="Your `Order`'s id (not shipped yet).")
    address_id: strawberry.ID = strawberry.field(description="An `Address` id of your book (a copy is kept).")


@strawberry.type
class FulfilmentPayload:
    order: Order | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


def _order_id(global_id: str) -> str:
    return from_global_id(global_id, "Order", "orderId")[0]


ShipArgument = Annotated[ShipOrderInput, strawberry.argument(description="The order, its carrier and number.")]
ConfirmArgument = Annotated[ConfirmReceiptInput, strawberry.argument(description="The order.")]
AddressArgument = Annotated[SetOrderAddressInput, strawberry.argument(description="The order and the address.")]


@strawberry.type
class FulfilmentMutation:
    @strawberry.mutation(description="Merchants (their own orders) and operators: TO_SHIP → SHIPPED with its carrier "
                                     "and tracking number; it completes by itself at `completeBy`. The same "
                                     "shipment again answers the order as it is; anything else on an order not "
                                     "TO_SHIP is INVALID_STATE.")
    @payload_errors(FulfilmentPayload)
    def ship_order(self, info: Ctx, input: ShipArgument) -> FulfilmentPayload | None:
        view = service.ship_order(info.context.principal, _order_id(input.order_id), input.carrier,
                                  input.tracking_no, utc_now())
        return FulfilmentPayload(order=Order(view=view))

    @strawberry.mutation(description="Buyers: you have the parcel. SHIPPED → COMPLETED; the return windows start "
                                     "(`returnsUntil`, `afterSalesUntil`).")
    @payload_errors(FulfilmentPayload)
    def confirm_receipt(self, info: Ctx, input: ConfirmArgument) -> FulfilmentPayload | None:
        view = service.confirm_receipt(info.context.principal, _order_id(input.order_id), utc_now())
        return FulfilmentPayload(order=Order(view=view))

    @strawberry.mutation(description="Buyers: where your order ships, from your address book, until it is shipped "
                                     "(a group-buy order taken without an address cannot ship before).")
    @payload_errors(FulfilmentPayload)
    def set_order_address(self, info: Ctx, input: AddressArgument) -> FulfilmentPayload | None:
        (address_id,) = from_global_id(input.address_id, "Address", "addressId")
        view = service.set_order_address(info.context.principal, _order_id(input.order_id), address_id)
        return FulfilmentPayload(order=Order(view=view))
