"""RFM segments for operators (docs/domain.md, "Membership points"), as a pure function.

The report's rules, exactly:

- diamond: ≥ 3 purchases in the last 30 days and an average order above ¥800;
- gold: 1–2 purchases in the last 60 days;
- silver: 1 purchase in the last 90 days;
- churn warning: no purchase in the last 90 days.

Read literally they leave gaps and overlaps; what a customer fits there is decided
here (and pinned by tests/points/test_segments.py):

1. The first rule that fits wins, in the order diamond, gold, silver, churn warning.
   A customer who buys more never lands in a lower segment than one who buys less.
2. "In the last N days" means paid at or after ``now − N × 24 h`` and not after
   ``now`` (a purchase paid exactly 30 days ago still counts for diamond). A purchase
   after ``now`` is ignored: a run with an earlier ``now`` sees the world as it was.
3. Diamond's average is over the purchases of the last 30 days only, and is strictly
   above 80,000 fen (exactly ¥800.00 on average is not diamond). It is compared in
   whole fen without rounding (``sum > 80,000 × count``).
4. Gold's "1–2" is the typical case, not a ceiling: 3 or more purchases in 60 days
   that are not diamond (average ≤ ¥800, or the third one older than 30 days) are
   gold, not silver.
5. Silver's "1" likewise: any number of purchases in the last 90 days, none of them
   in the last 60 (e.g. 2 purchases 61–90 days ago), is silver.
6. Churn warning is "none in 90 days", including customers who never bought.

A purchase is what the caller says it is (the jobs count paid group-buy orders that
were not cancelled or refunded, at the amount actually paid net of refunds).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum


class Segment(Enum):
    DIAMOND = "diamond"
    GOLD = "gold"
    SILVER = "silver"
    CHURN_WARNING = "churn_warning"


DIAMOND_WINDOW = timedelta(days=30)
DIAMOND_MIN_PURCHASES = 3
DIAMOND_MIN_AVERAGE_FEN = 80_000  # strictly above: > ¥800
GOLD_WINDOW = timedelta(days=60)
SILVER_WINDOW = timedelta(days=90)
LOOKBACK = SILVER_WINDOW  # no rule looks further back than this


@dataclass(frozen=True, slots=True)
class Purchase:
    paid_at: datetime  # aware
    amount_fen: int  # what was paid, net of refunds


def _within(purchase: Purchase, now: datetime, window: timedelta) -> bool:
    return now - window <= purchase.paid_at <= now


def classify(purchases: Iterable[Purchase], now: datetime) -> Segment:
    """The customer's segment at ``now`` from their purchases (any order, any age)."""
    if now.tzinfo is None:
        raise ValueError("aware datetimes only")
    recent = [p for p in purchases if _within(p, now, LOOKBACK)]
    last_30 = [p for p in recent if _within(p, now, DIAMOND_WINDOW)]
    if (len(last_30) >= DIAMOND_MIN_PURCHASES
            and sum(p.amount_fen for p in last_30) > DIAMOND_MIN_AVERAGE_FEN * len(last_30)):
        return Segment.DIAMOND
    if any(_within(p, now, GOLD_WINDOW) for p in recent):
        return Segment.GOLD
    if recent:
        return Segment.SILVER
    return Segment.CHURN_WARNING
