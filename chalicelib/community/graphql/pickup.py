"""Handing an order for pickup over with its code (chalicelib/community/pickup_codes.py)."""
from __future__ import annotations

from typing import Annotated

import strawberry

from chalicelib.community import pickup_codes
from chalicelib.core.clock import utc_now
from chalicelib.core.graphql.context import Ctx
from chalicelib.core.graphql.errors import UserError, payload_errors
from chalicelib.orders.published.graphql import Order


@strawberry.input
class HandOverPickupOrderInput:
    code: str = strawberry.field(description="The customer's pickup code, scanned from their QR code or typed "
                                             "(case and spaces ignored).")


@strawberry.type
class HandOverPickupOrderPayload:
    order: Order | None = strawberry.field(default=None, description="The order handed over, now COMPLETED.")
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class CommunityPickupMutation:
    @strawberry.mutation(description=(
        "A community leader hands over an order for pickup at their point: the customer shows its pickup code. Only "
        "an order at the caller's own point that has arrived (SHIPPED: its batch delivered) and not been handed "
        "over; then it is COMPLETED and its return windows open. NOT_FOUND for a code no order at your point has "
        "(another point's included), INVALID_STATE if not arrived or handed over already, LIMIT_REACHED after 10 "
        "wrong codes in 10 minutes at your point, FORBIDDEN if you are not a leader."))
    @payload_errors(HandOverPickupOrderPayload)
    def hand_over_pickup_order(self, info: Ctx, input: Annotated[HandOverPickupOrderInput, strawberry.argument(
            description="The code.")]) -> HandOverPickupOrderPayload | None:
        return HandOverPickupOrderPayload(order=Order(view=pickup_codes.hand_over(info.context.principal, input.code,
                                                                                  utc_now())))
