"""Membership points commands. Each takes ``now``; each posting is one transaction
keyed by its source, so a retried command (a redelivered event, a rerun task)
posts once.

Sources: ``order:<order id>`` (earned on payment), ``redeem:<order id>``,
``checkin:<yyyy-mm-dd>``, ``team:<team id>`` (the ledger is per user already),
``adjust:<key>``; a reversal posts as ``reverse:<source>``.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum

from ..domain import points as rules
from ..domain.errors import ValidationFailed
from ..domain.ids import new_id
from ..domain.money import require_whole
from ..domain.points import AdjustmentNotAllowed, PointsRules
from ..domain.users import Principal, Role, require_user
from ..store import points as store
from ..store.points import Account, EntryPage

MAX_PAGE = 50
MAX_ADJUSTMENT = 1_000_000


class CheckInOutcome(Enum):
    CHECKED_IN = "CHECKED_IN"
    ALREADY_CHECKED_IN = "ALREADY_CHECKED_IN"


@dataclass(frozen=True, slots=True)
class CheckIn:
    outcome: CheckInOutcome
    day: date
    streak: int
    points: int  # 0 when already checked in


@dataclass(frozen=True, slots=True)
class Redemption:
    points: int
    discount: int  # fen
    applied: bool  # False: this order had redeemed before (a retry)


def _rules(config: PointsRules | None) -> PointsRules:
    return config if config is not None else store.get_rules()


# ---------------------------------------------------------------- reads
def account(user_id: str) -> Account:
    return store.get_account(user_id)


def ledger(user_id: str, first: int, after: str | None = None) -> EntryPage:
    if not 1 <= first <= MAX_PAGE:
        raise ValidationFailed(f"first is 1 to {MAX_PAGE}", "first")
    return store.ledger_page(user_id, first, after)


def tier(user_id: str, config: PointsRules | None = None) -> rules.Tier:
    return rules.tier_for(store.get_account(user_id).growth, _rules(config))


# ---------------------------------------------------------------- commands
def check_in(user_id: str, now: datetime, config: PointsRules | None = None) -> CheckIn:
    """Daily check-in: 5 points, 20 on every 7th day of a streak. A second check-in
    the same day is a no-op with ALREADY_CHECKED_IN."""
    config = _rules(config)
    today = rules.local_date(now)
    for _ in range(3):
        acc = store.get_account(user_id)
        if acc.last_check_in == today:
            return CheckIn(CheckInOutcome.ALREADY_CHECKED_IN, today, acc.streak, 0)
        streak = rules.next_streak(acc.last_check_in, acc.streak, today)
        points = rules.check_in_points(streak, config)
        try:
            posted = store.post_earn(user_id, f"checkin:{today.isoformat()}", points, now,
                                     check_in=(today, streak, acc.last_check_in))
        except rules.PointsBusy:
            continue  # a concurrent check-in: read again, it will say "already"
        if not posted:
            return CheckIn(CheckInOutcome.ALREADY_CHECKED_IN, today, store.get_account(user_id).streak, 0)
        return CheckIn(CheckInOutcome.CHECKED_IN, today, streak, points)
    raise rules.PointsBusy("check-in is busy; try again")


def earn_on_paid_order(user_id: str, order_id: str, paid_fen: int, now: datetime, *, green_fen: int = 0,
                       config: PointsRules | None = None) -> int:
    """Points for a paid order, pending until the return window closes; growth rises
    now. Returns the points (0 if the order's points were posted before)."""
    require_whole(paid_fen, "amount")
    require_whole(green_fen, "greenAmount")
    config = _rules(config)
    acc = store.get_account(user_id)
    multiplier = rules.tier_for(acc.growth, config).multiplier_permille
    points = rules.points_for_payment(paid_fen, green_fen, multiplier, config)
    growth = rules.growth_for_payment(paid_fen, config)
    if points == 0 and growth == 0:
        return 0
    posted = store.post_earn(user_id, f"order:{order_id}", points, now,
                             pending_until=rules.release_at(now, config), growth=growth)
    return points if posted else 0


def award_team_success(user_id: str, team_id: str, now: datetime, config: PointsRules | None = None) -> bool:
    """+20 for each member of a successful team (not wired into group-buy yet)."""
    return store.post_earn(user_id, f"team:{team_id}", _rules(config).team_success_points, now)


def release_due(user_id: str, now: datetime) -> int:
    """Release the user's pending points whose return window has closed; returns how many."""
    released = 0
    for due in store.due_pending(user_id, store.stamp_of(now)):
        if store.release_pending(user_id, due.source):
            released += due.amount
    return released


def reverse_on_refund(user_id: str, order_id: str, now: datetime) -> bool:
    """A refund inside the return window cancels the order's pending points, and gives
    back points the order redeemed. True if anything was reversed now."""
    changed = False
    for source in (f"order:{order_id}", f"redeem:{order_id}"):
        if store.get_source(user_id, source) is None:
            continue
        try:
            changed |= store.reverse(user_id, source, now)
        except rules.PointsAlreadyReleased:
            pass  # refunded after the window: the earned points stay (domain.md)
    return changed


def redeem(user_id: str, order_id: str, points: int, order_fen: int, now: datetime,
           config: PointsRules | None = None) -> Redemption:
    """Redeem points on an order: units of 100, at most 50% of it, never more than available."""
    config = _rules(config)
    # The account's available points are checked by the posting itself (the lots it
    # reads and its ``available >= points`` condition), after its replay check: a
    # retried redemption is answered as applied before, not as "not enough points".
    discount = rules.check_redemption(points, order_fen, rules.UNLIMITED, config)
    applied = store.spend(user_id, f"redeem:{order_id}", points, now)
    return Redemption(points, discount, applied)


def expire(user_id: str, now: datetime) -> int:
    return store.expire(user_id, now)


def adjust(principal: Principal | None, user_id: str, delta: int, reason: str, now: datetime,
           key: str | None = None) -> bool:
    """An operator's correction with a reason; ``key`` makes a retry post once."""
    principal = require_user(principal)
    if principal.role is not Role.OPERATOR:
        raise AdjustmentNotAllowed("only operators adjust points")
    if isinstance(delta, bool) or not isinstance(delta, int) or delta == 0 or abs(delta) > MAX_ADJUSTMENT:
        raise ValidationFailed(f"a non-zero whole number up to {MAX_ADJUSTMENT}", "delta")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("give a reason", "reason")
    if len(reason) > 200:
        raise ValidationFailed("at most 200 characters", "reason")
    return store.adjust(user_id, f"adjust:{key or new_id()}", delta, reason, principal.user_id, now)
