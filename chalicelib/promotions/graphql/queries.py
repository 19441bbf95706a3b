"""Promotion root fields, mixed into Query."""
from __future__ import annotations

from typing import Annotated

import strawberry

from chalicelib.core.clock import utc_now
from chalicelib.core.graphql.ids import from_global_id
from chalicelib.promotions import service
from chalicelib.promotions.graphql.types import Promotion


@strawberry.type
class PromotionQuery:
    @strawberry.field(description="A merchant's running promotions (storefront badges), oldest first.")
    def promotions(self, merchant_id: Annotated[strawberry.ID, strawberry.argument(
            description="The merchant's `User` id.")]) -> list[Promotion] | None:
        (merchant,) = from_global_id(merchant_id, "User", "merchantId")
        return [Promotion(promotion=p) for p in service.active_promotions(merchant, utc_now())]
