"""A checkout's preview (确认订单): what each merchant order would cost, the customer's
coupons usable here and why the others are not. Reads only; nothing is held."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from chalicelib.addresses.published.checkout import ShippingAddress
from chalicelib.checkout import offers, reading
from chalicelib.checkout.config import checkout_terms
from chalicelib.checkout.offers import Chosen, CouponChoice, is_platform
from chalicelib.checkout.pricing import CheckoutPrice, PointsTerms, ShippingRule
from chalicelib.checkout.reading import Basket
from chalicelib.checkout.rules import (
    CheckoutRequest,
    CheckoutTerms,
    Pickup,
    TwoCouponsForOneSlot,
)
from chalicelib.community.published.checkout import PickupOffer, Wanted, pickup_offer
from chalicelib.core.principal import Principal, require_user
from chalicelib.coupons.published.rules import Coupon, CouponUnavailable, why_unusable
from chalicelib.points.published.checkout import InsufficientPoints, get_rules


@dataclass(frozen=True, slots=True)
class Preview:
    basket: Basket
    price: CheckoutPrice
    chosen: Chosen
    coupons: list[CouponChoice]
    address: ShippingAddress | None
    points_available: int
    pickup: PickupOffer | None = None  # an order for pickup: the round and the leader's point (no address)


def preview(principal: Principal | None, request: CheckoutRequest, now: datetime,
            terms: CheckoutTerms | None = None) -> Preview:
    caller = require_user(principal)
    terms = terms or checkout_terms()
    pickup = None
    if request.pickup is not None:
        pickup = pickup_offer(caller.user_id, request.pickup.round_id, request.pickup.leader_id,
                              wanted_of(request.pickup), now)
        basket = reading.pickup_basket(pickup, request.pickup.lines)
        # The round price is the deal: a merchant's 满减 does not stack on it (coupons and points do).
        promotions = {}
    else:
        basket = reading.basket(caller.user_id, request.buy_now)
        promotions = offers.active_promotions(reading.promotions(basket.lines, now), now)
    held = reading.coupons(caller.user_id, now)
    stack = terms.coupons_stack
    chosen = (offers.best_for_me(basket.lines, promotions, held, caller.user_id, now, stack)
              if request.coupon_ids is None else _chosen(request.coupon_ids, held, basket, caller.user_id, now))
    if not stack and chosen.merchant and chosen.platform is not None:
        raise TwoCouponsForOneSlot("merchant coupons and a platform coupon do not stack here: choose one kind",
                                   ("couponIds", chosen.platform.id))
    available = reading.points_available(caller.user_id)
    priced = offers.checkout_price(basket.lines, promotions, chosen, points=request.points,
                                   points_terms=points_terms(),
                                   shipping=lambda merchant: NO_SHIPPING if pickup else shipping(terms))
    if priced.unused_offers:
        coupon_id = next(iter(priced.unused_offers))
        raise CouponUnavailable("this coupon takes nothing off here (below its threshold)", ("couponIds", coupon_id))
    if request.points > available:
        raise InsufficientPoints(f"you have {available} points", "points")
    return Preview(basket, priced, chosen,
                   offers.choices(basket.lines, promotions, held, chosen, caller.user_id, now, stack),
                   None if pickup else reading.address(caller.user_id, request.address_id), available, pickup)


NO_SHIPPING = ShippingRule(0, 0)  # an order for pickup is collected at the leader's point


def wanted_of(pickup: Pickup) -> tuple[Wanted, ...]:
    return tuple(Wanted(line.product_id, line.sku_id, line.quantity) for line in pickup.lines)


def points_terms() -> PointsTerms:
    rules = get_rules()
    return PointsTerms(rules.redeem_points_per_unit, rules.redeem_fen_per_unit, rules.redeem_max_percent)


def shipping(terms: CheckoutTerms) -> ShippingRule:
    return ShippingRule(terms.shipping_fee, terms.free_shipping_from)


def _chosen(coupon_ids: tuple[str, ...], held: list[Coupon], basket: Basket, user_id: str, now: datetime) -> Chosen:
    """The coupons the customer chose, each usable here, one per slot."""
    by_id = {c.id: c for c in held}
    merchant: dict[str, Coupon] = {}
    platform: Coupon | None = None
    lines = [offers.coupon_line(line) for line in basket.lines]
    for coupon_id in coupon_ids:
        coupon = by_id.get(coupon_id)
        if coupon is None:
            raise CouponUnavailable("not one of your usable coupons (used, expired or not yours)",
                                  ("couponIds", coupon_id))
        reason = why_unusable(coupon, user_id, lines, now)
        if reason is not None:
            raise CouponUnavailable(f"this coupon cannot be used here: {reason.value.lower().replace('_', ' ')}",
                                  ("couponIds", coupon_id))
        if is_platform(coupon):
            if platform is not None:
                raise TwoCouponsForOneSlot("at most one platform coupon per checkout", ("couponIds", coupon_id))
            platform = coupon
        else:
            if coupon.terms.merchant_id in merchant:
                raise TwoCouponsForOneSlot("at most one coupon per merchant order", ("couponIds", coupon_id))
            merchant[coupon.terms.merchant_id] = coupon
    return Chosen(merchant, platform)
