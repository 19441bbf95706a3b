"""Pricing a checkout: the decided stacking order, exact apportionment, per merchant order."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.checkout.pricing import (
    NOT_REACHED,
    Line,
    Offer,
    PointsOverCap,
    PointsWrongUnit,
    ShippingRule,
    price,
)


def line(sku: str, merchant: str = "m1", unit: int = 5000, qty: int = 1, product: str | None = None,
         category: str = "c1") -> Line:
    return Line(sku, product or f"p-{sku}", merchant, category, unit, qty)


def amount_off(off: int, threshold: int = 0, merchant: str | None = None, oid: str = "o") -> Offer:
    return Offer(oid, (lambda ln: merchant is None or ln.merchant_id == merchant),
                 lambda eligible: off if eligible >= threshold else 0)


def test_one_order_per_merchant_with_its_lines():
    checkout = price([line("a", "m2"), line("b", "m1"), line("c", "m2", 100, 3)])
    assert [o.merchant_id for o in checkout.orders] == ["m1", "m2"]
    assert [p.line.sku_id for p in checkout.orders[1].lines] == ["a", "c"]
    assert checkout.orders[1].items == 5300 and checkout.total == 10300


def test_stacking_promotion_then_merchant_coupon_then_platform_coupon_then_points():
    lines = [line("a", "m1", 6000), line("b", "m1", 4000), line("c", "m2", 10000)]
    checkout = price(
        lines,
        promotions={"m1": [amount_off(1000, 9900, "m1", "promo-small"), amount_off(3000, 19900, "m1", "promo-big")]},
        merchant_coupons={"m1": amount_off(500, 8000, "m1", "mc")},
        platform_coupon=amount_off(2000, 15000, None, "pc"),
        points=3000,
    )
    m1, m2 = checkout.orders
    # m1: 10000 items; the 满99减10 promotion reached (满199 not): 9000 left; the coupon's
    # threshold 8000 is met by what is left: 8500 left.
    assert (m1.items, m1.promotion, m1.promotion_id, m1.merchant_coupon) == (10000, 1000, "promo-small", 500)
    # Platform coupon: 8500 + 10000 = 18500 ≥ 15000; 2000 off, split 8500:10000 → 919 + 1081.
    assert (m1.platform_coupon, m2.platform_coupon) == (919, 1081)
    # Points: 3000 points = ¥30 = 3000 fen over 7581 : 8919.
    assert m1.points + m2.points == 3000
    assert checkout.total == 20000 - 1000 - 500 - 2000 - 3000
    assert checkout.points_max == (20000 - 3500) // 2 // 100 * 100
    # Every line's shares sum to its order's amounts.
    for order in checkout.orders:
        assert sum(p.paid for p in order.lines) == order.goods
        assert all(p.paid >= 0 for p in order.lines)


def test_a_coupon_that_takes_nothing_is_reported_not_applied():
    checkout = price([line("a", "m1", 3000)], merchant_coupons={"m1": amount_off(500, 9900, "m1", "mc"),
                                                                "m9": amount_off(500, 0, "m9", "other")},
                     platform_coupon=amount_off(1000, 5000, None, "pc"))
    assert checkout.unused_offers == {"mc": NOT_REACHED, "other": NOT_REACHED, "pc": NOT_REACHED}
    assert checkout.orders[0].merchant_coupon_id is None and checkout.platform_coupon_id is None
    assert checkout.total == 3000


def test_points_in_units_and_within_the_cap():
    lines = [line("a", unit=1000)]
    assert price(lines, points=500).total == 500  # at most half: 500 points = ¥5
    with pytest.raises(PointsOverCap):
        price(lines, points=600)
    with pytest.raises(PointsWrongUnit):
        price(lines, points=150)


def test_shipping_is_added_per_merchant_order_and_waived_from_its_threshold():
    rule = ShippingRule(fee=1000, free_from=9900)
    checkout = price([line("a", "m1", 5000), line("b", "m2", 10000)], shipping=lambda merchant: rule)
    assert [o.shipping for o in checkout.orders] == [1000, 0]
    # Points do not make shipping appear: the threshold reads the goods before points.
    assert price([line("b", "m2", 10000)], points=1000, shipping=lambda m: rule).orders[0].shipping == 0


def test_an_offer_never_takes_more_than_its_lines_cost():
    checkout = price([line("a", unit=300)], platform_coupon=amount_off(1000, 0, None, "pc"))
    assert checkout.orders[0].platform_coupon == 300 and checkout.total == 0


prices = st.integers(1, 50000)
lines_strategy = st.lists(
    st.tuples(st.sampled_from(["m1", "m2", "m3"]), prices, st.integers(1, 99), st.sampled_from(["c1", "c2"])),
    min_size=1, max_size=12)


@settings(max_examples=150, deadline=None)
@given(lines_strategy, st.integers(0, 30000), st.integers(0, 30000), st.integers(0, 90), st.integers(0, 10**6),
       st.data())
def test_totals_are_exact_and_never_negative(raw, promo_off, coupon_off, percent, threshold, data):
    lines = [Line(f"s{i}", f"p{i}", m, c, unit, qty) for i, (m, unit, qty, c) in enumerate(raw)]
    percent_off = Offer("pc", lambda ln: ln.category_id == "c1", lambda eligible: eligible * percent // 100)
    checkout = price(lines, promotions={"m1": [amount_off(promo_off, threshold, "m1", "pr")]},
                     merchant_coupons={"m2": amount_off(coupon_off, 0, "m2", "mc")}, platform_coupon=percent_off)
    points = data.draw(st.integers(0, checkout.points_max // 100)) * 100
    checkout = price(lines, promotions={"m1": [amount_off(promo_off, threshold, "m1", "pr")]},
                     merchant_coupons={"m2": amount_off(coupon_off, 0, "m2", "mc")}, platform_coupon=percent_off,
                     points=points)
    assert checkout.items == sum(ln.items for ln in lines)
    for order in checkout.orders:
        assert order.total == order.items - order.promotion - order.merchant_coupon - order.platform_coupon \
            - order.points + order.shipping
        assert all(p.paid >= 0 and p.discounts <= p.line.items for p in order.lines)
        assert order.goods >= 0
    assert sum(o.points for o in checkout.orders) == points  # 1 point = 1 fen by default
    assert sum(p.paid for o in checkout.orders for p in o.lines) + sum(o.shipping for o in checkout.orders) \
        == checkout.total
