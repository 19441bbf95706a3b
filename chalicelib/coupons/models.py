"""The coupon items of the single table (docs/data-model.md lists their keys)."""
from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute, UnicodeSetAttribute

from chalicelib.core.table.models import TableItem


class _TermsAttributes:
    """Coupon terms, flattened the same way on a template and on a coupon."""

    kind = UnicodeAttribute()
    amount_off = NumberAttribute(default=0)
    percent_off = NumberAttribute(default=0)
    cap = NumberAttribute(default=0)
    threshold = NumberAttribute(default=0)
    scope = UnicodeAttribute()
    merchant_id = UnicodeAttribute(null=True)
    category_ids = UnicodeSetAttribute(null=True)
    product_ids = UnicodeSetAttribute(null=True)


class CouponTemplateItem(TableItem, _TermsAttributes, discriminator="CouponTemplate"):
    template_id = UnicodeAttribute()
    owner_id = UnicodeAttribute()
    title = UnicodeAttribute()
    valid_from = UnicodeAttribute(null=True)
    valid_until = UnicodeAttribute(null=True)
    valid_days = NumberAttribute(null=True)
    total = NumberAttribute()
    issued = NumberAttribute(default=0)
    left = NumberAttribute()  # total - issued, kept so the claim's condition is one comparison
    per_user_limit = NumberAttribute()
    public = BooleanAttribute()
    new_customers_only = BooleanAttribute(default=False)
    claim_from = UnicodeAttribute()
    claim_until = UnicodeAttribute(null=True)
    active = BooleanAttribute()
    created_at = UnicodeAttribute()
    ended_at = UnicodeAttribute(null=True)


class CouponClaimerItem(TableItem, discriminator="CouponClaimer"):
    """Coupons of one template one user claimed: the per-user limit's counter."""

    claimed = NumberAttribute(default=0)


class CouponGrantItem(TableItem, discriminator="CouponGrant"):
    """An operator's grant (one item per transaction of it): who, why, to whom."""

    grant_id = UnicodeAttribute()
    operator_id = UnicodeAttribute()
    reason = UnicodeAttribute()
    user_ids = UnicodeSetAttribute()
    coupon_ids = UnicodeSetAttribute()
    created_at = UnicodeAttribute()


class CouponItem(TableItem, _TermsAttributes, discriminator="Coupon"):
    coupon_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    template_id = UnicodeAttribute(null=True)
    title = UnicodeAttribute()
    valid_from = UnicodeAttribute()
    valid_until = UnicodeAttribute()
    state = UnicodeAttribute()
    order_id = UnicodeAttribute(null=True)
    used_at = UnicodeAttribute(null=True)
    source = UnicodeAttribute()
    issued_at = UnicodeAttribute()
