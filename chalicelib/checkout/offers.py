"""Promotions and coupons as the pricing sees them (``pricing.Offer``), and the choice of
coupons "best for me". Pure: the promotion and coupon rules are those features' own."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from chalicelib.checkout.pricing import CheckoutPrice, Line, Offer, price
from chalicelib.coupons.published.rules import Coupon, CouponLine, Unusable, discount, eligible_lines, why_unusable
from chalicelib.promotions.published.rules import Promotion, is_active, promotion_discount


def promotion_offer(promotion: Promotion) -> Offer:
    def covers(line: Line) -> bool:
        return line.merchant_id == promotion.merchant_id and (
            not promotion.product_ids or line.product_id in promotion.product_ids)

    return Offer(promotion.id, covers, lambda eligible: promotion_discount(promotion, eligible))


def coupon_line(line: Line, amount: int | None = None) -> CouponLine:
    return CouponLine(line.sku_id, line.merchant_id, line.product_id, line.category_id,
                      line.items if amount is None else amount)


def coupon_offer(coupon: Coupon) -> Offer:
    def covers(line: Line) -> bool:
        return bool(eligible_lines(coupon.terms, [coupon_line(line)]))

    return Offer(coupon.id, covers, lambda eligible: discount(coupon.terms, eligible))


def is_platform(coupon: Coupon) -> bool:
    return coupon.terms.merchant_id is None


@dataclass(frozen=True, slots=True)
class Chosen:
    """Coupons for a checkout: one per merchant order at most, one platform coupon at most."""

    merchant: dict[str, Coupon]
    platform: Coupon | None

    @property
    def ids(self) -> list[str]:
        return [c.id for c in self.merchant.values()] + ([self.platform.id] if self.platform else [])


@dataclass(frozen=True, slots=True)
class CouponChoice:
    """One of the customer's coupons at this checkout: what it would take off, or why not."""

    coupon: Coupon
    discount: int
    unusable: Unusable | None
    chosen: bool


def active_promotions(promotions: dict[str, Sequence[Promotion]], now: datetime) -> dict[str, list[Offer]]:
    return {m: [promotion_offer(p) for p in ps if is_active(p, now)] for m, ps in promotions.items()}


def checkout_price(lines: Sequence[Line], promotions: dict[str, list[Offer]], chosen: Chosen, **rest) -> CheckoutPrice:
    return price(lines, promotions=promotions, merchant_coupons={m: coupon_offer(c) for m, c in chosen.merchant.items()},
                 platform_coupon=coupon_offer(chosen.platform) if chosen.platform else None, **rest)


def best_for_me(lines: Sequence[Line], promotions: dict[str, list[Offer]], coupons: Sequence[Coupon],
                user_id: str, now: datetime, stack: bool = True) -> Chosen:
    """Greedy, in the stacking order: for each merchant order the merchant coupon taking
    most off what its promotion left; then the platform coupon taking most off what is
    left. Ties go to the coupon that expires first (then the lower id), so a coupon about
    to lapse is used before one that keeps. Not a global optimum when a platform coupon's
    threshold is only met without a merchant coupon: say so in the API description.

    Without ``stack`` (a shop whose coupons do not stack), the better of the merchant coupons
    alone and the platform coupon alone."""
    usable = [c for c in coupons if why_unusable(c, user_id, [coupon_line(ln) for ln in lines], now) is None]
    order = sorted(usable, key=lambda c: (c.valid_until, c.id))
    merchant: dict[str, Coupon] = {}
    base = checkout_price(lines, promotions, Chosen({}, None))
    for o in base.orders:
        best, took = None, 0
        for coupon in order:
            if is_platform(coupon) or coupon.terms.merchant_id != o.merchant_id:
                continue
            off = _took(checkout_price(lines, promotions, Chosen({o.merchant_id: coupon}, None)), coupon.id)
            if off > took:
                best, took = coupon, off
        if best is not None:
            merchant[o.merchant_id] = best
    platform, took = None, 0
    for coupon in order:
        if not is_platform(coupon):
            continue
        off = _took(checkout_price(lines, promotions, Chosen(merchant if stack else {}, coupon)), coupon.id)
        if off > took:
            platform, took = coupon, off
    if stack or platform is None:
        return Chosen(merchant, platform)
    merchant_off = sum(_took(checkout_price(lines, promotions, Chosen(merchant, None)), c.id) for c in merchant.values())
    return Chosen(merchant, None) if merchant_off >= took else Chosen({}, platform)


def choices(lines: Sequence[Line], promotions: dict[str, list[Offer]], coupons: Sequence[Coupon], chosen: Chosen,
            user_id: str, now: datetime, stack: bool = True) -> list[CouponChoice]:
    """Every coupon the customer holds, usable ones first (most off first), each with
    what it would take off here in place of the one chosen for its slot (without ``stack``:
    in place of the coupons of the other kind too), or why not."""
    rows: list[CouponChoice] = []
    all_lines = [coupon_line(ln) for ln in lines]
    for coupon in coupons:
        reason = why_unusable(coupon, user_id, all_lines, now)
        off = 0
        if reason is None:
            if is_platform(coupon):
                trial = replace(chosen, platform=coupon) if stack else Chosen({}, coupon)
            else:
                others = {**chosen.merchant, coupon.terms.merchant_id: coupon}
                trial = replace(chosen, merchant=others) if stack else Chosen(others, None)
            off = _took(checkout_price(lines, promotions, trial), coupon.id)
            if off == 0:
                reason = Unusable.BELOW_THRESHOLD
        rows.append(CouponChoice(coupon, off, reason, coupon.id in chosen.ids))
    rows.sort(key=lambda r: (r.unusable is not None, -r.discount, r.coupon.valid_until, r.coupon.id))
    return rows


def _took(priced: CheckoutPrice, coupon_id: str) -> int:
    """What a coupon took off in a pricing (0 if it took nothing)."""
    total = 0
    for order in priced.orders:
        if order.merchant_coupon_id == coupon_id:
            total += order.merchant_coupon
        if priced.platform_coupon_id == coupon_id:
            total += order.platform_coupon
    return total
