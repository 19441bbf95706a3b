"""The assist items of the single table (docs/data-model.md lists their keys)."""
from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, JSONAttribute, ListAttribute, NumberAttribute, UnicodeAttribute

from chalicelib.core.table.models import TableItem


class _CampaignRules:
    """A campaign's rules: on the campaign, and copied onto each instance at start."""

    product_id = UnicodeAttribute()
    merchant_id = UnicodeAttribute()
    title = UnicodeAttribute()
    tiers = JSONAttribute()  # [{assists, template_id, title, reward: {terms and validity}}], increasing
    starts_at = UnicodeAttribute()
    ends_at = UnicodeAttribute()
    new_users_only = BooleanAttribute(default=False)
    daily_limit = NumberAttribute()


class AssistCampaignItem(TableItem, _CampaignRules, discriminator="AssistCampaign"):
    campaign_id = UnicodeAttribute()
    owner_id = UnicodeAttribute()


class AssistStarterItem(TableItem, discriminator="AssistStarter"):
    """One instance per customer and campaign: put with the instance, absent before."""

    share_code = UnicodeAttribute()


class AssistInstanceItem(TableItem, _CampaignRules, discriminator="AssistInstance"):
    share_code = UnicodeAttribute()
    campaign_id = UnicodeAttribute()
    owner_id = UnicodeAttribute()  # the campaign's
    starter_id = UnicodeAttribute()
    started_at = UnicodeAttribute()
    count = NumberAttribute(default=0)  # accepted assists; every assist's write is conditioned on it
    flagged = NumberAttribute(default=0)  # of them, by accounts created after the campaign started
    reward_coupon_ids = ListAttribute(of=UnicodeAttribute, default=list)  # one per tier reached, in order


class AssistItem(TableItem, discriminator="Assist"):
    """One friend's assist of one instance (its existence refuses a second)."""

    helper_id = UnicodeAttribute()
    assisted_at = UnicodeAttribute()
    flagged = BooleanAttribute(default=False)


class AssistHelperDayItem(TableItem, discriminator="AssistHelperDay"):
    """A helper's assists of one China day, all campaigns: the daily limit (TTL two days on)."""

    assists = NumberAttribute(default=0)
    ttl = NumberAttribute(null=True)
