"""A merchant's automatic promotions (满减 tiers), pure.

"满 ¥99 减 ¥10, 满 ¥199 减 ¥30": when the products a promotion covers add up to a
tier's threshold, that tier's amount comes off. At checkout they apply first, before
coupons and points (issue 11, "Stacking").

Decided here (the issue is silent):
- A tier takes off less than its threshold (an order never becomes free through a
  promotion); thresholds strictly increase and amounts never decrease, 1 to 5 tiers.
- Only the highest tier reached applies (tiers do not add up).
- A merchant order gets at most ONE automatic promotion: the one taking the most off;
  on a tie, the one created first (the lower id).
- A merchant has at most 10 current (running or upcoming) promotions; ended ones are
  dropped on every write.
- Time decides: a promotion runs from ``starts_at`` (included) to ``ends_at`` (excluded).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from chalicelib.core.errors import LimitReached, NotFound, ValidationFailed
from chalicelib.core.money import require_whole
from chalicelib.core.text import clean_line

MIN_TIERS = 1
MAX_TIERS = 5
MAX_PROMOTIONS = 10  # current ones per merchant: they all live in one item
MAX_TITLE = 40
MAX_PRODUCTS = 100  # products one promotion may name (one BatchGetItem checks them)
MAX_THRESHOLD = 100_000_000  # fen: ¥1,000,000
MAX_DURATION = timedelta(days=366)


@dataclass(frozen=True)
class Tier:
    """满 ``threshold`` 减 ``amount_off``, both in fen."""

    threshold: int
    amount_off: int

    @property
    def summary(self) -> str:
        return f"满{yuan(self.threshold)}减{yuan(self.amount_off)}"


@dataclass(frozen=True)
class Promotion:
    id: str
    merchant_id: str
    title: str
    tiers: tuple[Tier, ...]
    product_ids: frozenset[str]  # empty: every product of the merchant
    starts_at: datetime
    ends_at: datetime

    def covers(self, product_id: str) -> bool:
        return not self.product_ids or product_id in self.product_ids

    @property
    def summary(self) -> str:
        return "，".join(tier.summary for tier in self.tiers)


def yuan(fen: int) -> str:
    """¥99, ¥9.90: whole yuan without decimals, as shops print them."""
    whole, cents = divmod(fen, 100)
    return f"¥{whole}" if cents == 0 else f"¥{whole}.{cents:02d}"


# ---------------------------------------------------------------- time and amounts
def is_active(promotion: Promotion, now: datetime) -> bool:
    return promotion.starts_at <= now < promotion.ends_at


def has_ended(promotion: Promotion, now: datetime) -> bool:
    return promotion.ends_at <= now


def promotion_discount(promotion: Promotion, eligible_amount: int) -> int:
    """Fen off ``eligible_amount``: the highest tier reached, 0 below the first, never more than eligible."""
    reached = [tier.amount_off for tier in promotion.tiers if tier.threshold <= eligible_amount]
    return min(max(reached, default=0), max(eligible_amount, 0))


def eligible_amount(promotion: Promotion, lines_amounts_by_product: Mapping[str, int]) -> int:
    """The order's lines whose product the promotion covers, added up (fen)."""
    return sum(amount for product_id, amount in lines_amounts_by_product.items() if promotion.covers(product_id))


def best_promotion(promotions: Iterable[Promotion], lines_amounts_by_product: Mapping[str, int],
                   now: datetime) -> tuple[Promotion | None, int]:
    """The one promotion a merchant order gets, and its fen off: among the active ones,
    the one taking the most off (a tie: the lower id). (None, 0) when none takes anything."""
    best: tuple[Promotion | None, int] = (None, 0)
    for promotion in sorted(promotions, key=lambda p: p.id):
        if not is_active(promotion, now):
            continue
        off = promotion_discount(promotion, eligible_amount(promotion, lines_amounts_by_product))
        if off > best[1]:
            best = (promotion, off)
    return best


# ---------------------------------------------------------------- validation
def validate_tiers(tiers: Iterable[Tier], field: str = "tiers") -> tuple[Tier, ...]:
    checked = tuple(tiers)
    if not MIN_TIERS <= len(checked) <= MAX_TIERS:
        raise ValidationFailed(f"give {MIN_TIERS} to {MAX_TIERS} tiers", field)
    previous: Tier | None = None
    for index, tier in enumerate(checked):
        at = f"{field}.{index}"
        require_whole(tier.threshold, f"{at}.threshold", minimum=2, maximum=MAX_THRESHOLD)
        require_whole(tier.amount_off, f"{at}.amountOff", minimum=1, maximum=MAX_THRESHOLD)
        if tier.amount_off >= tier.threshold:
            raise ValidationFailed("must be less than the threshold (an order never becomes free)",
                                   f"{at}.amountOff")
        if previous is not None:
            if tier.threshold <= previous.threshold:
                raise ValidationFailed("thresholds must increase from one tier to the next", f"{at}.threshold")
            if tier.amount_off < previous.amount_off:
                raise ValidationFailed("a higher tier cannot take off less than a lower one", f"{at}.amountOff")
        previous = tier
    return checked


def validate_promotion(promotion: Promotion, now: datetime) -> Promotion:
    """A new promotion as the merchant gave it: a clear typed error naming the input field."""
    title = clean_line(promotion.title, "title", max_length=MAX_TITLE)
    tiers = validate_tiers(promotion.tiers)
    if len(promotion.product_ids) > MAX_PRODUCTS:
        raise ValidationFailed(f"at most {MAX_PRODUCTS} products; leave it empty for all your products",
                               "productIds")
    if promotion.ends_at <= promotion.starts_at:
        raise ValidationFailed("must be after startsAt", "endsAt")
    if promotion.ends_at <= now:
        raise ValidationFailed("must be in the future", "endsAt")
    if promotion.ends_at - promotion.starts_at > MAX_DURATION:
        raise ValidationFailed(f"a promotion runs at most {MAX_DURATION.days} days", "endsAt")
    return replace(promotion, title=title, tiers=tiers)


# ---------------------------------------------------------------- a merchant's list
def current(promotions: Iterable[Promotion], now: datetime) -> tuple[Promotion, ...]:
    """What the merchant's item keeps: running and upcoming promotions, oldest first."""
    return tuple(sorted((p for p in promotions if not has_ended(p, now)), key=lambda p: p.id))


def with_added(promotions: Iterable[Promotion], new: Promotion, now: datetime) -> tuple[Promotion, ...]:
    kept = current(promotions, now)
    if len(kept) >= MAX_PROMOTIONS:
        raise LimitReached(f"a merchant runs at most {MAX_PROMOTIONS} promotions at a time; end one first")
    return current((*kept, new), now)


def without(promotions: Iterable[Promotion], promotion_id: str,
            now: datetime) -> tuple[tuple[Promotion, ...], Promotion]:
    """The list once ``promotion_id`` ended now, and that promotion as ended (an upcoming
    one ends before it started: both of its times become ``now``)."""
    kept = current(promotions, now)
    found = next((p for p in kept if p.id == promotion_id), None)
    if found is None:
        raise NotFound("no such running or upcoming promotion", "promotionId")
    ended = replace(found, starts_at=min(found.starts_at, now), ends_at=now)
    return tuple(p for p in kept if p.id != promotion_id), ended
