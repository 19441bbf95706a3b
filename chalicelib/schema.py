"""The one schema: it only assembles what the features export (as Saleor's graphql/api.py does).

A new feature adds its query and mutation mixins here and lists its node types;
its User fields, node resolvers and loaders register themselves when its GraphQL
modules are imported below.
"""
from __future__ import annotations

from functools import lru_cache

import strawberry

import chalicelib.addresses.graphql.user_fields
import chalicelib.aftersales.graphql.order_fields
import chalicelib.aftersales.graphql.queries
import chalicelib.assists.graphql.user_fields
import chalicelib.attribution.graphql.types

# Features add fields to other features' types (User, Product, the profile update's payload) when these
# modules are imported.
import chalicelib.cart.graphql.user_fields
import chalicelib.catalog.graphql.user_fields
import chalicelib.checkout.graphql.orders
import chalicelib.commissions.graphql.user_fields
import chalicelib.community.graphql.order_fields
import chalicelib.community.graphql.rounds
import chalicelib.coupons.graphql.user_fields
import chalicelib.distribution.graphql.user_fields
import chalicelib.feeds.graphql.product_fields
import chalicelib.feeds.graphql.profile_fields
import chalicelib.fulfilment.graphql.queries
import chalicelib.fulfilment.graphql.types
import chalicelib.groupbuy.graphql.user_fields
import chalicelib.mall.graphql.user_fields
import chalicelib.orders.graphql.queries
import chalicelib.orders.graphql.user_fields
import chalicelib.points.graphql.user_fields
import chalicelib.promotions.graphql.product_fields
import chalicelib.referrals.graphql.user_fields  # noqa: F401
from chalicelib.accounts.graphql.mutations import AccountMutations
from chalicelib.accounts.graphql.queries import AccountQueries
from chalicelib.accounts.profile import register_text_screen
from chalicelib.accounts.published.users import get_user
from chalicelib.addresses.graphql.mutations import AddressMutation
from chalicelib.addresses.graphql.types import Address
from chalicelib.aftersales.graphql.mutations import AfterSalesMutation
from chalicelib.aftersales.graphql.queries import AfterSalesQuery
from chalicelib.aftersales.graphql.types import AfterSalesRequest
from chalicelib.assists.graphql.mutations import AssistMutation
from chalicelib.assists.graphql.queries import AssistQuery
from chalicelib.assists.graphql.types import AssistCampaign, AssistInstance
from chalicelib.cart.graphql.mutations import CartMutation
from chalicelib.cart.graphql.types import Cart, CartLine
from chalicelib.catalog.graphql.mutations import CatalogMutations
from chalicelib.catalog.graphql.queries import CatalogQueries
from chalicelib.catalog.graphql.types import Category, Product, Sku
from chalicelib.checkout.graphql.mutations import CheckoutMutation
from chalicelib.checkout.graphql.operators import CheckoutOperatorMutation, CheckoutOperatorQuery
from chalicelib.checkout.graphql.orders import Payment
from chalicelib.checkout.graphql.queries import CheckoutQuery
from chalicelib.checkout.graphql.sharing import SharingMutation, SharingQuery
from chalicelib.commissions.graphql.mutations import CommissionMutation, CommissionQuery
from chalicelib.community.graphql.batches import CommunityBatchMutation, CommunityBatchQuery
from chalicelib.community.graphql.leaders import CommunityLeader, CommunityLeaderMutation, CommunityLeaderQuery
from chalicelib.community.graphql.pick_lists import CommunityPickListQuery
from chalicelib.community.graphql.pickup import CommunityPickupMutation
from chalicelib.community.graphql.rounds import CommunityRound, CommunityRoundMutation, CommunityRoundQuery
from chalicelib.core.authentication import register_user_reader
from chalicelib.core.graphql.relay import NodeQueries
from chalicelib.core.graphql.schema import assemble_schema
from chalicelib.core.settings import Settings, settings
from chalicelib.coupons.graphql.mutations import CouponMutation
from chalicelib.coupons.graphql.queries import CouponQuery
from chalicelib.coupons.graphql.types import Coupon, CouponTemplate
from chalicelib.distribution.graphql.mutations import DistributionMutation, DistributionQuery
from chalicelib.feeds.graphql.mutations import FeedMutation, FeedQuery
from chalicelib.feeds.graphql.types import Author, Post
from chalicelib.feeds.moderation import screen as screen_text
from chalicelib.fulfilment.graphql.mutations import FulfilmentMutation
from chalicelib.fulfilment.graphql.queries import FulfilmentQuery
from chalicelib.groupbuy.graphql.mutations import GroupBuyMutation
from chalicelib.groupbuy.graphql.queries import GroupBuyQuery
from chalicelib.groupbuy.graphql.types import Deal, Team
from chalicelib.mall.graphql.mutations import MallMutation
from chalicelib.mall.graphql.types import MallItem, MallQuery, MallRedemption
from chalicelib.orders.graphql.types import Order
from chalicelib.points.graphql.mutations import PointsMutation, PointsQuery
from chalicelib.promotions.graphql.mutations import PromotionMutation
from chalicelib.promotions.graphql.queries import PromotionQuery
from chalicelib.promotions.graphql.types import Promotion
from chalicelib.referrals.graphql.rule import ReferralMutation, ReferralQuery

# Every authenticated request reads its user (role from the table, not the token).
register_user_reader(get_user)
# Display names are screened with feeds' word list (accounts cannot import feeds: feeds uses accounts).
register_text_screen(screen_text)


@strawberry.type
class Query(NodeQueries, CatalogQueries, AccountQueries, GroupBuyQuery, PointsQuery, MallQuery, FeedQuery, CouponQuery,
            PromotionQuery, CheckoutQuery, SharingQuery, CheckoutOperatorQuery, AfterSalesQuery, FulfilmentQuery,
            CommunityRoundQuery, CommunityLeaderQuery, CommunityPickListQuery, CommunityBatchQuery, CommissionQuery,
            AssistQuery, ReferralQuery, DistributionQuery):
    pass


@strawberry.type
class Mutation(AccountMutations, CatalogMutations, GroupBuyMutation, PointsMutation, MallMutation, FeedMutation,
               CartMutation, AddressMutation, CouponMutation, PromotionMutation, CheckoutMutation,
               SharingMutation, CheckoutOperatorMutation, AfterSalesMutation, FulfilmentMutation,
               CommunityRoundMutation, CommunityLeaderMutation, CommunityPickupMutation, CommunityBatchMutation,
               CommissionMutation, AssistMutation, ReferralMutation, DistributionMutation):
    pass


# Types reachable only through the Node interface must be listed.
NODE_TYPES = [Product, Sku, Category, Deal, Team, Order, MallItem, MallRedemption, Post, Author, Cart,
              CartLine, Address, Coupon, CouponTemplate, Promotion, Payment, AfterSalesRequest, CommunityRound,
              CommunityLeader, AssistCampaign, AssistInstance]


def build_schema(config: Settings) -> strawberry.Schema:
    return assemble_schema(config, Query, Mutation, NODE_TYPES)


@lru_cache(maxsize=1)
def schema() -> strawberry.Schema:
    return build_schema(settings())
