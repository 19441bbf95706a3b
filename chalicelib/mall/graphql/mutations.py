"""Points mall mutations (operators' items, customers' redemptions), mixed into Mutation.
Resolvers only translate between GraphQL and chalicelib.mall.service."""
from __future__ import annotations

from typing import Annotated

import strawberry

from chalicelib.core.clock import utc_now
from chalicelib.core.graphql.context import Ctx
from chalicelib.core.graphql.errors import UserError, payload_errors
from chalicelib.core.graphql.ids import from_global_id
from chalicelib.mall import rules as domain
from chalicelib.mall import service
from chalicelib.mall.graphql.types import MallItem, MallItemKind, MallRedemption


@strawberry.input(description="A coupon's terms; money in fen.")
class MallCouponInput:
    value: int = strawberry.field(description=f"Fen (CNY) off the order: 1 to {domain.MAX_COUPON_FEN}.")
    min_order: int = strawberry.field(
        default=0, description=f"Fen (CNY) the order must reach: 0 (no threshold) to {domain.MAX_MIN_ORDER_FEN}.")
    valid_days: int = strawberry.field(
        default=30, description=f"Days a redeemed coupon stays valid: 1 to {domain.MAX_VALID_DAYS}.")


@strawberry.input
class CreateMallItemInput:
    kind: MallItemKind = strawberry.field(description="PRODUCT needs skuId; COUPON needs coupon.")
    title: str = strawberry.field(description=f"1 to {domain.MAX_TITLE} characters.")
    points_price: int = strawberry.field(
        description=f"Points (not money) one unit costs: 1 to {domain.MAX_POINTS_PRICE}.")
    stock: int = strawberry.field(description=f"Units that can be redeemed: 0 to {domain.MAX_STOCK}.")
    description: str = strawberry.field(default="", description=f"At most {domain.MAX_DESCRIPTION} characters.")
    image_url: str | None = strawberry.field(default=None, description="https only.")
    per_user_limit: int = strawberry.field(
        default=1, description=f"How many units one person may redeem: 1 to {domain.MAX_PER_USER_LIMIT}.")
    active: bool = strawberry.field(default=False, description="Listed and redeemable from now on.")
    sku_id: strawberry.ID | None = strawberry.field(default=None, description="PRODUCT: the catalog SKU shipped.")
    coupon: MallCouponInput | None = strawberry.field(default=None, description="COUPON: its terms.")


@strawberry.input(description="Only the terms given change.")
class MallCouponChangesInput:
    value: int | None = strawberry.field(default=None, description="Fen (CNY) off the order, as in MallCouponInput.")
    min_order: int | None = strawberry.field(default=None, description="Fen (CNY) the order must reach; 0: none.")
    valid_days: int | None = strawberry.field(default=None, description="Days a coupon redeemed from now on stays "
                                                                        "valid.")


@strawberry.input(description="Only the fields given change.")
class UpdateMallItemInput:
    id: strawberry.ID = strawberry.field(description="The `MallItem` id.")
    title: str | None = strawberry.field(default=None, description=f"1 to {domain.MAX_TITLE} characters.")
    description: str | None = strawberry.field(default=None,
                                               description=f"At most {domain.MAX_DESCRIPTION} characters.")
    image_url: str | None = strawberry.field(default=None, description="An empty string removes the image.")
    points_price: int | None = strawberry.field(
        default=None, description="Points (not money) one unit costs from now on; redemptions keep their price.")
    stock: int | None = strawberry.field(default=None, description="Units that can be redeemed from now on.")
    per_user_limit: int | None = strawberry.field(
        default=None, description=f"How many units one person may redeem: 1 to {domain.MAX_PER_USER_LIMIT}.")
    active: bool | None = strawberry.field(default=None, description="false takes it out of the mall at once.")
    sku_id: strawberry.ID | None = strawberry.field(default=None, description="PRODUCT: the `Sku` id to ship.")
    coupon: MallCouponChangesInput | None = strawberry.field(default=None, description="COUPON: terms to change.")


@strawberry.input
class RedeemMallItemInput:
    item_id: strawberry.ID = strawberry.field(description="The `MallItem` id.")
    idempotency_key: str = strawberry.field(
        description="8-64 characters; retry with the same key: redeemed once, charged once (kept 24 h).")


@strawberry.type
class MallItemPayload:
    mall_item: MallItem | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class RedeemMallItemPayload:
    redemption: MallRedemption | None = None
    replayed: bool = strawberry.field(default=False, description="True: this key redeemed before; nothing more "
                                                                  "was taken.")
    errors: list[UserError] = strawberry.field(default_factory=list)


def _sku_of(sku_gid: strawberry.ID | None) -> tuple[str | None, str | None]:
    if sku_gid is None:
        return None, None
    product_id, sku_id = from_global_id(sku_gid, "Sku", "skuId")
    return product_id, sku_id


@strawberry.type
class MallMutation:
    @strawberry.mutation(description="Operators: put a product or a coupon in the points mall.")
    @payload_errors(MallItemPayload)
    def create_mall_item(self, info: Ctx, input: Annotated[CreateMallItemInput, strawberry.argument(
            description="The new item; inactive unless active: true.")]) -> MallItemPayload | None:
        product_id, sku_id = _sku_of(input.sku_id)
        coupon = None if input.coupon is None else domain.CouponTerms(input.coupon.value, input.coupon.min_order,
                                                                      input.coupon.valid_days)
        new = service.NewMallItem(
            kind=input.kind, title=input.title, points_price=input.points_price, stock=input.stock,
            description=input.description, image_url=input.image_url, per_user_limit=input.per_user_limit,
            active=input.active, product_id=product_id, sku_id=sku_id, coupon=coupon,
        )
        return MallItemPayload(mall_item=MallItem(item=service.create_item(info.context.principal, new, utc_now())))

    @strawberry.mutation(description="Operators: change an item, or take it out of the mall (active: false).")
    @payload_errors(MallItemPayload)
    def update_mall_item(self, info: Ctx, input: Annotated[UpdateMallItemInput, strawberry.argument(
            description="The item and the fields to change.")]) -> MallItemPayload | None:
        (item_id,) = from_global_id(input.id, "MallItem")
        product_id, sku_id = _sku_of(input.sku_id)
        coupon = input.coupon or MallCouponChangesInput()
        changes = domain.MallItemChanges(
            title=input.title, description=input.description, image_url=input.image_url,
            points_price=input.points_price, stock=input.stock, per_user_limit=input.per_user_limit,
            active=input.active, product_id=product_id, sku_id=sku_id, coupon_value=coupon.value,
            coupon_min_order=coupon.min_order, coupon_valid_days=coupon.valid_days,
        )
        item = service.update_item(info.context.principal, item_id, changes, utc_now())
        return MallItemPayload(mall_item=MallItem(item=item))

    @strawberry.mutation(description="Redeem one unit of an item with your points.")
    @payload_errors(RedeemMallItemPayload)
    def redeem_mall_item(self, info: Ctx, input: Annotated[RedeemMallItemInput, strawberry.argument(
            description="The item and your idempotency key.")]) -> RedeemMallItemPayload | None:
        (item_id,) = from_global_id(input.item_id, "MallItem", "itemId")
        outcome = service.redeem(info.context.principal, item_id, input.idempotency_key, utc_now())
        return RedeemMallItemPayload(redemption=MallRedemption(redemption=outcome.redemption),
                                     replayed=outcome.replayed)
