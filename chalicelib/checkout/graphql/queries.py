"""The checkout's root fields."""
from __future__ import annotations

import strawberry

from chalicelib.checkout import preview as checkout_preview
from chalicelib.checkout.graphql.types import CheckoutPreview
from chalicelib.checkout.rules import BuyNow, CheckoutRequest
from chalicelib.core.clock import utc_now
from chalicelib.core.graphql.context import Ctx
from chalicelib.core.graphql.ids import from_global_id


@strawberry.input(description="Buy one SKU now (一键下单), without the cart.")
class BuyNowInput:
    sku_id: strawberry.ID = strawberry.field(description="The `Sku` to buy.")
    quantity: int = strawberry.field(default=1, description="Units: 1 to 99.")


@strawberry.input(description="What to check out: the cart's selected lines, or `buyNow`.")
class CheckoutInput:
    buy_now: BuyNowInput | None = strawberry.field(
        default=None, description="One SKU straight from the product page; null checks out the cart's selected lines.")
    address_id: strawberry.ID | None = strawberry.field(
        default=None, description="An `Address` of yours; null: your default address.")
    coupon_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="`Coupon` ids to use (one per merchant order, one platform coupon); null: the best "
                                  "for you (chosen greedily in the stacking order); an empty list: none.")
    points: int = strawberry.field(default=0, description="Points to use: a multiple of 100, at most `points.max`.")


def checkout_request(input: CheckoutInput) -> CheckoutRequest:
    buy_now = None
    if input.buy_now is not None:
        product_id, sku_id = from_global_id(input.buy_now.sku_id, "Sku", "buyNow.skuId")
        buy_now = BuyNow(product_id, sku_id, input.buy_now.quantity)
    address_id = None if input.address_id is None else from_global_id(input.address_id, "Address", "addressId")[0]
    coupon_ids = None if input.coupon_ids is None else tuple(
        from_global_id(gid, "Coupon", f"couponIds.{i}")[0] for i, gid in enumerate(input.coupon_ids))
    return CheckoutRequest(buy_now=buy_now, address_id=address_id, coupon_ids=coupon_ids, points=input.points)


@strawberry.type
class CheckoutQuery:
    @strawberry.field(description="Price a checkout before placing it: a breakdown per merchant order and per line, "
                                  "your coupons usable here (best first) and why the others are not. Signed in.")
    def checkout_preview(self, info: Ctx, input: CheckoutInput) -> CheckoutPreview | None:
        return CheckoutPreview(preview=checkout_preview.preview(info.context.principal, checkout_request(input),
                                                                utc_now()))
