"""The Coupon type, for other features' fields that point to a coupon (a mall redemption's)."""
from __future__ import annotations

from chalicelib.coupons.graphql.types import Coupon, own_coupon

__all__ = ["Coupon", "own_coupon"]
