"""Promotions in the single table: one item per merchant (see models.py).

Reads: one GetItem for a merchant (edits: consistent), one BatchGetItem for up to 100
merchants (checkout, a product list). Writes: one conditional PutItem of the whole
item, on the version read (a first write: on the item being absent).
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from pynamodb.exceptions import DoesNotExist

from chalicelib.core.clock import from_iso, iso
from chalicelib.core.table.batch import batch_get
from chalicelib.core.table.conditional import put_if
from chalicelib.core.table.models import TableItem
from chalicelib.promotions import keys
from chalicelib.promotions.models import MerchantPromotionsItem, PromotionMap, TierMap
from chalicelib.promotions.rules import Promotion, Tier


@dataclass(frozen=True, slots=True)
class RequestKey:
    """The idempotency key a promotion was created with (a digest) and the request's fingerprint."""

    key: str
    fingerprint: str


@dataclass(frozen=True, slots=True)
class MerchantPromotions:
    """A merchant's stored promotions, with the version its next write must match (0: no item yet)."""

    merchant_id: str
    promotions: tuple[Promotion, ...]
    version: int
    request_keys: dict[str, RequestKey] = field(default_factory=dict)  # by promotion id


def request_key_digest(scope: str, key: str) -> str:
    return hashlib.sha256(f"{scope}#{key}".encode()).hexdigest()


def _to_promotion(merchant_id: str, stored: PromotionMap) -> Promotion:
    return Promotion(
        id=stored.promotion_id, merchant_id=merchant_id, title=stored.title,
        tiers=tuple(Tier(int(t.threshold), int(t.amount_off)) for t in stored.tiers),
        product_ids=frozenset(stored.product_ids or ()),
        starts_at=from_iso(stored.starts_at), ends_at=from_iso(stored.ends_at),
    )


def _to_map(promotion: Promotion, request: RequestKey | None) -> PromotionMap:
    return PromotionMap(
        request_key=request.key if request else None, request_fingerprint=request.fingerprint if request else None,
        promotion_id=promotion.id, title=promotion.title,
        tiers=[TierMap(threshold=t.threshold, amount_off=t.amount_off) for t in promotion.tiers],
        product_ids=sorted(promotion.product_ids), starts_at=iso(promotion.starts_at), ends_at=iso(promotion.ends_at),
    )


def _to_stored(item: MerchantPromotionsItem) -> MerchantPromotions:
    return MerchantPromotions(
        item.merchant_id, tuple(_to_promotion(item.merchant_id, p) for p in item.promotions), int(item.version),
        {p.promotion_id: RequestKey(p.request_key, p.request_fingerprint or "") for p in item.promotions
         if p.request_key},
    )


def get(merchant_id: str, *, consistent: bool = False) -> MerchantPromotions:
    """One GetItem; a merchant without the item has no promotions (version 0)."""
    try:
        item = MerchantPromotionsItem.get(keys.merchant_pk(merchant_id), keys.PROMOTIONS_SK,
                                          consistent_read=consistent)
    except DoesNotExist:
        return MerchantPromotions(merchant_id, (), 0)
    return _to_stored(item)


def of_merchants(merchant_ids: Iterable[str]) -> dict[str, tuple[Promotion, ...]]:
    """Every given merchant's stored promotions (empty when it has none): one BatchGetItem
    per 100 merchants, none for no merchant. Eventually consistent: an edit shows within a
    second; whether a promotion runs is decided by the caller's clock, exactly."""
    wanted = list(dict.fromkeys(merchant_ids))
    found: dict[str, tuple[Promotion, ...]] = dict.fromkeys(wanted, ())
    if not wanted:
        return found
    for item in batch_get((keys.merchant_pk(m), keys.PROMOTIONS_SK) for m in wanted):
        if isinstance(item, MerchantPromotionsItem):
            found[item.merchant_id] = _to_stored(item).promotions
    return found


def save(before: MerchantPromotions, promotions: Iterable[Promotion], now: datetime,
         request_keys: dict[str, RequestKey] | None = None) -> bool:
    """Replace the merchant's list: one conditional PutItem. False if someone wrote since
    ``before`` was read (nothing written). Request keys are kept for the promotions kept;
    ``request_keys`` adds those of new ones."""
    keys_by_id = {**before.request_keys, **(request_keys or {})}
    item = MerchantPromotionsItem(
        keys.merchant_pk(before.merchant_id), keys.PROMOTIONS_SK, merchant_id=before.merchant_id,
        promotions=[_to_map(p, keys_by_id.get(p.id)) for p in promotions], updated_at=iso(now), version=before.version + 1,
    )
    condition = (TableItem.PK.does_not_exist() if before.version == 0
                 else MerchantPromotionsItem.version == before.version)
    return put_if(item, condition)
