"""The checkout's root fields."""
from __future__ import annotations

import strawberry

from chalicelib.checkout import preview as checkout_preview
from chalicelib.checkout.graphql.types import CheckoutPreview
from chalicelib.checkout.rules import MAX_LINES, BuyNow, CheckoutRequest, Pickup
from chalicelib.core.clock import utc_now
from chalicelib.core.errors import ValidationFailed
from chalicelib.core.graphql.context import Ctx
from chalicelib.core.graphql.ids import from_global_id
from chalicelib.orders.published.graphql import OrderSourceInput, source_of


@strawberry.input(description="Buy one SKU now (一键下单), without the cart.")
class BuyNowInput:
    sku_id: strawberry.ID = strawberry.field(description="The `Sku` to buy.")
    quantity: int = strawberry.field(default=1, description="Units: 1 to 99.")


@strawberry.input(description="自提: lines of a community sale round, collected at a leader's pickup point.")
class PickupInput:
    round_id: strawberry.ID = strawberry.field(description="The `CommunityRound` (open: before its cutoff).")
    lines: list[BuyNowInput] = strawberry.field(description="1 to 20 of the round's SKUs, each within its "
                                                            "`perCustomerLimit` (your earlier orders included).")
    leader_id: strawberry.ID | None = strawberry.field(
        default=None, description="A `CommunityLeader` the round serves; null: your chosen leader "
                                  "(`me.communityLeader`).")


@strawberry.input(description="What to check out: the cart's selected lines, `buyNow`, or a round's lines for "
                              "`pickup`.")
class CheckoutInput:
    buy_now: BuyNowInput | None = strawberry.field(
        default=None, description="One SKU straight from the product page; null checks out the cart's selected lines.")
    pickup: PickupInput | None = strawberry.field(
        default=None, description="Order a community round's lines for pickup at a leader's point, at the round's "
                                  "prices, with no shipping fee and no address; paid by the round's cutoff (or "
                                  "your payment window, if sooner), or cancelled.")
    address_id: strawberry.ID | None = strawberry.field(
        default=None, description="An `Address` of yours; null: your default address.")
    coupon_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="`Coupon` ids to use (one per merchant order, one platform coupon); null: the best "
                                  "for you (chosen greedily in the stacking order); an empty list: none.")
    points: int = strawberry.field(default=0, description="Points to use: a multiple of 100, at most `points.max`.")
    source: OrderSourceInput | None = strawberry.field(
        default=None, description="What led to this checkout (the share card or page the buyer came from): placeOrder "
                                  "records it on every order it places (`Order.attribution`); checkoutPreview "
                                  "ignores it. Null: none.")


def checkout_request(input: CheckoutInput) -> CheckoutRequest:
    buy_now = None
    if input.buy_now is not None:
        product_id, sku_id = from_global_id(input.buy_now.sku_id, "Sku", "buyNow.skuId")
        buy_now = BuyNow(product_id, sku_id, input.buy_now.quantity)
    address_id = None if input.address_id is None else from_global_id(input.address_id, "Address", "addressId")[0]
    coupon_ids = None if input.coupon_ids is None else tuple(
        from_global_id(gid, "Coupon", f"couponIds.{i}")[0] for i, gid in enumerate(input.coupon_ids))
    return CheckoutRequest(buy_now=buy_now, address_id=address_id, coupon_ids=coupon_ids, points=input.points,
                           pickup=None if input.pickup is None else _pickup(input.pickup),
                           source=source_of(input.source))


def _pickup(input: PickupInput) -> Pickup:
    if len(input.lines) > MAX_LINES:  # before decoding a long list's ids
        raise ValidationFailed(f"order 1 to {MAX_LINES} of the round's lines", "pickup.lines")
    (round_id,) = from_global_id(input.round_id, "CommunityRound", "pickup.roundId")
    leader_id = None if input.leader_id is None else from_global_id(input.leader_id, "CommunityLeader",
                                                                     "pickup.leaderId")[0]
    lines = []
    for n, line in enumerate(input.lines):
        product_id, sku_id = from_global_id(line.sku_id, "Sku", f"pickup.lines.{n}.skuId")
        lines.append(BuyNow(product_id, sku_id, line.quantity))
    return Pickup(round_id, tuple(lines), leader_id)


@strawberry.type
class CheckoutQuery:
    @strawberry.field(description="Price a checkout before placing it: a breakdown per merchant order and per line, "
                                  "your coupons usable here (best first) and why the others are not. Signed in.")
    def checkout_preview(self, info: Ctx, input: CheckoutInput) -> CheckoutPreview | None:
        return CheckoutPreview(preview=checkout_preview.preview(info.context.principal, checkout_request(input),
                                                                utc_now()))
