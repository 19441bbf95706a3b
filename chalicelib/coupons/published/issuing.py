"""Issuing coupons from other features: of a template (referral, assist), or from terms within
your own transaction (the points mall's COUPON redemption, an assist's tier reward: ``get_template``
for the terms and validity to copy)."""
from __future__ import annotations

from chalicelib.coupons.rules import Coupon, CouponsGone, CouponTemplate, CouponTerms, DiscountKind, ScopeKind, Validity
from chalicelib.coupons.service import issue_coupon
from chalicelib.coupons.store import add_issue, get_template

__all__ = ["Coupon", "CouponTemplate", "CouponTerms", "CouponsGone", "DiscountKind", "ScopeKind", "Validity", "add_issue",
           "get_template", "issue_coupon"]
