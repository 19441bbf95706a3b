"""Points mall (积分商城) types and root fields.

``MallQuery`` and ``MallMutation`` are mixed into the root Query and Mutation;
``user_mall_redemptions`` is ``User.mallRedemptions``; the node resolvers answer
``node(id)`` for the two mall types. Resolvers only translate between GraphQL and
chalicelib.mall.service.
"""
from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import strawberry
from strawberry.dataloader import DataLoader

from chalicelib.catalog.published.graphql import Product, Sku, visible_product
from chalicelib.core.graphql.connection import connection
from chalicelib.core.graphql.context import Ctx, Loaders, loader
from chalicelib.core.graphql.enums import described_enum
from chalicelib.core.graphql.ids import from_global_id, to_global_id
from chalicelib.core.graphql.money import Money
from chalicelib.core.graphql.pagination import BOTH_WAYS, After, Before, First, Last, PageInfo, page_request
from chalicelib.core.graphql.relay import Node, node_resolver
from chalicelib.coupons.published.graphql import Coupon, own_coupon
from chalicelib.mall import rules as domain
from chalicelib.mall import service, store

CURRENCY = "CNY"  # coupon values are fen of the shop's currency

MallItemKind = described_enum(domain.MallItemKind, name="MallItemKind", description="What a mall item gives for points.", values={
    domain.MallItemKind.PRODUCT: "A catalog SKU, shipped to you (`skuId`).",
    domain.MallItemKind.COUPON: "Money off an order (`coupon`): redeeming issues a real coupon (`issuedCoupon`), usable at checkout.",
})
MallRedemptionState = described_enum(domain.RedemptionState, name="MallRedemptionState",
    description="Where a redemption stands.", values={
    domain.RedemptionState.ISSUED: "A coupon you hold: use `couponCode` before `couponExpiresAt`.",
    domain.RedemptionState.TO_SHIP: "A product waiting to be shipped to you.",
})

REDEMPTION_STATUS_TEXT = {
    domain.RedemptionState.ISSUED: "Coupon issued (优惠券已发放)",
    domain.RedemptionState.TO_SHIP: "Redeemed, to ship (已兑换，待发货)",
}


@loader("mall_item")
def _mall_item_loader(loaders: Loaders) -> DataLoader[str, domain.MallItem | None]:
    """The items redemptions point to: a page of redemptions reads them in one BatchGetItem."""
    async def load(ids: list[str]) -> list[domain.MallItem | None]:
        found = store.items_by_id(ids)
        return [found.get(i) for i in ids]

    return DataLoader(load_fn=load)


async def _sku(info: Ctx, product_id: str | None, sku_id: str | None) -> Sku | None:
    if not product_id or not sku_id:
        return None
    product = await visible_product(info, product_id)
    if product is None:
        return None
    skus = await info.context.loaders.skus.load(product.product)
    return next((Sku(sku=s) for s in skus if s.id == sku_id), None)


def _sku_gid(product_id: str | None, sku_id: str | None) -> strawberry.ID | None:
    return strawberry.ID(to_global_id("Sku", product_id, sku_id)) if product_id and sku_id else None


@strawberry.type(description="A coupon's terms. Money in fen, never a float.")
class MallCoupon:
    value: Money = strawberry.field(description="Taken off the order.")
    min_order: Money = strawberry.field(description="The order must be at least this (0: no threshold, 无门槛).")
    valid_days: int = strawberry.field(description="Days a redeemed coupon stays valid.")

    @classmethod
    def of(cls, terms: domain.CouponTerms | None) -> MallCoupon | None:
        if terms is None:
            return None
        return cls(value=Money(amount=terms.value, currency=CURRENCY),
                   min_order=Money(amount=terms.min_order, currency=CURRENCY), valid_days=terms.valid_days)


@strawberry.type(description="Something in the points mall (积分商城): a product or a coupon, for points.")
class MallItem(Node):
    item: strawberry.Private[domain.MallItem]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("MallItem", self.item.id))

    @strawberry.field
    def kind(self) -> MallItemKind:
        return self.item.kind

    @strawberry.field
    def title(self) -> str:
        return self.item.title

    @strawberry.field
    def description(self) -> str:
        return self.item.description

    @strawberry.field
    def image_url(self) -> str | None:
        return self.item.image_url

    @strawberry.field(description="Points one unit costs (points, not money).")
    def points_price(self) -> int:
        return self.item.points_price

    @strawberry.field(description="Units left to redeem.")
    def stock(self) -> int:
        return self.item.stock

    @strawberry.field
    def sold_out(self) -> bool:
        return self.item.sold_out

    @strawberry.field(description="Units redeemed so far.")
    def redeemed_count(self) -> int:
        return self.item.redeemed

    @strawberry.field(description="How many one person may redeem.")
    def per_user_limit(self) -> int:
        return self.item.per_user_limit

    @strawberry.field(description="Only active items are listed and can be redeemed.")
    def active(self) -> bool:
        return self.item.active

    @strawberry.field(description="PRODUCT: the catalog SKU shipped.")
    def sku_id(self) -> strawberry.ID | None:
        return _sku_gid(self.item.product_id, self.item.sku_id)

    @strawberry.field
    async def product(self, info: Ctx) -> Product | None:
        return await visible_product(info, self.item.product_id) if self.item.product_id else None

    @strawberry.field
    async def sku(self, info: Ctx) -> Sku | None:
        return await _sku(info, self.item.product_id, self.item.sku_id)

    @strawberry.field(description="COUPON: its terms.")
    def coupon(self) -> MallCoupon | None:
        return MallCoupon.of(self.item.coupon)

    @strawberry.field
    def created_at(self) -> datetime:
        return self.item.created_at  # type: ignore[return-value]

    @strawberry.field
    def updated_at(self) -> datetime:
        return self.item.updated_at or self.item.created_at  # type: ignore[return-value]


@strawberry.type(description="What you redeemed in the points mall. Only you can see it.")
class MallRedemption(Node):
    redemption: strawberry.Private[domain.Redemption]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("MallRedemption", self.redemption.id))

    @strawberry.field
    def kind(self) -> MallItemKind:
        return self.redemption.kind

    @strawberry.field(description="The item's title when you redeemed it.")
    def title(self) -> str:
        return self.redemption.title

    @strawberry.field(description="Points it took (points, not money).")
    def points(self) -> int:
        return self.redemption.points

    @strawberry.field
    def state(self) -> MallRedemptionState:
        return self.redemption.state

    @strawberry.field(description="What the state means, in English and Chinese.")
    def status_text(self) -> str:
        return REDEMPTION_STATUS_TEXT[self.redemption.state]

    @strawberry.field(description="COUPON: a code for the redemption (support and receipts); checkout takes "
                                  "`issuedCoupon.id`.")
    def coupon_code(self) -> str | None:
        return self.redemption.coupon_code

    @strawberry.field(description="COUPON: the coupon it issued, in `me.coupons`; checkout takes its id.")
    async def issued_coupon(self, info: Ctx) -> Coupon | None:
        coupon_id = self.redemption.coupon_id
        return await own_coupon(info, coupon_id) if coupon_id else None

    @strawberry.field(description="COUPON: its terms when you redeemed it.")
    def coupon(self) -> MallCoupon | None:
        return MallCoupon.of(self.redemption.coupon)

    @strawberry.field(description="COUPON: use it before this.")
    def coupon_expires_at(self) -> datetime | None:
        return self.redemption.coupon_expires_at

    @strawberry.field(description="PRODUCT: the catalog SKU to ship.")
    def sku_id(self) -> strawberry.ID | None:
        return _sku_gid(self.redemption.product_id, self.redemption.sku_id)

    @strawberry.field(description="The item as it is now; null if it no longer exists.")
    async def item(self, info: Ctx) -> MallItem | None:
        found = await info.context.loaders.mall_item.load(self.redemption.item_id)
        return MallItem(item=found) if found else None

    @strawberry.field
    def created_at(self) -> datetime:
        return self.redemption.created_at


@strawberry.type
class MallItemEdge:
    node: MallItem
    cursor: str


@strawberry.type
class MallItemConnection:
    edges: list[MallItemEdge]
    page_info: PageInfo


@strawberry.type
class MallRedemptionEdge:
    node: MallRedemption
    cursor: str


@strawberry.type
class MallRedemptionConnection:
    edges: list[MallRedemptionEdge]
    page_info: PageInfo


ITEMS_SCOPE = "mall-items"


def mall_item_connection(first: int | None, after: str | None, last: int | None = None,
                         before: str | None = None) -> MallItemConnection:
    page = service.active_items(page_request(ITEMS_SCOPE, first, after, last, before))
    return connection(MallItemConnection, MallItemEdge, ITEMS_SCOPE, page, lambda i: MallItem(item=i))


def mall_redemption_connection(info: Ctx, user_id: str, first: int | None, after: str | None,
                               last: int | None = None, before: str | None = None) -> MallRedemptionConnection:
    """The caller's own redemptions, newest first."""
    scope = f"mall-redemptions:{user_id}"
    page = service.redemptions_of(info.context.principal, user_id, page_request(scope, first, after, last, before))
    return connection(MallRedemptionConnection, MallRedemptionEdge, scope, page,
                      lambda r: MallRedemption(redemption=r))


async def user_mall_redemptions(root: Any, info: Ctx, first: int | None = None, after: str | None = None,
                                last: int | None = None, before: str | None = None) -> MallRedemptionConnection:
    """``User.mallRedemptions``: attach with ``strawberry.field(resolver=user_mall_redemptions)``."""
    return mall_redemption_connection(info, root.user.id, first, after, last, before)


@node_resolver("MallItem")
def _mall_item_node(info: Ctx, parts: tuple[str, ...]) -> MallItem | None:
    """Inactive items for operators only."""
    found = service.visible_item(info.context.principal, parts[0])
    return MallItem(item=found) if found else None


@node_resolver("MallRedemption")
def _mall_redemption_node(info: Ctx, parts: tuple[str, ...]) -> MallRedemption | None:
    """Yours only."""
    redemption = service.get_redemption(info.context.principal, parts[0])
    return MallRedemption(redemption=redemption) if redemption else None


# ---------------------------------------------------------------- root fields
@strawberry.type
class MallQuery:
    @strawberry.field(description="The points mall: active items, newest first (sold-out ones too). "
                                  "At most 100 a page." + BOTH_WAYS)
    def mall_items(self, first: First = None, after: After = None, last: Last = None,
                   before: Before = None) -> MallItemConnection | None:
        return mall_item_connection(first, after, last, before)

    @strawberry.field(description="A mall item by id; inactive ones for operators only.")
    def mall_item(self, info: Ctx, id: Annotated[strawberry.ID, strawberry.argument(
            description="The `MallItem` id.")]) -> MallItem | None:
        (item_id,) = from_global_id(id, "MallItem")
        found = service.visible_item(info.context.principal, item_id)
        return MallItem(item=found) if found else None
