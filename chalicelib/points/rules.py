"""Membership points (积分), growth value (成长值) and tiers: the rules, as pure functions.

Points and money are ints (money in fen); multipliers are integer per-mille. The
defaults are the decided ones in docs/domain.md; ``PointsRules`` is the
configuration a deployment may store and override.

Days and years are China Standard Time (UTC+8, no daylight saving): a check-in
"today" and "the calendar year a point was earned" are the customer's.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from enum import Enum

from chalicelib.core.clock import CHINA
from chalicelib.core.errors import (
    Conflict,
    DomainError,
    ErrorCode,
    Forbidden,
    InvalidState,
    NotFound,
    ValidationFailed,
)


class EntryKind(Enum):
    EARN = "earn"
    REDEEM = "redeem"
    EXPIRE = "expire"
    REVERSE = "reverse"
    ADJUST = "adjust"


@dataclass(frozen=True, slots=True)
class Tier:
    name: str
    min_growth: int
    multiplier_permille: int  # 1000 = 1×, 1200 = 1.2×


DEFAULT_TIERS: tuple[Tier, ...] = (
    Tier("bronze", 0, 1000),
    Tier("silver", 1_000, 1200),
    Tier("gold", 5_000, 1500),
    Tier("diamond", 20_000, 2000),
)


@dataclass(frozen=True)
class PointsRules:
    fen_per_point: int = 100  # 1 point per ¥1 actually paid, rounded down
    green_multiplier: int = 2
    check_in_points: int = 5
    streak_bonus_day: int = 7  # every 7th consecutive day (7, 14, ...) earns the bonus instead
    streak_bonus_points: int = 20
    post_points: int = 10
    posts_per_day: int = 3
    team_success_points: int = 20
    growth_per_yuan: int = 1  # growth value: 1 per ¥1 paid (assumption: domain.md gives no rate)
    tiers: tuple[Tier, ...] = field(default=DEFAULT_TIERS)
    redeem_points_per_unit: int = 100  # 100 points ...
    redeem_fen_per_unit: int = 100  # ... are ¥1 off
    redeem_max_percent: int = 50  # of the order's amount
    pending_days: int = 7  # no-reason return window
    expiring_soon_days: int = 60  # lots expiring within this many days are shown as "expiring soon"

    def __post_init__(self) -> None:
        if not self.tiers or self.tiers[0].min_growth != 0:
            raise ValueError("the first tier starts at 0 growth")
        if list(self.tiers) != sorted(self.tiers, key=lambda t: t.min_growth):
            raise ValueError("tiers are ordered by growth")
        for name in ("fen_per_point", "redeem_points_per_unit", "redeem_fen_per_unit", "streak_bonus_day"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise ValueError(f"{name} must be a positive int")

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> PointsRules:
        data = dict(data)
        if "tiers" in data:
            data["tiers"] = tuple(Tier(**t) if isinstance(t, dict) else t for t in data["tiers"])
        return cls(**data)


DEFAULT_RULES = PointsRules()
UNLIMITED = 10**18  # "any number of points available", for checks made before the balance is known


# ---------------------------------------------------------------- errors
class InsufficientPoints(DomainError):
    code = ErrorCode.NOT_ENOUGH_POINTS


class PointsAlreadyReleased(InvalidState):
    """A refund after the return window: the order's points are the customer's."""


class InvalidRedemption(ValidationFailed):
    """Not a positive whole number of points."""


class RedemptionOverCap(InvalidRedemption):
    code = ErrorCode.POINTS_OVER_CAP


class WrongPointsUnit(InvalidRedemption):
    code = ErrorCode.POINTS_WRONG_UNIT


class AlreadyCheckedIn(DomainError):
    """Reported beside a check-in's result: the second one today changed nothing."""

    code = ErrorCode.ALREADY_CHECKED_IN


class AdjustmentNotAllowed(Forbidden):
    pass


class NoSuchPosting(NotFound):
    pass


class PointsBusy(Conflict):
    """Optimistic retries ran out (only under heavy contention on one account)."""


# ---------------------------------------------------------------- sources
# A posting's source names what caused it; the ledger posts each source once per user.
def order_source(order_id: str) -> str:
    return f"order:{order_id}"


def checkout_source(order_id: str) -> str:
    return f"redeem:{order_id}"


def checkin_source(day: date) -> str:
    return f"checkin:{day.isoformat()}"


def team_source(team_id: str) -> str:
    return f"team:{team_id}"


def post_source(post_id: str) -> str:
    return f"post:{post_id}"


def mall_source(redemption_id: str) -> str:
    return f"mall:{redemption_id}"


def reverse_source(source: str) -> str:
    return f"reverse:{source}"


def refund_source(refund_id: str) -> str:
    """An after-sales refund's share of an order's earned points, taken once."""
    return f"refund:{refund_id}"


def give_back_source(refund_id: str) -> str:
    """Points spent at checkout on a refund's lines, given back once."""
    return f"giveback:{refund_id}"


# ---------------------------------------------------------------- time
def local_date(moment: datetime) -> date:
    if moment.tzinfo is None:
        raise ValueError("aware datetimes only")
    return moment.astimezone(CHINA).date()


def expires_on(earned_at: datetime) -> date:
    """Points expire at the end of the calendar year after the year they were earned:
    the last day they can be spent."""
    return date(local_date(earned_at).year + 1, 12, 31)


def is_expired(lot_expires_on: date, now: datetime) -> bool:
    return local_date(now) > lot_expires_on


def release_at(paid_at: datetime, rules: PointsRules = DEFAULT_RULES) -> datetime:
    return paid_at + timedelta(days=rules.pending_days)


# ---------------------------------------------------------------- earning
def tier_for(growth: int, rules: PointsRules = DEFAULT_RULES) -> Tier:
    current = rules.tiers[0]
    for tier in rules.tiers:
        if growth >= tier.min_growth:
            current = tier
    return current


def points_for_payment(paid_fen: int, green_fen: int = 0, multiplier_permille: int = 1000,
                       rules: PointsRules = DEFAULT_RULES) -> int:
    """1 point per ¥1 paid, green goods ×2, times the tier's multiplier; rounded down
    once, at the end, so splitting an order never loses a point."""
    if paid_fen < 0 or not 0 <= green_fen <= paid_fen:
        raise ValidationFailed("green amount is part of the paid amount", "greenAmount")
    weighted = paid_fen + (rules.green_multiplier - 1) * green_fen
    return weighted * multiplier_permille // (rules.fen_per_point * 1000)


def growth_for_payment(paid_fen: int, rules: PointsRules = DEFAULT_RULES) -> int:
    return paid_fen // 100 * rules.growth_per_yuan


def check_in_points(streak: int, rules: PointsRules = DEFAULT_RULES) -> int:
    """``streak`` counts today: 1 on the first day."""
    return rules.streak_bonus_points if streak % rules.streak_bonus_day == 0 else rules.check_in_points


def next_streak(last_check_in: date | None, previous_streak: int, today: date) -> int:
    if last_check_in is not None and last_check_in == today - timedelta(days=1):
        return previous_streak + 1
    return 1


def post_points(posts_rewarded_today: int, rules: PointsRules = DEFAULT_RULES) -> int:
    return rules.post_points if posts_rewarded_today < rules.posts_per_day else 0


# ---------------------------------------------------------------- redeeming
def redeemable_max(order_fen: int, available: int, rules: PointsRules = DEFAULT_RULES) -> int:
    """Most points an order may take: ≤ 50% of its amount, ≤ what is available,
    in whole units of 100 points."""
    unit = rules.redeem_points_per_unit
    max_discount = order_fen * rules.redeem_max_percent // 100
    by_order = max_discount // rules.redeem_fen_per_unit * unit
    return min(by_order, available // unit * unit)


def discount_for(points: int, rules: PointsRules = DEFAULT_RULES) -> int:
    return points // rules.redeem_points_per_unit * rules.redeem_fen_per_unit


def check_redemption(points: int, order_fen: int, available: int, rules: PointsRules = DEFAULT_RULES) -> int:
    """The discount in fen for redeeming ``points`` on an order, or a typed error."""
    if isinstance(points, bool) or not isinstance(points, int) or points <= 0:
        raise InvalidRedemption("redeem a positive number of points", "points")
    if points % rules.redeem_points_per_unit:
        raise WrongPointsUnit(f"redeem in units of {rules.redeem_points_per_unit} points", "points")
    if points > redeemable_max(order_fen, UNLIMITED, rules):
        raise RedemptionOverCap(f"at most {rules.redeem_max_percent}% of the order", "points")
    if points > available:
        raise InsufficientPoints("not enough points", "points")
    return discount_for(points, rules)


# ---------------------------------------------------------------- lots
def consume_oldest_first(lots: list[tuple[date, int]], amount: int) -> list[tuple[date, int]]:
    """What to take from each lot (oldest expiry first) to make ``amount``.
    Raises InsufficientPoints if the lots do not hold it."""
    if amount <= 0:
        raise ValueError("consume a positive amount")
    taken: list[tuple[date, int]] = []
    left = amount
    for expiry, remaining in sorted(lots):
        if left == 0:
            break
        if remaining <= 0:
            continue
        take = min(remaining, left)
        taken.append((expiry, take))
        left -= take
    if left:
        raise InsufficientPoints("not enough points", "points")
    return taken


# ---------------------------------------------------------------- partial refunds
def refunded_share(whole: int, refunded_before: int, refunded_now: int, paid_total: int) -> int:
    """The part of ``whole`` (an order's points or growth) a refund takes: cumulative and
    exact, floor(whole·(before+now)/paid) − floor(whole·before/paid), so refunds that
    add up to the amount paid take exactly ``whole``, however they were split."""
    for name, value in (("refundedBefore", refunded_before), ("refundedNow", refunded_now),
                        ("paidTotal", paid_total)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValidationFailed("a whole number of fen, 0 or more", name)
    if paid_total == 0 or refunded_before + refunded_now > paid_total:
        raise ValidationFailed("refunds add up to at most what was paid", "refundedNow")
    return whole * (refunded_before + refunded_now) // paid_total - whole * refunded_before // paid_total


def give_back_plan(spent_from: list[tuple[date, int]], points: int) -> list[tuple[date, int]]:
    """Which of a redemption's lots get ``points`` back: the latest expiry first, so the
    buyer keeps them longest (and fewer expire at once when a lot's date has passed)."""
    plan: list[tuple[date, int]] = []
    left = points
    for expiry, spent in sorted(spent_from, reverse=True):
        if left == 0:
            break
        back = min(spent, left)
        if back > 0:
            plan.append((expiry, back))
            left -= back
    return plan


# ---------------------------------------------------------------- ledger text
_EARNED_FOR = {
    "order": "Order paid (订单支付)",
    "checkin": "Daily check-in (每日签到)",
    "team": "Group-buy team succeeded (拼团成功)",
    "post": "Post approved (种草笔记通过审核)",
}
_REVERSED = {
    "order": "Order refunded: its points cancelled (订单退款，积分取消)",
    "redeem": "Order cancelled or refunded: points returned (订单取消或退款，积分退回)",
    "mall": "Mall redemption cancelled: points returned (兑换取消，积分退回)",
}
_PARTLY_REFUNDED = {
    "refund": "Order partly refunded: its points taken back (部分退款，积分扣回)",
    "giveback": "Order partly refunded: points used returned (部分退款，抵扣积分退回)",
}


def describe_entry(kind: EntryKind, source: str, reason: str | None = None, pending: bool = False) -> str:
    """What a customer reads beside a ledger entry (English, then Chinese)."""
    prefix = source.split(":", 1)[0]
    if kind is EntryKind.EARN:
        text = _EARNED_FOR.get(prefix, "Points earned (获得积分)")
        return f"{text}, pending until the return window closes (退货期后到账)" if pending else text
    if kind is EntryKind.REDEEM:
        if prefix == "mall":
            return f"Points mall: {reason} (积分商城兑换)" if reason else "Points mall (积分商城兑换)"
        return "Used at checkout (下单抵扣)"
    if kind is EntryKind.EXPIRE:
        return "Expired at the end of the year after they were earned (积分过期)"
    if kind is EntryKind.REVERSE and prefix in _PARTLY_REFUNDED:
        return _PARTLY_REFUNDED[prefix]
    if kind is EntryKind.REVERSE:
        original = source.split(":", 1)[1] if ":" in source else ""
        return _REVERSED.get(original.split(":", 1)[0], "Reversed (冲正)")
    return f"Adjusted by Tuanstack: {reason} (客服调整)" if reason else "Adjusted by Tuanstack (客服调整)"
