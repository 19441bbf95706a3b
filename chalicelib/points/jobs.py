"""Scheduled membership points jobs, each a function of ``now``.

- ``release_pending`` (hourly): pending order points whose return window has closed
  become available (``points.release_due``, per user).
- ``expire_points`` (daily, just after midnight China time): lots past their expiry
  date are swept (``points.expire``, per user, oldest lot first).
- ``recompute_standing`` (daily): every account's tier (from growth and the stored
  rules) and RFM segment (``segments``, from the user's purchase history) are
  written onto the account when they changed.

Every job is idempotent and resumable: the per-user operations are (a released
earning or a swept lot posts once, guarded in its transaction), the tier/segment
write is conditional on what was read and skipped when nothing changed, and a second
run with the same ``now`` finds nothing to do. Release and expiry find their work in
index partitions that the work itself empties, so any later run (the next scheduled
one, or one on demand) carries on where a stopped run left off. The account walk is
resumed with the ``resume`` cursor a stopped run returns.

Work per invocation is bounded by a ``Budget``: the Lambda's remaining time less a
margin (the functions have a 15-minute timeout), and optionally ``maxUsers``. A run
that hits it stops between users and says ``complete: false`` (metric
``PointsJobsIncomplete``, and a warning log).

Scaling: a user costs about 3 requests to release or sweep and 1–2 to re-segment (a
few ms each in-region), so one invocation handles some 50,000–150,000 users; the
release job also makes a fixed 8 shards × 15 days of mostly empty Queries an hour.
A stopped release or expiry run is finished by the next one; a stopped scheduled
tier run is not (the next day starts over; on demand, pass its ``resume``). Past
that size, run one execution per shard (``shards: [n]`` in the event's detail:
eight EventBridge rules with that input, or a Step Functions Map over the shards),
which multiplies throughput by ``POINTS_SHARDS``; the shard count itself is the next
lever (it re-keys the job indexes).
"""
from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from chalicelib.core.clock import accept, iso
from chalicelib.core.errors import ValidationFailed
from chalicelib.core.observability import count, flush_metrics, logger
from chalicelib.points import jobs_store, rules, rules_store, segments
from chalicelib.points import service as points
from chalicelib.points.keys import POINTS_SHARDS
from chalicelib.purchases.published import paid_orders_newest_first

RELEASE_PENDING = "release-pending"
EXPIRE = "expire"
RECOMPUTE_TIERS = "recompute-tiers"

DEFAULT_LOOKBACK_DAYS = 14  # pending earnings due up to this many UTC days ago are still found
DEFAULT_EXPIRY_YEARS = 3  # expiry dates (Dec 31) looked at: the last N years
MARGIN_MS = 30_000  # stop with this much of the Lambda's time left (a tenth of it if shorter)
# The purchase history is in order of creation and an order is paid within its payment
# window (minutes) of being created: reading a day past the lookback finds every purchase in it.
ORDER_SLACK = timedelta(days=1)
STALE_RETRIES = 3  # an account changing under the tier job: read it again this many times


MonotonicSeconds = float  # a time.monotonic() reading: time, never money or points


class Budget:
    """When a run stops: at ``deadline`` (a ``time.monotonic()`` value) or after
    ``max_users`` users, whichever comes first; None is no limit."""

    def __init__(self, deadline: MonotonicSeconds | None = None, max_users: int | None = None) -> None:
        self.deadline = deadline
        self.max_users = max_users

    @classmethod
    def for_invocation(cls, context: Any = None, max_users: int | None = None) -> Budget:
        remaining = getattr(context, "get_remaining_time_in_millis", None)
        deadline = None
        if remaining is not None:
            left = remaining()
            deadline = time.monotonic() + (left - min(MARGIN_MS, left // 10)) / 1000
        return cls(deadline, max_users)

    def spent(self, users: int) -> bool:
        if self.max_users is not None and users >= self.max_users:
            return True
        return self.deadline is not None and time.monotonic() >= self.deadline


UNLIMITED = Budget()


@dataclass
class _Run:
    job: str
    now: datetime
    users: int = 0
    points: int = 0
    tiers_changed: int = 0
    segments_changed: int = 0
    errors: int = 0
    complete: bool = True
    resume: dict | None = None

    def summary(self) -> dict[str, Any]:
        result: dict[str, Any] = {"job": self.job, "now": iso(self.now), "users": self.users}
        if self.job == RELEASE_PENDING:
            result["pointsReleased"] = self.points
        elif self.job == EXPIRE:
            result["pointsExpired"] = self.points
        else:
            result.update(tiersChanged=self.tiers_changed, segmentsChanged=self.segments_changed)
        result.update(errors=self.errors, complete=self.complete)
        if self.resume is not None:
            result["resume"] = self.resume
        return result

    def visit(self, user_id: str, work: Callable[..., None], *args: Any) -> None:
        """One user's work; a failure is logged and counted, and the run goes on (a
        later run retries it: the user's items are still in the index)."""
        self.users += 1
        try:
            work(*args)
        except Exception:  # noqa: BLE001 - one account must not stop everyone else's
            self.errors += 1
            logger.exception("points job failed for a user", extra={"job": self.job, "user_id": user_id})


def _shards(shards: Iterable[int] | None) -> list[int]:
    return list(range(POINTS_SHARDS)) if shards is None else sorted(set(shards))


def _utc_day(moment: datetime) -> date:
    return moment.astimezone(UTC).date()


# ---------------------------------------------------------------- release pending points
def release_pending(now: datetime, *, lookback_days: int = DEFAULT_LOOKBACK_DAYS, shards: Iterable[int] | None = None,
                    budget: Budget = UNLIMITED) -> dict[str, Any]:
    """Release every user with pending points due by ``now``: for each shard and each
    UTC release day from ``now − lookback_days`` to today, the due part of that day's
    partition; each user once (``release_due`` releases all their due earnings)."""
    run = _Run(RELEASE_PENDING, now)
    today = _utc_day(now)
    days = [today - timedelta(days=back) for back in range(lookback_days, -1, -1)]
    seen: set[str] = set()

    def release(user_id: str) -> None:
        run.points += points.release_due(user_id, now)

    for shard in _shards(shards):
        for day in days:
            start = None
            while True:
                if budget.spent(run.users):
                    return _stopped(run)
                due, start = jobs_store.pending_due_page(day, shard, now, start)
                for item in due:
                    if item.user_id in seen:
                        continue
                    if budget.spent(run.users):
                        return _stopped(run)
                    seen.add(item.user_id)
                    run.visit(item.user_id, release, item.user_id)
                if start is None:
                    break
    return _done(run, "PointsReleased")


# ---------------------------------------------------------------- expire points
def expiry_dates(now: datetime, years: int = DEFAULT_EXPIRY_YEARS) -> list[date]:
    """The expiry dates that have passed at ``now``, oldest first: Dec 31 of each of
    the ``years`` calendar years (China time) before the current one. Points expire
    at the end of the year after the one they were earned in, so a lot's date is
    always a Dec 31."""
    year = rules.local_date(now).year
    return [date(year - back, 12, 31) for back in range(years, 0, -1)]


def expire_points(now: datetime, *, years: int = DEFAULT_EXPIRY_YEARS, shards: Iterable[int] | None = None,
                  budget: Budget = UNLIMITED) -> dict[str, Any]:
    """Sweep every user holding a lot whose date has passed (``points.expire`` takes
    all of a user's expired lots, oldest first, whichever date found the user)."""
    run = _Run(EXPIRE, now)
    seen: set[str] = set()

    def sweep(user_id: str) -> None:
        run.points += points.expire(user_id, now)

    for shard in _shards(shards):
        for expires_on in expiry_dates(now, years):
            start = None
            while True:
                if budget.spent(run.users):
                    return _stopped(run)
                users, start = jobs_store.lots_expiring_page(expires_on, shard, start)
                for user_id in users:
                    if user_id in seen:
                        continue
                    if budget.spent(run.users):
                        return _stopped(run)
                    seen.add(user_id)
                    run.visit(user_id, sweep, user_id)
                if start is None:
                    break
    return _done(run, "PointsExpired")


# ---------------------------------------------------------------- tiers and RFM segments
def purchases(user_id: str, now: datetime) -> list[segments.Purchase]:
    """The user's purchases that can matter at ``now``: paid orders not refunded (the
    purchase history keeps exactly those, net of partial refunds), newest first;
    stops reading past the segments' lookback."""
    oldest = now - segments.LOOKBACK - ORDER_SLACK
    found: list[segments.Purchase] = []
    for order in paid_orders_newest_first(user_id):
        if order.paid_at < oldest:
            break
        found.append(segments.Purchase(order.paid_at, order.amount))
    return found


def standing_for(growth: int, user_purchases: list[segments.Purchase], now: datetime,
                 config: rules.PointsRules) -> tuple[str, str]:
    """(tier name, segment value) for an account."""
    return rules.tier_for(growth, config).name, segments.classify(user_purchases, now).value


def recompute_standing(now: datetime, *, shards: Iterable[int] | None = None, resume: Mapping[str, Any] | None = None,
                       budget: Budget = UNLIMITED, config: rules.PointsRules | None = None) -> dict[str, Any]:
    """Every account's tier and segment, written only where they changed. ``resume``
    ({shard, after}) continues a run that stopped: from that shard, after that user."""
    run = _Run(RECOMPUTE_TIERS, now)
    config = config if config is not None else rules_store.get_rules()
    order = _shards(shards)
    if resume:
        order = [shard for shard in order if shard >= int(resume["shard"])]

    def recompute(seen: jobs_store.Standing) -> None:
        user_purchases = purchases(seen.user_id, now)
        for _ in range(STALE_RETRIES):
            tier, segment = standing_for(seen.growth, user_purchases, now, config)
            if tier == seen.tier and segment == seen.segment:
                return
            if jobs_store.record_standing(seen, tier, segment, now):
                run.tiers_changed += int(tier != seen.tier)
                run.segments_changed += int(segment != seen.segment)
                return
            fresh = jobs_store.standing(seen.user_id)  # changed since the index was read
            if fresh is None:
                return
            seen = fresh
        raise rules.PointsBusy("the account kept changing; the next run retries it")

    for shard in order:
        after = resume.get("after") if resume and int(resume["shard"]) == shard else None
        while True:
            if budget.spent(run.users):
                return _stopped(run, {"shard": shard, "after": after})
            page = jobs_store.accounts_page(shard, after)
            for account in page.items:
                if budget.spent(run.users):
                    return _stopped(run, {"shard": shard, "after": after})
                run.visit(account.user_id, recompute, account)
                after = account.user_id
            if not page.has_more:
                break
            after = page.end
    return _done(run)


def _stopped(run: _Run, resume: dict | None = None) -> dict[str, Any]:
    run.complete = False
    run.resume = resume
    count("PointsJobsIncomplete")
    return _done(run)


def _done(run: _Run, points_metric: str | None = None) -> dict[str, Any]:
    if points_metric and run.points:
        count(points_metric, run.points)
    if run.tiers_changed:
        count("TierChanged", run.tiers_changed)
    if run.segments_changed:
        count("SegmentChanged", run.segments_changed)
    if run.errors:
        count("PointsJobErrors", run.errors)
    return run.summary()


# ---------------------------------------------------------------- scheduled entry point
JOBS: dict[str, Callable[..., dict[str, Any]]] = {
    RELEASE_PENDING: release_pending,
    EXPIRE: expire_points,
    RECOMPUTE_TIERS: recompute_standing,
}
# What an on-demand run may put in the event's detail, besides ``now`` and ``maxUsers``.
OPTIONS = {
    RELEASE_PENDING: {"lookbackDays": "lookback_days", "shards": "shards"},
    EXPIRE: {"years": "years", "shards": "shards"},
    RECOMPUTE_TIERS: {"shards": "shards", "resume": "resume"},
}


def parse_now(text: str) -> datetime:
    """An ISO 8601 time with its zone (``2025-06-08T12:00:00+08:00``, ``...Z``), in
    core.clock's range; else ValueError, as for the other options."""
    try:
        return accept(text, "now")
    except ValidationFailed as refused:
        raise ValueError(f"now: {refused.message}: {text!r}") from None


def _int(name: str, value: Any, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"{name} must be a whole number from {low} to {high}")
    return value


def job_arguments(job: str, detail: Mapping[str, Any]) -> dict[str, Any]:
    """The job's keyword arguments from an event's detail (camelCase, validated)."""
    allowed = OPTIONS[job]
    unknown = set(detail) - set(allowed) - {"now", "maxUsers"}
    if unknown:
        raise ValueError(f"unknown options for {job}: {sorted(unknown)}")
    arguments: dict[str, Any] = {}
    for key, value in detail.items():
        if key == "lookbackDays":
            arguments["lookback_days"] = _int(key, value, 0, 366)
        elif key == "years":
            arguments["years"] = _int(key, value, 1, 100)
        elif key == "shards":
            if not isinstance(value, list) or not value:
                raise ValueError("shards must be a non-empty list")
            arguments["shards"] = [_int("a shard", shard, 0, POINTS_SHARDS - 1) for shard in value]
        elif key == "resume":
            if not isinstance(value, Mapping) or "shard" not in value:
                raise ValueError("resume is the {shard, after} a stopped run returned")
            after = value.get("after")
            if after is not None and not isinstance(after, str):
                raise ValueError("resume.after is a user id")
            arguments["resume"] = {"shard": _int("resume.shard", value["shard"], 0, POINTS_SHARDS - 1),
                                   "after": after}
    return arguments


def run_scheduled(job: str, event_time: str, detail: Mapping[str, Any] | None, context: Any = None) -> dict[str, Any]:
    """A scheduled (EventBridge) invocation of ``job``: ``now`` is the event's time,
    unless the detail carries an explicit ``now`` (an on-demand run); the rest of the
    detail are the job's options. Returns the job's summary."""
    detail = dict(detail or {})
    try:
        now = parse_now(str(detail.get("now") or event_time))
        max_users = detail.get("maxUsers")
        budget = Budget.for_invocation(context, None if max_users is None else _int("maxUsers", max_users, 1, 10**9))
        summary = JOBS[job](now, budget=budget, **job_arguments(job, detail))
        log = logger.info if summary["complete"] else logger.warning
        log("points job finished" if summary["complete"] else "points job stopped at its budget",
            extra={"summary": summary})
        return summary
    finally:
        flush_metrics()
