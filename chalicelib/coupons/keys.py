"""Coupon keys: templates, their claimer counters and grants, and customers' coupons."""
from __future__ import annotations

TEMPLATE_SK = "TEMPLATE"
COUPON_SK = "COUPON"
CLAIMABLE_TEMPLATES = "COUPON_TEMPLATES#CLAIMABLE"
PLATFORM_ISSUER = "PLATFORM"
# Sorts after every character of an id: "<instant>#~" bounds all keys "<instant>#<id>" of that instant.
AFTER_ANY_ID = "~"


def template_pk(template_id: str) -> str:
    return f"COUPON_TEMPLATE#{template_id}"


def claimer_sk(user_id: str) -> str:
    """How many coupons of the template a user claimed: the per-user limit's counter."""
    return f"CLAIMER#{user_id}"


def grant_sk(grant_id: str, part: int) -> str:
    return f"GRANT#{grant_id}#{part:02d}"


def issuer_templates(merchant_id: str | None) -> str:
    """GSI2 partition: the templates of one merchant, or the platform's, newest first."""
    return f"COUPON_TEMPLATES#ISSUER#{merchant_id or PLATFORM_ISSUER}"


def coupon_pk(coupon_id: str) -> str:
    return f"COUPON#{coupon_id}"


def user_available_coupons(user_id: str) -> str:
    """GSI1 partition of a user's unused coupons sorted by ``<valid_until>#<id>``: expired ones
    are those below now, so AVAILABLE (soonest expiry first) and EXPIRED are two ranges of it."""
    return f"USER#{user_id}#COUPONS#AVAILABLE"


def user_used_coupons(user_id: str) -> str:
    """GSI1 partition of a user's used coupons, sorted by ``<used_at>#<id>``."""
    return f"USER#{user_id}#COUPONS#USED"


def instant_key(instant_iso: str, coupon_id: str) -> str:
    return f"{instant_iso}#{coupon_id}"


def past_instant(instant_iso: str) -> str:
    """A position after every key of ``instant_iso`` (and before the next second's)."""
    return f"{instant_iso}#{AFTER_ANY_ID}"
