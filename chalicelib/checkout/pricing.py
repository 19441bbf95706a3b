"""What a checkout costs: per merchant order and per line, in fen, every discount apportioned.

The stacking order is decided (issue 11) and fixed here:
1. each merchant order's automatic promotion (at most one: the merchant's 满减 tiers);
2. at most one merchant coupon per merchant order, on what is left of its lines;
3. at most one platform coupon per checkout, on what is left of every line it covers;
4. points, in whole units, at most ``points_max_percent`` of what is left of the items;
5. the shipping fee of each merchant order, on top (points and coupons never pay it).

Each step's amount is spread over the lines it covers by largest remainder
(``core.money.apportion``), weighted by what each line costs at that step: so a line's
shares sum to its order's, no line goes below zero, and a later refund of one line is
exactly what that line paid.

Pure: the offers (promotions, coupons) come in as ``Offer`` values whose ``covers`` and
``amount_off`` are the promotion and coupon features' own rules.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from itertools import groupby

from chalicelib.core.errors import DomainError, ErrorCode, ValidationFailed
from chalicelib.core.money import apportion


class PointsNotWhole(ValidationFailed):
    pass


class PointsWrongUnit(DomainError):
    code = ErrorCode.POINTS_WRONG_UNIT


class PointsOverCap(DomainError):
    code = ErrorCode.POINTS_OVER_CAP


@dataclass(frozen=True, slots=True)
class Line:
    """One line of a checkout: a SKU, how many, at its current price."""

    sku_id: str
    product_id: str
    merchant_id: str
    category_id: str
    unit_price: int
    quantity: int

    @property
    def items(self) -> int:
        return self.unit_price * self.quantity


@dataclass(frozen=True, slots=True)
class Offer:
    """Money off some lines: a promotion or a coupon, as the pricing sees it."""

    id: str
    covers: Callable[[Line], bool]
    amount_off: Callable[[int], int]  # of the covered lines' amount at this step; 0 below a threshold


@dataclass(frozen=True, slots=True)
class ShippingRule:
    """A merchant order's fee, waived from ``free_from`` (what its goods cost after discounts)."""

    fee: int = 0
    free_from: int = 0

    def fee_for(self, goods: int) -> int:
        return 0 if goods >= self.free_from else self.fee


@dataclass(frozen=True, slots=True)
class LinePrice:
    line: Line
    promotion: int = 0
    merchant_coupon: int = 0
    platform_coupon: int = 0
    points: int = 0  # fen off, from points

    @property
    def discounts(self) -> int:
        return self.promotion + self.merchant_coupon + self.platform_coupon + self.points

    @property
    def paid(self) -> int:
        """What this line costs the customer: its items less every discount on it."""
        return self.line.items - self.discounts

    @property
    def before_points(self) -> int:
        return self.line.items - self.promotion - self.merchant_coupon - self.platform_coupon


@dataclass(frozen=True, slots=True)
class OrderPrice:
    """One merchant's order (拆单: a checkout makes one per merchant)."""

    merchant_id: str
    lines: tuple[LinePrice, ...]
    promotion_id: str | None = None
    merchant_coupon_id: str | None = None
    shipping: int = 0

    def _sum(self, name: str) -> int:
        return sum(getattr(p, name) for p in self.lines)

    @property
    def items(self) -> int:
        return sum(p.line.items for p in self.lines)

    @property
    def promotion(self) -> int:
        return self._sum("promotion")

    @property
    def merchant_coupon(self) -> int:
        return self._sum("merchant_coupon")

    @property
    def platform_coupon(self) -> int:
        return self._sum("platform_coupon")

    @property
    def points(self) -> int:
        return self._sum("points")

    @property
    def goods(self) -> int:
        """What the goods cost after every discount."""
        return self._sum("paid")

    @property
    def total(self) -> int:
        return self.goods + self.shipping


@dataclass(frozen=True, slots=True)
class CheckoutPrice:
    orders: tuple[OrderPrice, ...]
    platform_coupon_id: str | None = None
    points_used: int = 0  # points spent (their fen value is in the lines' ``points``)
    points_max: int = 0  # the most points this checkout could take, in whole units
    unused_offers: dict[str, str] = field(default_factory=dict)  # offer id -> why it took nothing

    @property
    def total(self) -> int:
        return sum(o.total for o in self.orders)

    @property
    def items(self) -> int:
        return sum(o.items for o in self.orders)


@dataclass(frozen=True, slots=True)
class PointsTerms:
    """Points as money: ``unit`` points are ``fen_per_unit`` off, at most ``max_percent`` of the goods."""

    unit: int = 100
    fen_per_unit: int = 100
    max_percent: int = 50

    def most_points(self, goods: int) -> int:
        return goods * self.max_percent // 100 // self.fen_per_unit * self.unit

    def fen_of(self, points: int) -> int:
        return points // self.unit * self.fen_per_unit


NOT_REACHED = "BELOW_THRESHOLD"


def price(lines: Sequence[Line], *, promotions: dict[str, Sequence[Offer]] | None = None,
          merchant_coupons: dict[str, Offer] | None = None, platform_coupon: Offer | None = None,
          points: int = 0, points_terms: PointsTerms = PointsTerms(),
          shipping: Callable[[str], ShippingRule] = lambda merchant: ShippingRule()) -> CheckoutPrice:
    """Price a checkout. ``promotions``: each merchant's active promotions (the one giving
    most is applied); ``merchant_coupons``: the chosen coupon per merchant;
    ``platform_coupon``: the chosen one; ``points``: how many to spend (the caller has
    checked the unit, the cap (``points_max``) and the balance).

    A chosen coupon that takes nothing here (below its threshold, nothing it covers) is
    reported in ``unused_offers`` rather than applied: the caller refuses it with a typed
    error, so nobody spends a coupon for nothing."""
    promotions = promotions or {}
    merchant_coupons = merchant_coupons or {}
    unused: dict[str, str] = {}
    orders: list[OrderPrice] = []
    for merchant_id, group in groupby(sorted(lines, key=lambda line: line.merchant_id), key=lambda line: line.merchant_id):
        prices = [LinePrice(line) for line in group]
        promotion_id, prices = _best_promotion(prices, promotions.get(merchant_id, ()))
        coupon = merchant_coupons.get(merchant_id)
        coupon_id = None
        if coupon is not None:
            prices, took = _apply(prices, coupon, "merchant_coupon")
            coupon_id = coupon.id if took else None
            if not took:
                unused[coupon.id] = NOT_REACHED
        orders.append(OrderPrice(merchant_id, tuple(prices), promotion_id, coupon_id))
    for merchant_id in merchant_coupons.keys() - {o.merchant_id for o in orders}:
        unused[merchant_coupons[merchant_id].id] = NOT_REACHED
    platform_id = None
    if platform_coupon is not None:
        flat, took = _apply([p for o in orders for p in o.lines], platform_coupon, "platform_coupon")
        orders = _regroup(orders, flat)
        platform_id = platform_coupon.id if took else None
        if not took:
            unused[platform_coupon.id] = NOT_REACHED
    goods = sum(p.before_points for o in orders for p in o.lines)
    most = points_terms.most_points(goods)
    _check_points(points, most, points_terms)
    if points:
        flat = [p for o in orders for p in o.lines]
        shares = apportion(points_terms.fen_of(points), [p.before_points for p in flat])
        orders = _regroup(orders, [replace(p, points=s) for p, s in zip(flat, shares, strict=True)])
    orders = [replace(o, shipping=shipping(o.merchant_id).fee_for(o.goods + o.points)) for o in orders]
    return CheckoutPrice(tuple(orders), platform_id, points, most, unused)


def _check_points(points: int, most: int, terms: PointsTerms) -> None:
    if isinstance(points, bool) or not isinstance(points, int) or points < 0:
        raise PointsNotWhole("points are a whole number, 0 or more", "points")
    if points % terms.unit:
        raise PointsWrongUnit(f"use points in units of {terms.unit}", "points")
    if points > most:
        raise PointsOverCap(f"at most {most} points here ({terms.max_percent}% of the goods after discounts)",
                            "points")


def _best_promotion(prices: list[LinePrice], offers: Sequence[Offer]) -> tuple[str | None, list[LinePrice]]:
    """At most one promotion per merchant order: the one taking most off (the first on ties)."""
    best: tuple[int, str | None, list[LinePrice]] = (0, None, prices)
    for offer in offers:
        applied, took = _apply(prices, offer, "promotion")
        if took > best[0]:
            best = (took, offer.id, applied)
    return best[1], best[2]


def _apply(prices: list[LinePrice], offer: Offer, step: str) -> tuple[list[LinePrice], int]:
    """Take the offer's amount off the lines it covers, apportioned by what each costs now."""
    covered = [i for i, p in enumerate(prices) if offer.covers(p.line)]
    weights = [prices[i].before_points for i in covered]
    off = min(offer.amount_off(sum(weights)), sum(weights)) if covered else 0
    if off <= 0:
        return prices, 0
    result = list(prices)
    for i, share in zip(covered, apportion(off, weights), strict=True):
        result[i] = replace(result[i], **{step: getattr(result[i], step) + share})
    return result, off


def _regroup(orders: list[OrderPrice], flat: list[LinePrice]) -> list[OrderPrice]:
    out, start = [], 0
    for order in orders:
        out.append(replace(order, lines=tuple(flat[start:start + len(order.lines)])))
        start += len(order.lines)
    return out
