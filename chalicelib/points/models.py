"""Points items: the account, its lots, pending earnings and ledger entries under one
``POINTS#<user>`` partition; the source guards; the daily post cap; the stored rules."""
from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, JSONAttribute, MapAttribute, NumberAttribute, UnicodeAttribute

from chalicelib.core.table.models import TableItem


class PointsAccountItem(TableItem, discriminator="PointsAccount"):
    available = NumberAttribute(default=0)
    pending = NumberAttribute(default=0)
    spent = NumberAttribute(default=0)
    expired = NumberAttribute(default=0)
    earned = NumberAttribute(default=0)  # net of reversed earnings
    adjusted = NumberAttribute(default=0)  # signed
    growth = NumberAttribute(default=0)
    streak = NumberAttribute(default=0)
    last_check_in = UnicodeAttribute(null=True)
    tier = UnicodeAttribute(null=True)  # as the scheduled job last computed it
    segment = UnicodeAttribute(null=True)  # RFM segment, by the scheduled job
    segmented_at = UnicodeAttribute(null=True)


class PostDayItem(TableItem, discriminator="PointsPostDay"):
    """Posts rewarded on one day: the daily cap's counter."""

    rewarded = NumberAttribute(default=0)


class PointsEntryItem(TableItem, discriminator="PointsEntry"):
    entry_id = UnicodeAttribute()
    kind = UnicodeAttribute()
    amount = NumberAttribute()  # signed: what it did to available + pending
    source = UnicodeAttribute()
    created_at = UnicodeAttribute()
    pending = BooleanAttribute(default=False)
    reason = UnicodeAttribute(null=True)
    operator_id = UnicodeAttribute(null=True)
    lots = MapAttribute(default=dict)  # expires_on -> points taken or given back
    unrecovered = NumberAttribute(default=0)  # a refund's share the buyer had spent already: written off


class PointsLotItem(TableItem, discriminator="PointsLot"):
    expires_on = UnicodeAttribute(null=True)
    remaining = NumberAttribute(default=0)


class PointsPendingItem(TableItem, discriminator="PointsPending"):
    source = UnicodeAttribute()
    amount = NumberAttribute()
    expires_on = UnicodeAttribute()
    release_at = UnicodeAttribute()


class PointsSourceItem(TableItem, discriminator="PointsSource"):
    user_id = UnicodeAttribute()
    source = UnicodeAttribute()
    kind = UnicodeAttribute()
    amount = NumberAttribute()  # positive
    entry_id = UnicodeAttribute()
    pending_sk = UnicodeAttribute(null=True)  # set while the points wait for release
    lots = MapAttribute(default=dict)
    reversed = BooleanAttribute(default=False)
    growth = NumberAttribute(default=0)  # an order's growth, taken back with its points
    # Partial refunds (points.refunds_store): ``amount``, ``lots`` and ``growth`` are what
    # is left; these are what partial refunds took (or gave back) so far, so the
    # original is ``amount + refunded`` and the shares stay cumulative and exact.
    refunded = NumberAttribute(default=0)
    growth_refunded = NumberAttribute(default=0)


class PointsRulesItem(TableItem, discriminator="PointsRules"):
    rules = JSONAttribute()
    updated_at = UnicodeAttribute()
