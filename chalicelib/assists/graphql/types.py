"""Friend assist (助力) types, the instances' connection and node resolvers. Resolvers only
translate between GraphQL and chalicelib.assists.service."""
from __future__ import annotations

from datetime import datetime

import strawberry

from chalicelib.assists import rules as domain
from chalicelib.assists import service
from chalicelib.catalog.published.graphql import Product
from chalicelib.core.clock import utc_now
from chalicelib.core.graphql.connection import connection
from chalicelib.core.graphql.context import Ctx
from chalicelib.core.graphql.ids import to_global_id
from chalicelib.core.graphql.pagination import PageInfo, page_request
from chalicelib.core.graphql.relay import Node, node_resolver
from chalicelib.core.principal import Role


@strawberry.type(description="A reward tier: this many assists earn the starter one coupon.")
class AssistTier:
    tier: strawberry.Private[domain.Tier]

    @strawberry.field(description="Assists that reach this tier.")
    def assists(self) -> int:
        return self.tier.assists

    @strawberry.field(description="The reward coupon's title.")
    def reward_title(self) -> str:
        return self.tier.title

    @strawberry.field(description="The `CouponTemplate` whose terms and validity the reward copies.")
    def coupon_template_id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("CouponTemplate", self.tier.template_id))


@strawberry.type(description="An assist campaign (助力) on a product: friends' assists earn the starter coupons.")
class AssistCampaign(Node):
    campaign: strawberry.Private[domain.Campaign]

    @strawberry.field(description="Its global id; `startAssist` takes it.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("AssistCampaign", self.campaign.id))

    @strawberry.field(description="What the campaign is called.")
    def title(self) -> str:
        return self.campaign.title

    @strawberry.field(description="The product; null when it is not on sale to you.")
    async def product(self, info: Ctx) -> Product | None:
        found = await info.context.loaders.product.load(self.campaign.product_id)
        return Product(product=found) if found is not None and found.is_visible_to_customers else None

    @strawberry.field(description="The reward tiers, fewest assists first.")
    def tiers(self) -> list[AssistTier]:
        return [AssistTier(tier=t) for t in self.campaign.tiers]

    @strawberry.field(description="When it started: accounts created from then on are new users.")
    def starts_at(self) -> datetime:
        return self.campaign.starts_at

    @strawberry.field(description="Assists are refused from this instant on.")
    def ends_at(self) -> datetime:
        return self.campaign.ends_at

    @strawberry.field(description="Only accounts created after the campaign started may assist (otherwise their "
                                  "assists are accepted and flagged for review).")
    def new_users_only(self) -> bool:
        return self.campaign.new_users_only

    @strawberry.field(description="Assists one helper may make a China calendar day, across all campaigns.")
    def daily_limit(self) -> int:
        return self.campaign.daily_limit

    @strawberry.field(description="Whether it takes starts and assists now.")
    def open(self) -> bool:
        return self.campaign.open_at(utc_now())


@strawberry.type(description="A customer's start of an assist campaign, found by its share code. Public progress "
                             "only: never who assisted.")
class AssistInstance(Node):
    instance: strawberry.Private[domain.Instance]

    @strawberry.field(description="Its global id.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("AssistInstance", self.instance.code))

    @strawberry.field(description="16 characters for the share card and a mini-program `scene`; `assist` takes it.")
    def share_code(self) -> str:
        return self.instance.code

    @strawberry.field(description="The campaign (its rules as the instance copied them at start: no extra read).")
    def campaign(self) -> AssistCampaign:
        return AssistCampaign(campaign=self.instance.rules)

    @strawberry.field(description="Assists accepted so far.")
    def assist_count(self) -> int:
        return self.instance.count

    @strawberry.field(description="The tiers reached (each rewarded once, in the assist that reached it).")
    def tiers_reached(self) -> list[AssistTier]:
        return [AssistTier(tier=t) for t in self.instance.tiers_reached]

    @strawberry.field(description="Assists still needed for the next tier; 0 once every tier is reached.")
    def assists_to_next_tier(self) -> int:
        nxt = next((t for t in self.instance.rules.tiers if t.assists > self.instance.count), None)
        return nxt.assists - self.instance.count if nxt else 0

    @strawberry.field(description="When it was started.")
    def started_at(self) -> datetime:
        return self.instance.started_at

    @strawberry.field(description="For review: how many of its assists came from accounts created after the "
                                  "campaign started (a helper may be the starter's second account). The campaign's "
                                  "merchant and operators only; null for anyone else.")
    def flagged_assists(self, info: Ctx) -> int | None:
        principal = info.context.principal
        if principal is None or not (principal.role is Role.OPERATOR or (
                principal.role is Role.MERCHANT and principal.user_id == self.instance.rules.merchant_id)):
            return None
        return self.instance.flagged

    @strawberry.field(description="True for its starter (the caller).")
    def mine(self, info: Ctx) -> bool:
        principal = info.context.principal
        return principal is not None and principal.user_id == self.instance.starter_id


@strawberry.type(description="One assist campaign you started, with its cursor.")
class AssistInstanceEdge:
    node: AssistInstance = strawberry.field(description="Your instance.")
    cursor: str = strawberry.field(description="Resume after it.")


@strawberry.type(description="A page of the assist campaigns you started.")
class AssistInstanceConnection:
    edges: list[AssistInstanceEdge] = strawberry.field(description="The instances of this page.")
    page_info: PageInfo = strawberry.field(description="Where the next page starts.")


def instance_connection(info: Ctx, user_id: str, first: int | None, after: str | None, last: int | None,
                        before: str | None) -> AssistInstanceConnection:
    scope = f"assists:{user_id}"
    page = service.my_instances(info.context.principal, page_request(scope, first, after, last, before),
                                user_id=user_id)
    return connection(AssistInstanceConnection, AssistInstanceEdge, scope, page, lambda i: AssistInstance(instance=i))


@node_resolver("AssistCampaign")
def _campaign_node(info: Ctx, parts: tuple[str, ...]) -> AssistCampaign | None:
    found = service.get_campaign(parts[0])
    return AssistCampaign(campaign=found) if found else None


@node_resolver("AssistInstance")
def _instance_node(info: Ctx, parts: tuple[str, ...]) -> AssistInstance | None:
    """Public progress, as by its share code."""
    found = service.instance_by_code(parts[0])
    return AssistInstance(instance=found) if found else None
