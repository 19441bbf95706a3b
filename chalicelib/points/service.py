"""Membership points commands. Each takes ``now``; each posting is one transaction
keyed by its source, so a retried command (a redelivered event, a rerun task)
posts once.

Sources are built in ``points.rules`` (order, checkout, check-in, team, post, mall);
an operator's adjustment is ``adjust:<key>``; a reversal posts as ``reverse:<source>``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import Enum
from itertools import pairwise

from chalicelib.core.clock import iso
from chalicelib.core.errors import IdempotencyKeyReused, ValidationFailed
from chalicelib.core.ids import new_id
from chalicelib.core.money import require_whole
from chalicelib.core.principal import Principal, Role, require_role, require_self, require_user
from chalicelib.core.table.paging import Page, PageRequest, as_request
from chalicelib.points import account_reads, rules, rules_store, store
from chalicelib.points.account_reads import Account, AccountView, Entry, PendingRelease
from chalicelib.points.rules import AdjustmentNotAllowed, PointsRules
from chalicelib.points.store import DailyCapReached

MAX_PAGE = 100
ADJUST_KEY = re.compile(r"[A-Za-z0-9_:.\-]{1,64}")
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
    return config if config is not None else rules_store.get_rules()


@dataclass(frozen=True, slots=True)
class Expiring:
    points: int
    on: date  # the last day they can be spent


@dataclass(frozen=True, slots=True)
class PointsSummary:
    """A customer's points page."""

    account: Account
    tier: rules.Tier
    next_tier: rules.Tier | None
    pending: tuple[PendingRelease, ...]  # soonest first
    expiring_soon: Expiring | None
    checked_in_today: bool

    @property
    def growth_to_next_tier(self) -> int:
        return max(self.next_tier.min_growth - self.account.growth, 0) if self.next_tier else 0

    @property
    def progress_percent(self) -> int:
        """0–100 through the current tier towards the next (100 at the top tier)."""
        if self.next_tier is None:
            return 100
        span = self.next_tier.min_growth - self.tier.min_growth
        return min((self.account.growth - self.tier.min_growth) * 100 // span, 100)


# ---------------------------------------------------------------- reads
def own_account(principal: Principal | None, user_id: str) -> str:
    """Whose account ``me.points`` shows: the caller's own only."""
    return require_self(principal, user_id, "your own orders, teams and points").user_id


def member_account(principal: Principal | None, user_id: str) -> str:
    """Operators read any member's account (to answer a ticket before adjusting)."""
    require_role(principal, Role.OPERATOR)
    return user_id


def check_in_caller(principal: Principal | None, now: datetime) -> CheckIn:
    """The signed-in caller's daily check-in."""
    return check_in(require_user(principal).user_id, now)


def account(user_id: str) -> Account:
    return account_reads.get_account(user_id)


def summary(user_id: str, now: datetime, config: PointsRules | None = None) -> PointsSummary:
    """One Query (the rules are cached): the account, its lots and its pending points."""
    config = _rules(config)
    view: AccountView = account_reads.account_view(user_id)
    acc = view.account
    tier = rules.tier_for(acc.growth, config)
    higher = [t for t in config.tiers if t.min_growth > tier.min_growth]
    today = rules.local_date(now)
    horizon = today + timedelta(days=config.expiring_soon_days)
    # Lots past their date but not swept yet are still spendable until the job runs.
    soon = [(on, n) for on, n in view.lots if n > 0 and on <= horizon]
    expiring = Expiring(soon[0][1], soon[0][0]) if soon else None  # one lot per date: the soonest
    return PointsSummary(acc, tier, higher[0] if higher else None,
                         tuple(sorted(view.pending, key=lambda p: p.release_at)), expiring,
                         acc.last_check_in == today)


def ledger_entry(principal: Principal | None, entry_id: str) -> Entry | None:
    """An entry of the caller's own ledger; None for anyone else's (or signed out)."""
    if principal is None:
        return None
    return account_reads.get_entry(principal.user_id, entry_id)


def ledger(user_id: str, first: int | PageRequest, after: str | None = None) -> Page[Entry]:
    request = as_request(first, after)
    if not 1 <= request.size <= MAX_PAGE:
        word = "last" if request.backward else "first"
        raise ValidationFailed(f"{word} is 1 to {MAX_PAGE}", word)
    return account_reads.ledger_page(user_id, request)


def tier(user_id: str, config: PointsRules | None = None) -> rules.Tier:
    return rules.tier_for(account_reads.get_account(user_id).growth, _rules(config))


# ---------------------------------------------------------------- commands
def check_in(user_id: str, now: datetime, config: PointsRules | None = None) -> CheckIn:
    """Daily check-in: 5 points, 20 on every 7th day of a streak. A second check-in
    the same day is a no-op with ALREADY_CHECKED_IN."""
    config = _rules(config)
    today = rules.local_date(now)
    for _ in range(3):
        acc = account_reads.get_account(user_id)
        if acc.last_check_in == today:
            return CheckIn(CheckInOutcome.ALREADY_CHECKED_IN, today, acc.streak, 0)
        streak = rules.next_streak(acc.last_check_in, acc.streak, today)
        points = rules.check_in_points(streak, config)
        try:
            posted = store.post_earn(user_id, rules.checkin_source(today), points, now,
                                     check_in=(today, streak, acc.last_check_in))
        except rules.PointsBusy:
            continue  # a concurrent check-in: read again, it will say "already"
        if not posted:
            return CheckIn(CheckInOutcome.ALREADY_CHECKED_IN, today, account_reads.get_account(user_id).streak, 0)
        return CheckIn(CheckInOutcome.CHECKED_IN, today, streak, points)
    raise rules.PointsBusy("check-in is busy; try again")


def earn_on_paid_order(user_id: str, order_id: str, paid_fen: int, now: datetime, *, green_fen: int = 0,
                       config: PointsRules | None = None) -> int:
    """Points for a paid order, pending until the return window closes; growth rises
    now. Returns the points (0 if the order's points were posted before)."""
    require_whole(paid_fen, "amount")
    require_whole(green_fen, "greenAmount")
    config = _rules(config)
    acc = account_reads.get_account(user_id)
    multiplier = rules.tier_for(acc.growth, config).multiplier_permille
    points = rules.points_for_payment(paid_fen, green_fen, multiplier, config)
    growth = rules.growth_for_payment(paid_fen, config)
    if points == 0 and growth == 0:
        return 0
    posted = store.post_earn(user_id, rules.order_source(order_id), points, now,
                             pending_until=rules.release_at(now, config), growth=growth)
    return points if posted else 0


def award_team_success(user_id: str, team_id: str, now: datetime, config: PointsRules | None = None) -> bool:
    """+20 for a member of a successful team; once per member and team."""
    amount = _rules(config).team_success_points
    return amount > 0 and store.post_earn(user_id, rules.team_source(team_id), amount, now)


def award_post(user_id: str, post_id: str, now: datetime, config: PointsRules | None = None) -> int:
    """An approved post: 10 points, for at most 3 posts a (China) day. Returns the
    points awarded: 0 when the day's cap was reached or the post was rewarded before."""
    config = _rules(config)
    if config.post_points <= 0 or config.posts_per_day <= 0:
        return 0
    try:
        posted = store.post_earn(user_id, rules.post_source(post_id), config.post_points, now,
                                 daily_cap=(rules.local_date(now), config.posts_per_day))
    except DailyCapReached:
        return 0
    return config.post_points if posted else 0


def release_due(user_id: str, now: datetime) -> int:
    """Release the user's pending points whose return window has closed; returns how many."""
    # What each release says it released: a partial refund may cancel a share after the read.
    due_by = iso(now)
    return sum(store.release_pending(user_id, due.source, due_by) for due in account_reads.due_pending(user_id, due_by))


def reverse_on_refund(user_id: str, order_id: str, now: datetime) -> bool:
    """A refund inside the return window cancels the order's pending points, and gives
    back points the order redeemed. True if anything was reversed now."""
    changed = False
    for source in (rules.order_source(order_id), rules.checkout_source(order_id)):
        if account_reads.get_source(user_id, source) is None:
            continue
        try:
            changed |= store.reverse(user_id, source, now)
        except rules.PointsAlreadyReleased:
            pass  # refunded after the window: the earned points stay (domain.md)
    return changed


def return_checkout_points(user_id: str, order_id: str, now: datetime) -> bool:
    """An unpaid order was cancelled (by its buyer or its payment window): the points
    it took at checkout go back to the lots they came from. True if returned now."""
    source = rules.checkout_source(order_id)
    if account_reads.get_source(user_id, source) is None:
        return False
    return store.reverse(user_id, source, now)


def redeem(user_id: str, order_id: str, points: int, order_fen: int, now: datetime,
           config: PointsRules | None = None) -> Redemption:
    """Redeem points on an order: units of 100, at most 50% of it, never more than available."""
    config = _rules(config)
    # The account's available points are checked by the posting itself (the lots it
    # reads and its ``available >= points`` condition), after its replay check: a
    # retried redemption is answered as applied before, not as "not enough points".
    discount = rules.check_redemption(points, order_fen, rules.UNLIMITED, config)
    applied = store.spend(user_id, rules.checkout_source(order_id), points, now)
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
        raise ValidationFailed(f"a non-zero whole number up to {MAX_ADJUSTMENT}", "points")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("give a reason", "reason")
    if len(reason) > 200:
        raise ValidationFailed("at most 200 characters", "reason")
    if key is not None and not ADJUST_KEY.fullmatch(key):
        raise ValidationFailed("a key is 1 to 64 letters, digits or -_:.", "idempotencyKey")
    source = f"adjust:{key or new_id()}"
    earlier = account_reads.get_source(user_id, source) if key else None
    if earlier is not None and int(earlier.amount) != abs(delta):
        raise IdempotencyKeyReused("this key was used for another adjustment", "idempotencyKey")
    return store.adjust(user_id, source, delta, reason, principal.user_id, now)


# ---------------------------------------------------------------- rules
def rules_now() -> PointsRules:
    return rules_store.get_rules()


def update_rules(principal: Principal | None, changes: dict, now: datetime) -> PointsRules:
    """An operator changes some rules; the others keep their values. Takes effect in
    every container within a minute (the rules are cached that long)."""
    principal = require_user(principal)
    if principal.role is not Role.OPERATOR:
        raise AdjustmentNotAllowed("only operators change the points rules")
    for name, value in changes.items():
        if name == "tiers":
            continue
        low, high = RULE_BOUNDS[name]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValidationFailed(f"a whole number from {low} to {high}", _camel(name))
    if "tiers" in changes:
        _check_tiers(changes["tiers"])
    merged = {**rules_store.get_rules().to_dict(), **changes}
    try:
        updated = PointsRules.from_dict(merged)
    except (TypeError, ValueError) as error:
        raise ValidationFailed(str(error), "input") from error
    rules_store.put_rules(updated, now)
    return updated


# Each rule's sensible range: beyond it a value is a typo that would break earning,
# dates (a 10**9-day window) or checkout.
RULE_BOUNDS: dict[str, tuple[int, int]] = {
    "fen_per_point": (1, 100_000), "green_multiplier": (1, 10), "check_in_points": (0, 10_000),
    "streak_bonus_day": (1, 365), "streak_bonus_points": (0, 10_000), "post_points": (0, 10_000),
    "posts_per_day": (0, 100), "team_success_points": (0, 10_000), "growth_per_yuan": (0, 100),
    "redeem_points_per_unit": (1, 100_000), "redeem_fen_per_unit": (1, 100_000), "redeem_max_percent": (0, 100),
    "pending_days": (0, 365), "expiring_soon_days": (0, 366),
}


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _check_tiers(tiers: list[rules.Tier]) -> None:
    if not tiers:
        raise ValidationFailed("give at least one tier", "tiers")
    names = [t.name.strip() for t in tiers]
    if any(not n or len(n) > 20 for n in names) or len(set(names)) != len(names):
        raise ValidationFailed("tier names are distinct, 1 to 20 characters", "tiers")
    if tiers[0].min_growth != 0 or any(a.min_growth >= b.min_growth for a, b in pairwise(tiers)):
        raise ValidationFailed("tiers start at 0 growth and rise strictly", "tiers")
    if any(t.multiplier_permille < 1000 or t.multiplier_permille > 10_000 for t in tiers):
        raise ValidationFailed("multipliers are 1000 (1×) to 10000 (10×) per mille", "tiers")
