"""The merchant's promotions item: ``MERCHANT#<merchant>`` / ``PROMOTIONS``.

One item per merchant, holding its current promotions (at most 10) as a list of maps,
so checkout reads every merchant of an order in one BatchGetItem whatever the number of
lines. ``version`` makes every edit optimistic: a write holds only if nobody wrote since
it was read (two of the merchant's staff creating at once lose nothing).
"""
from __future__ import annotations

from pynamodb.attributes import ListAttribute, MapAttribute, NumberAttribute, UnicodeAttribute

from chalicelib.core.table.models import TableItem


class TierMap(MapAttribute):
    threshold = NumberAttribute()
    amount_off = NumberAttribute()


class PromotionMap(MapAttribute):
    promotion_id = UnicodeAttribute()
    title = UnicodeAttribute()
    tiers = ListAttribute(of=TierMap)
    product_ids = ListAttribute(of=UnicodeAttribute, default=list)
    starts_at = UnicodeAttribute()
    ends_at = UnicodeAttribute()
    # The create's idempotency key (sha256 of "<caller>:createPromotion#<key>") and what it asked:
    # a retry while the promotion is current answers with it instead of making another.
    request_key = UnicodeAttribute(null=True)
    request_fingerprint = UnicodeAttribute(null=True)


class MerchantPromotionsItem(TableItem, discriminator="MerchantPromotions"):
    merchant_id = UnicodeAttribute()
    promotions = ListAttribute(of=PromotionMap, default=list)
    updated_at = UnicodeAttribute()
    version = NumberAttribute(default=0)
