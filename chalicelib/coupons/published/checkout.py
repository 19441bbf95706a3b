"""Coupons in checkout: the buyer's usable coupons (one Query), using one within the order's
transaction, and giving it back when the order is cancelled or refunded in full.

- ``usable_coupons(user_id, now)``: AVAILABLE and not expired (not-yet-valid ones included:
  ``why_unusable`` says NOT_YET_VALID), soonest expiry first; ONE Query of at most
  ``USABLE_PAGE`` (100): past it, the coupons expiring latest are left out.
- ``add_use(tx, coupon, order_id, now)``: label ``coupon:<id>``; applies only if the coupon is
  AVAILABLE, its owner's, and ``valid_from <= now < valid_until``; otherwise ``tx.commit()``
  raises ``CouponUnavailable`` (code COUPON_UNAVAILABLE, field ``couponIds``).
- ``return_coupon(coupon_id, user_id, order_id, now) -> bool``: USED by this order and still
  valid → AVAILABLE (a GetItem and one conditional UpdateItem). False when it did nothing:
  returned already, expired, or used by another order (never touched).
"""
from __future__ import annotations

from chalicelib.core.table.transactions import Transaction
from chalicelib.coupons.rules import CouponUnavailable
from chalicelib.coupons.store import USABLE_PAGE, add_use, return_coupon, usable_coupons

__all__ = ["USABLE_PAGE", "CouponUnavailable", "Transaction", "add_use", "return_coupon", "usable_coupons"]
