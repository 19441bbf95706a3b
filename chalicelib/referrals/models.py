"""Referral items: codes, bindings, inviters' monthly counters and the reward rule."""
from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute

from chalicelib.core.table.models import TableItem


class InviteCodeItem(TableItem, discriminator="InviteCode"):
    """Both ``INVITE_CODE#<code>`` (code → owner) and ``REFERRER#<user>`` (owner → code), written together."""

    user_id = UnicodeAttribute()
    code = UnicodeAttribute()
    created_at = UnicodeAttribute()


class ReferralItem(TableItem, discriminator="Referral"):
    invitee_id = UnicodeAttribute()
    inviter_id = UnicodeAttribute()
    state = UnicodeAttribute()
    bound_at = UnicodeAttribute()
    first_order_id = UnicodeAttribute(null=True)
    due_at = UnicodeAttribute(null=True)
    rewarded_at = UnicodeAttribute(null=True)
    inviter_rewarded = BooleanAttribute(default=False)
    version = NumberAttribute(default=0)


class ReferralMonthItem(TableItem, discriminator="ReferralMonth"):
    """How many of an inviter's referrals were rewarded in a China calendar month (≤ the cap)."""

    rewarded = NumberAttribute(default=0)


class ReferralRuleItem(TableItem, discriminator="ReferralRule"):
    invitee_fen = NumberAttribute()
    inviter_fen = NumberAttribute()
    valid_days = NumberAttribute()
    monthly_cap = NumberAttribute()
    updated_at = UnicodeAttribute()
    updated_by = UnicodeAttribute()
