"""Promotions for checkout: every merchant's running promotions in one read."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from chalicelib.promotions import service
from chalicelib.promotions.rules import Promotion

__all__ = ["promotions_of"]


def promotions_of(merchant_ids: Iterable[str], now: datetime) -> dict[str, list[Promotion]]:
    """The promotions running at ``now`` of each merchant given, by merchant id; every
    merchant given is a key (an empty list when it runs none). ONE BatchGetItem for up to
    100 merchants (one more per further 100), whatever the number of lines; no request
    for no merchant. Eventually consistent: a promotion created or ended by hand shows
    within a second; its own ``starts_at`` / ``ends_at`` are exact (``now`` decides).
    Pick the one an order gets with ``published.rules.best_promotion``."""
    return service.active_by_merchant(merchant_ids, now)
