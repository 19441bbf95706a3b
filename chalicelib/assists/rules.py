"""Assist rules, pure: campaigns and their tiers, instances, and when an assist is refused.

Decided where the issue leaves it open (README "Friend assist (助力)"):
- A helper may assist at most ``daily_limit`` times a China calendar day across all campaigns
  (default 3; a campaign's limit is compared with the helper's count of that day).
- ``new_users_only``: only accounts created at or after the campaign started may assist; the
  others are refused (NOT_A_NEW_USER). Without it anyone may assist, and an assist by an account
  created after the campaign started is accepted and flagged (``flagged`` on the assist, counted
  on the instance): a second account made to assist oneself is the abuse it marks for review.
- An instance stops taking assists once it reaches its top tier (rewards never exceed the tiers)
  or once the campaign ends (instants compared, never text).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from chalicelib.core.clock import CHINA
from chalicelib.core.errors import DomainError, ErrorCode, ValidationFailed

DEFAULT_DAILY_LIMIT = 3
MAX_DAILY_LIMIT = 20
MAX_TIERS = 5
MAX_ASSISTS = 100  # the top tier's assists at most


class AlreadyAssisted(DomainError):
    code = ErrorCode.ALREADY_ASSISTED


class CannotAssistSelf(DomainError):
    code = ErrorCode.CANNOT_ASSIST_SELF


class AssistClosed(DomainError):
    code = ErrorCode.ASSIST_CLOSED


class NotANewUser(DomainError):
    code = ErrorCode.NOT_A_NEW_USER


class DailyLimitReached(DomainError):
    code = ErrorCode.LIMIT_REACHED


@dataclass(frozen=True)
class Tier:
    """``assists`` reached → one coupon of ``template_id`` (its terms copied when the campaign was made)."""

    assists: int
    template_id: str
    title: str
    reward: dict = field(compare=False)  # the coupon's terms and validity as stored (store maps them)


@dataclass(frozen=True)
class Campaign:
    id: str
    owner_id: str
    product_id: str
    merchant_id: str
    title: str
    tiers: tuple[Tier, ...]
    starts_at: datetime
    ends_at: datetime
    new_users_only: bool
    daily_limit: int

    @property
    def top(self) -> int:
        return self.tiers[-1].assists

    def open_at(self, now: datetime) -> bool:
        return self.starts_at <= now < self.ends_at


@dataclass(frozen=True)
class Instance:
    """One customer's start of a campaign; its id is its share code."""

    code: str
    campaign_id: str
    starter_id: str
    started_at: datetime
    count: int
    flagged: int
    reward_coupon_ids: tuple[str, ...]
    rules: Campaign  # the campaign's rules, copied at start (campaigns never change)

    @property
    def tiers_reached(self) -> tuple[Tier, ...]:
        return tuple(t for t in self.rules.tiers if t.assists <= self.count)

    @property
    def complete(self) -> bool:
        return self.count >= self.rules.top


def _whole(value: object, path: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValidationFailed(f"give a whole number from {low} to {high}", path)
    return value


def check_campaign(title: str, tier_assists: list[int], ends_at: datetime, daily_limit: int, now: datetime) -> None:
    if not isinstance(title, str) or not 1 <= len(title.strip()) <= 40:
        raise ValidationFailed("a title of 1 to 40 characters", "title")
    if not 1 <= len(tier_assists) <= MAX_TIERS:
        raise ValidationFailed(f"give 1 to {MAX_TIERS} reward tiers", "tiers")
    for n, assists in enumerate(tier_assists):
        _whole(assists, f"tiers.{n}.assists", 1, MAX_ASSISTS)
    if list(tier_assists) != sorted(set(tier_assists)):
        raise ValidationFailed("tiers need more assists each, in increasing order", "tiers")
    if ends_at <= now:
        raise ValidationFailed("the end time must be in the future", "endsAt")
    _whole(daily_limit, "dailyLimit", 1, MAX_DAILY_LIMIT)


def china_day(now: datetime) -> date:
    """The helper's day for the daily limit: the China calendar day of ``now``."""
    return now.astimezone(CHINA).date()


def is_new_account(account_created_at: datetime, campaign: Campaign) -> bool:
    return account_created_at >= campaign.starts_at


def check_assist(instance: Instance, helper_id: str, helper_created_at: datetime | None, now: datetime) -> bool:
    """Refuse what the read already decides (the starter, the time, the tiers, the new-user rule).
    Returns whether the assist is flagged (a new account). The limit and a second assist are the
    transaction's conditions."""
    campaign = instance.rules
    if helper_id == instance.starter_id:
        raise CannotAssistSelf("you cannot assist your own campaign; share it with friends", "shareCode")
    if now >= campaign.ends_at:
        raise AssistClosed("this assist campaign has ended", "shareCode")
    if instance.complete:
        raise AssistClosed("this friend reached every reward already", "shareCode")
    new = helper_created_at is not None and is_new_account(helper_created_at, campaign)
    if campaign.new_users_only and not new:
        raise NotANewUser("only new users may assist in this campaign", "shareCode")
    return new


def tier_reached_by(instance: Instance, new_count: int) -> Tier | None:
    """The tier whose reward the assist that makes ``new_count`` issues (each count is reached once)."""
    return next((t for t in instance.rules.tiers if t.assists == new_count), None)
