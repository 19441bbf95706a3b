"""Promotion mutations (merchants' own, operators' for any merchant), mixed into Mutation.
Resolvers only translate between GraphQL and chalicelib.promotions.service."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from chalicelib.core.clock import utc_now
from chalicelib.core.errors import InvalidId
from chalicelib.core.graphql.context import Ctx
from chalicelib.core.graphql.errors import UserError, payload_errors
from chalicelib.core.graphql.ids import from_global_id
from chalicelib.promotions import rules as domain
from chalicelib.promotions import service
from chalicelib.promotions.graphql.types import Promotion


@strawberry.input(description="满 `threshold` 减 `amountOff`; money in fen.")
class PromotionTierInput:
    threshold: int = strawberry.field(
        description=f"Fen (CNY) the covered products of one order must reach: 2 to {domain.MAX_THRESHOLD}; "
                    "higher than the tier before.")
    amount_off: int = strawberry.field(
        description="Fen (CNY) taken off: at least 1, less than the threshold, not less than the tier before.")


@strawberry.input
class CreatePromotionInput:
    title: str = strawberry.field(description=f"1 to {domain.MAX_TITLE} characters, e.g. 夏日满减.")
    tiers: list[PromotionTierInput] = strawberry.field(
        description=f"{domain.MIN_TIERS} to {domain.MAX_TIERS} tiers, lowest threshold first.")
    starts_at: datetime = strawberry.field(description="When it starts, with its offset.")
    ends_at: datetime = strawberry.field(
        description=f"When it ends, with its offset: after startsAt and now, at most {domain.MAX_DURATION.days} "
                    "days after startsAt.")
    product_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description=f"Your `Product` ids it covers (at most {domain.MAX_PRODUCTS}); omit or leave "
                                  "empty for all your products.")
    merchant_id: strawberry.ID | None = strawberry.field(
        default=None, description="Operators: the merchant's `User` id. Merchants: omit it (or give their own).")
    idempotency_key: str | None = strawberry.field(
        default=None, description="8-64 characters; a retry with the same key while the promotion is running or "
                                  "upcoming answers with it and creates no other.")


@strawberry.input
class EndPromotionInput:
    promotion_id: strawberry.ID = strawberry.field(description="The `Promotion` id.")


@strawberry.type
class PromotionPayload:
    promotion: Promotion | None = strawberry.field(default=None, description="The promotion as it is now.")
    replayed: bool = strawberry.field(default=False, description="True: this idempotency key created it before; "
                                                                  "nothing more was created.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Why nothing changed.")


@strawberry.type
class PromotionMutation:
    @strawberry.mutation(description="Merchants (their own) and operators: start a 满减 promotion. "
                                     f"At most {domain.MAX_PROMOTIONS} running or upcoming a merchant.")
    @payload_errors(PromotionPayload)
    def create_promotion(self, info: Ctx, input: Annotated[CreatePromotionInput, strawberry.argument(
            description="The promotion.")]) -> PromotionPayload | None:
        merchant = from_global_id(input.merchant_id, "User", "merchantId")[0] if input.merchant_id else None
        product_ids = tuple(from_global_id(gid, "Product", f"productIds.{i}")[0]
                            for i, gid in enumerate(input.product_ids or ()))
        new = service.NewPromotion(
            title=input.title, tiers=tuple(domain.Tier(t.threshold, t.amount_off) for t in input.tiers),
            starts_at=input.starts_at, ends_at=input.ends_at, product_ids=product_ids,
        )
        outcome = service.create_promotion(info.context.principal, merchant, new, utc_now(), input.idempotency_key)
        return PromotionPayload(promotion=Promotion(promotion=outcome.promotion), replayed=outcome.replayed)

    @strawberry.mutation(description="Merchants (their own) and operators: end a promotion now, or call off an "
                                     "upcoming one. Orders placed from now on do not get it.")
    @payload_errors(PromotionPayload)
    def end_promotion(self, info: Ctx, input: Annotated[EndPromotionInput, strawberry.argument(
            description="The promotion to end.")]) -> PromotionPayload | None:
        parts = from_global_id(input.promotion_id, "Promotion", "promotionId")
        if len(parts) != 2:
            raise InvalidId("not a valid id", "promotionId")
        merchant, promotion_id = parts
        ended = service.end_promotion(info.context.principal, merchant, promotion_id, utc_now())
        return PromotionPayload(promotion=Promotion(promotion=ended))
