"""The pure coupon rules: terms that cannot be invalid, scope, the discount, why not usable."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.core.errors import ErrorCode
from chalicelib.coupons.published.rules import (
    UNUSABLE_TEXT,
    Coupon,
    CouponLine,
    CouponState,
    CouponTerms,
    DiscountKind,
    ScopeKind,
    Unusable,
    discount,
    eligible_lines,
    why_unusable,
)

NOW = datetime(2025, 6, 1, 4, 0, tzinfo=UTC)
AMOUNT = DiscountKind.AMOUNT_OFF
PERCENT = DiscountKind.PERCENT_OFF


def _line(n: int, merchant="M1", product="P1", category="C1", amount=5000) -> CouponLine:
    return CouponLine(f"L{n}", merchant, product, category, amount)


def _coupon(terms: CouponTerms, **overrides) -> Coupon:
    fields = dict(id="C", user_id="U", template_id="T", title="¥10 off", terms=terms, valid_from=NOW - timedelta(days=1),
                  valid_until=NOW + timedelta(days=1), state=CouponState.AVAILABLE, order_id=None, source="claim")
    return Coupon(**{**fields, **overrides})


@pytest.mark.parametrize(("fields", "path", "code"), [
    (dict(kind=AMOUNT, amount_off=0), "terms.amountOff", ErrorCode.INVALID),
    (dict(kind=AMOUNT, amount_off=1000, threshold=1000), "terms.amountOff", ErrorCode.INVALID),
    (dict(kind=AMOUNT, amount_off=1000, cap=5), "terms.percentOff", ErrorCode.INVALID),
    (dict(kind=PERCENT, percent_off=100, cap=500), "terms.percentOff", ErrorCode.INVALID),
    (dict(kind=PERCENT, percent_off=15, cap=0), "terms.cap", ErrorCode.INVALID),
    (dict(kind=AMOUNT, amount_off=100, threshold=-1), "terms.threshold", ErrorCode.INVALID),
    (dict(kind=AMOUNT, amount_off=100, scope=ScopeKind.PLATFORM, merchant_id="M1"), "terms.scope", ErrorCode.INVALID),
    (dict(kind=AMOUNT, amount_off=100, scope=ScopeKind.MERCHANT), "terms.merchantId", ErrorCode.REQUIRED),
    (dict(kind=AMOUNT, amount_off=100, scope=ScopeKind.PRODUCTS), "terms.productIds", ErrorCode.REQUIRED),
    (dict(kind=AMOUNT, amount_off=100, scope=ScopeKind.PRODUCTS, product_ids=frozenset({"P"}),
          category_ids=frozenset({"C"})), "terms.categoryIds", ErrorCode.INVALID),
    (dict(kind=AMOUNT, amount_off=1.5), "terms.amountOff", ErrorCode.INVALID),
])
def test_terms_that_break_a_rule_cannot_be_made(fields, path, code):
    with pytest.raises(Exception) as raised:
        CouponTerms(**fields)
    assert raised.value.code is code and raised.value.field == tuple(path.split("."))


def test_scope_picks_the_lines_and_a_merchant_coupon_only_its_merchant_s():
    lines = [_line(1), _line(2, merchant="M2", product="P2", category="C2"), _line(3, product="P3", category="C2")]
    platform = CouponTerms(AMOUNT, amount_off=100)
    merchant = CouponTerms(AMOUNT, amount_off=100, scope=ScopeKind.MERCHANT, merchant_id="M1")
    categories = CouponTerms(AMOUNT, amount_off=100, scope=ScopeKind.CATEGORIES, category_ids=frozenset({"C2"}))
    own_category = CouponTerms(AMOUNT, amount_off=100, scope=ScopeKind.CATEGORIES, merchant_id="M1",
                               category_ids=frozenset({"C2"}))
    products = CouponTerms(AMOUNT, amount_off=100, scope=ScopeKind.PRODUCTS, product_ids=frozenset({"P2", "P1"}))
    assert [x.line_id for x in eligible_lines(platform, lines)] == ["L1", "L2", "L3"]
    assert [x.line_id for x in eligible_lines(merchant, lines)] == ["L1", "L3"]
    assert [x.line_id for x in eligible_lines(categories, lines)] == ["L2", "L3"]
    assert [x.line_id for x in eligible_lines(own_category, lines)] == ["L3"]
    assert [x.line_id for x in eligible_lines(products, lines)] == ["L1", "L2"]


def test_discount_examples():
    full_reduction = CouponTerms(AMOUNT, amount_off=1000, threshold=9900)  # 满99减10
    assert discount(full_reduction, 9899) == 0
    assert discount(full_reduction, 9900) == 1000
    no_threshold = CouponTerms(AMOUNT, amount_off=500)  # 无门槛 ¥5
    assert discount(no_threshold, 300) == 300  # never more than the lines cost
    eight_five = CouponTerms(PERCENT, percent_off=15, cap=2000)  # 8.5折, at most ¥20
    assert discount(eight_five, 10_001) == 1500  # 1500.15 rounds down: integers only
    assert discount(eight_five, 100_000) == 2000
    assert discount(eight_five, 0) == 0


terms_strategy = st.one_of(
    st.builds(lambda off, threshold: CouponTerms(AMOUNT, amount_off=off, threshold=threshold if threshold > off else 0),
              st.integers(1, 100_000), st.integers(0, 200_000)),
    st.builds(lambda pct, cap, threshold: CouponTerms(PERCENT, percent_off=pct, cap=cap, threshold=threshold),
              st.integers(1, 99), st.integers(1, 100_000), st.integers(0, 200_000)),
)


@settings(max_examples=30, deadline=None)
@given(terms_strategy, st.integers(0, 1_000_000), st.integers(0, 1_000_000))
def test_discount_is_never_negative_never_over_the_eligible_amount_and_monotone(terms, a, b):
    low, high = sorted((a, b))
    off_low, off_high = discount(terms, low), discount(terms, high)
    assert 0 <= off_low <= low and 0 <= off_high <= high
    assert isinstance(off_high, int)
    assert off_low <= off_high


def test_why_unusable_in_order_and_each_reason_reads():
    terms = CouponTerms(AMOUNT, amount_off=1000, threshold=9900, scope=ScopeKind.MERCHANT, merchant_id="M1")
    lines = [_line(1, amount=6000), _line(2, amount=4000)]
    assert why_unusable(_coupon(terms), "U", lines, NOW) is None
    assert why_unusable(_coupon(terms), "V", lines, NOW) is Unusable.NOT_YOURS
    assert why_unusable(_coupon(terms, state=CouponState.USED), "U", lines, NOW) is Unusable.USED
    assert why_unusable(_coupon(terms, valid_until=NOW), "U", lines, NOW) is Unusable.EXPIRED
    assert why_unusable(_coupon(terms, valid_from=NOW + timedelta(seconds=1)), "U", lines, NOW) is Unusable.NOT_YET_VALID
    assert why_unusable(_coupon(terms), "U", [_line(1, merchant="M2")], NOW) is Unusable.NOT_APPLICABLE
    assert why_unusable(_coupon(terms), "U", lines[:1], NOW) is Unusable.BELOW_THRESHOLD
    assert set(UNUSABLE_TEXT) == set(Unusable) and all(reason.text for reason in Unusable)


def test_expired_is_decided_by_time_not_by_a_stored_state():
    coupon = _coupon(CouponTerms(AMOUNT, amount_off=100))
    assert coupon.status(NOW).value == "AVAILABLE"
    assert coupon.status(coupon.valid_until).value == "EXPIRED"
    assert _coupon(coupon.terms, state=CouponState.USED).status(NOW).value == "USED"
