"""Assist mutations, mixed into Mutation: create a campaign (operators, merchants), start one
(customers), assist a friend. Resolvers only translate between GraphQL and chalicelib.assists.service."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from chalicelib.assists import rules as domain
from chalicelib.assists import service
from chalicelib.assists.graphql.types import AssistCampaign, AssistInstance
from chalicelib.core.clock import accept, utc_now
from chalicelib.core.graphql.context import Ctx
from chalicelib.core.graphql.errors import UserError, payload_errors
from chalicelib.core.graphql.ids import from_global_id


@strawberry.input(description="A reward tier: this many assists earn one coupon of the template.")
class AssistTierInput:
    assists: int = strawberry.field(description=f"1 to {domain.MAX_ASSISTS}, more than the tier before.")
    coupon_template_id: strawberry.ID = strawberry.field(
        description="A `CouponTemplate` (a merchant: its own); its terms and validity are copied now, its total is "
                    "not drawn on.")


@strawberry.input(description="An assist campaign on a product.")
class CreateAssistCampaignInput:
    product_id: strawberry.ID = strawberry.field(description="The `Product` (a merchant: its own).")
    title: str = strawberry.field(description="1 to 40 characters.")
    tiers: list[AssistTierInput] = strawberry.field(description=f"1 to {domain.MAX_TIERS} tiers, increasing.")
    ends_at: datetime = strawberry.field(description="Assists are refused from this instant on; in the future.")
    new_users_only: bool = strawberry.field(
        default=False, description="Only accounts created after the campaign started may assist; otherwise their "
                                   "assists are accepted and flagged.")
    daily_limit: int = strawberry.field(
        default=domain.DEFAULT_DAILY_LIMIT,
        description=f"Assists a helper may make a China calendar day across campaigns: 1 to {domain.MAX_DAILY_LIMIT}.")


@strawberry.input(description="The campaign to start.")
class StartAssistInput:
    campaign_id: strawberry.ID = strawberry.field(description="The `AssistCampaign` id.")


@strawberry.input(description="The friend's campaign to assist.")
class AssistInput:
    share_code: str = strawberry.field(description="The share code from the friend's card.")


@strawberry.type(description="The campaign made, or why not.")
class CreateAssistCampaignPayload:
    assist_campaign: AssistCampaign | None = strawberry.field(default=None, description="The campaign.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Why it was refused; empty on success.")


@strawberry.type(description="Your instance of the campaign, or why not.")
class StartAssistPayload:
    assist_instance: AssistInstance | None = strawberry.field(
        default=None, description="Yours (the same one if you started it before): share its `shareCode`.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Why it was refused; empty on success.")


@strawberry.type(description="The friend's progress after your assist, or why it was refused.")
class AssistPayload:
    assist_instance: AssistInstance | None = strawberry.field(default=None, description="The progress, as now.")
    reached_tier: bool = strawberry.field(default=False, description="Your assist reached a tier: your friend got "
                                                                     "its coupon.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Why it was refused; empty on success.")


@strawberry.type
class AssistMutation:
    @strawberry.mutation(description="Operators: an assist campaign on any product. Merchants: on your own.")
    @payload_errors(CreateAssistCampaignPayload)
    def create_assist_campaign(self, info: Ctx, input: Annotated[CreateAssistCampaignInput, strawberry.argument(
            description="The campaign.")]) -> CreateAssistCampaignPayload | None:
        (product_id,) = from_global_id(input.product_id, "Product", "productId")
        tiers = tuple((t.assists, from_global_id(t.coupon_template_id, "CouponTemplate", f"tiers.{n}.templateId")[0])
                      for n, t in enumerate(input.tiers))
        campaign = service.create_campaign(info.context.principal, service.NewCampaign(
            product_id=product_id, title=input.title, tiers=tiers, ends_at=accept(input.ends_at, "endsAt"),
            new_users_only=input.new_users_only, daily_limit=input.daily_limit), utc_now())
        return CreateAssistCampaignPayload(assist_campaign=AssistCampaign(campaign=campaign))

    @strawberry.mutation(description="Start a campaign (发起助力): once per campaign; starting again returns yours.")
    @payload_errors(StartAssistPayload)
    def start_assist(self, info: Ctx, input: Annotated[StartAssistInput, strawberry.argument(
            description="The campaign.")]) -> StartAssistPayload | None:
        (campaign_id,) = from_global_id(input.campaign_id, "AssistCampaign", "campaignId")
        instance = service.start(info.context.principal, campaign_id, utc_now())
        return StartAssistPayload(assist_instance=AssistInstance(instance=instance))

    @strawberry.mutation(description="Assist a friend (助力): once per friend's campaign, never your own, at most the "
                                     "campaign's daily limit a China day (LIMIT_REACHED), before it ends.")
    @payload_errors(AssistPayload)
    def assist(self, info: Ctx, input: Annotated[AssistInput, strawberry.argument(
            description="The share code.")]) -> AssistPayload | None:
        done = service.assist(info.context.principal, input.share_code, utc_now())
        return AssistPayload(assist_instance=AssistInstance(instance=done.instance),
                             reached_tier=done.reward_coupon_id is not None)
