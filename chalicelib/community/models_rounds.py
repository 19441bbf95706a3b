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
    uncollected = UnicodeAttribute(null=True)  # rules_rounds.Uncollected (absent: KEEP)
    cancelled_at = UnicodeAttribute(null=True)


class CommunityRoundServedItem(TableItem, discriminator="CommunityRoundServed"):
    """``ROUND#<id>`` / ``LEADER#<leader>``: the round is served by this leader; in the leader's
    GSI1 partition by cutoff while not cancelled (cancelling removes its GSI1 keys)."""

    round_id = UnicodeAttribute()
    leader_id = UnicodeAttribute()
    merchant_id = UnicodeAttribute()
    cutoff_at = UnicodeAttribute()


class RoundBoughtItem(TableItem, discriminator="CommunityRoundBought"):
    """``ROUND#<id>`` / ``BOUGHT#<customer>#<product>#<sku>``: units of a SKU a customer holds in a round (placed,
    not cancelled). The per-customer limit is a condition on it in the placing transaction; a cancelled
    payment gives its units back in its own transaction."""

    units = NumberAttribute(default=0)


class RoundPickedItem(TableItem, discriminator="CommunityRoundPicked"):
    """``ROUND#<id>`` / ``PICK#<leader>#<product>#<sku>``: units of a SKU paid for at a leader's point, added in
    the transaction that marks each payment paid (once, under the payment's state): a line of the pick list."""

    units = NumberAttribute(default=0)


class PaidLineAttribute(MapAttribute):
    product_id = UnicodeAttribute()
    sku_id = UnicodeAttribute()
    quantity = NumberAttribute()


class RoundPaidOrderItem(TableItem, discriminator="CommunityRoundPaidOrder"):
    """``ROUND#<id>`` / ``PAID#<leader>#<order id>``: a paid order to hand over at a leader's point, put in the
    transaction that marks it paid."""

    order_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    lines = ListAttribute(of=PaidLineAttribute)
    paid_at = UnicodeAttribute()
    code = UnicodeAttribute(null=True)  # the pickup code: its buyer's only (never shown to the leader)
    # Units after-sales paid back, by "<product>#<sku>" (cumulative), and a version each change of it conditions on:
    # the pick list and the customer's per-customer count follow refunds exactly once.
    refunded_units = MapAttribute(default=dict)
    refunds_version = NumberAttribute(default=0)


class PickupCodeItem(TableItem, discriminator="CommunityPickupCode"):
    """``PICKUP#<leader>#<code>`` / ``PICKUP_CODE``: an order for pickup's code at its leader's point, put in the
    transaction that marks the order paid; ``handed_over_at`` is set once, with the order's completion."""

    order_id = UnicodeAttribute()
    round_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    handed_over_at = UnicodeAttribute(null=True)


class PickupMissesItem(TableItem, discriminator="CommunityPickupMisses"):
    """``LEADER#<leader>`` / ``PICKUP_MISSES#<window start>``: wrong codes tried at a point in a window (TTL)."""

    misses = NumberAttribute(default=0)
    ttl = NumberAttribute()


class RoundBatchItem(TableItem, discriminator="CommunityRoundBatch"):
    """``ROUND#<id>`` / ``BATCH#<leader>``: what the merchant delivers to one leader's point, put once by the cutoff
    timer (AWAITING_DELIVERY), moved to DELIVERED once by the merchant or an operator."""

    round_id = UnicodeAttribute()
    leader_id = UnicodeAttribute()
    merchant_id = UnicodeAttribute()
    state = UnicodeAttribute()
    units = NumberAttribute()  # the pick list's units when the batch was put (after the cutoff's grace)
    orders = NumberAttribute()  # and its paid orders
    created_at = UnicodeAttribute()
    delivered_at = UnicodeAttribute(null=True)
    delivered_by = UnicodeAttribute(null=True)
