"""The sale round items of the single table (docs/data-model.md lists their keys)."""
from __future__ import annotations

from pynamodb.attributes import ListAttribute, MapAttribute, NumberAttribute, UnicodeAttribute

from chalicelib.core.table.models import TableItem


class RoundLineAttribute(MapAttribute):
    product_id = UnicodeAttribute()
    sku_id = UnicodeAttribute()
    price = NumberAttribute()  # fen
    per_customer_limit = NumberAttribute(null=True)
    commission_bp = NumberAttribute()


class CommunityRoundItem(TableItem, discriminator="CommunityRound"):
    """``ROUND#<id>`` / ``ROUND``: the round with its lines; in its merchant's GSI2 partition."""

    round_id = UnicodeAttribute()
    merchant_id = UnicodeAttribute()
    creator_id = UnicodeAttribute()
    title = UnicodeAttribute()
    lines = ListAttribute(of=RoundLineAttribute)
    leader_ids = ListAttribute(of=UnicodeAttribute)
    cutoff_at = UnicodeAttribute()
    pickup_on = UnicodeAttribute()  # YYYY-MM-DD
    created_at = UnicodeAttribute()
    state = UnicodeAttribute(null=True)  # only CANCELLED is stored: OPEN and CLOSED are time's
    cancelled_at = UnicodeAttribute(null=True)


class CommunityRoundServedItem(TableItem, discriminator="CommunityRoundServed"):
    """``ROUND#<id>`` / ``LEADER#<leader>``: the round is served by this leader; in the leader's
    GSI1 partition by cutoff while not cancelled (cancelling removes its GSI1 keys)."""

    round_id = UnicodeAttribute()
    leader_id = UnicodeAttribute()
    merchant_id = UnicodeAttribute()
    cutoff_at = UnicodeAttribute()
