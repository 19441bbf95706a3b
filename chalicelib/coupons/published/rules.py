"""The pure coupon rules checkout prices with: terms, lines, eligibility, the discount, why not."""
from __future__ import annotations

from chalicelib.coupons.rules import (
    UNUSABLE_TEXT,
    Coupon,
    CouponLine,
    CouponState,
    CouponStatus,
    CouponTerms,
    CouponUnavailable,
    DiscountKind,
    ScopeKind,
    Unusable,
    discount,
    eligible_lines,
    why_unusable,
)

__all__ = [
    "UNUSABLE_TEXT",
    "Coupon",
    "CouponLine",
    "CouponState",
    "CouponStatus",
    "CouponTerms",
    "CouponUnavailable",
    "DiscountKind",
    "ScopeKind",
    "Unusable",
    "discount",
    "eligible_lines",
    "why_unusable",
]
