"""Issuing coupons from other features: of a template (referral, assist), or from terms within
your own transaction (the points mall's COUPON redemption)."""
from __future__ import annotations

from chalicelib.coupons.rules import Coupon, CouponsGone, CouponTerms, DiscountKind, ScopeKind
from chalicelib.coupons.service import issue_coupon
from chalicelib.coupons.store import add_issue

__all__ = ["Coupon", "CouponTerms", "CouponsGone", "DiscountKind", "ScopeKind", "add_issue", "issue_coupon"]
