"""Referral rules, pure: the reward rule (with its decided defaults), a referral's states, whether a sign-in
binds, and the month an inviter's cap counts in.

Decided:
- "New" means the account was created by the very sign-in that carried the code: an existing account is never
  bound, and a binding is never changed (one item per invitee, written only if absent).
- Nobody is bound to themselves; an unknown code binds nobody.
- The invitee's FIRST paid order decides: completed and its return window (``returns_until``) closed with nothing
  refunded → both sides rewarded, once; refunded or cancelled after payment (in part or in full, before or after
  completion, up to the reward) → the referral is VOID, never rewarded.
- An inviter's rewarded referrals are capped per China calendar month of the moment the referral became due (its
  order's ``returns_until``), not of the job's run: a late run counts in the same month. Past the cap the invitee is
  still rewarded, the inviter not (the invitee did nothing wrong; the cap is against farming invites).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from chalicelib.core.clock import CHINA
from chalicelib.core.errors import ValidationFailed

MAX_REWARD_FEN = 100_000  # ¥1,000: a reward is a coupon, never more than this
MAX_VALID_DAYS = 365
MAX_MONTHLY_CAP = 1_000


class ReferralState(Enum):
    BOUND = "BOUND"  # bound; no paid order yet
    ORDERED = "ORDERED"  # the first order is paid; waiting for it to complete
    DUE = "DUE"  # completed; rewarded once its return window closes (``due_at``)
    REWARDED = "REWARDED"  # both coupons issued (the inviter's unless past the cap)
    VOID = "VOID"  # the first paid order was refunded or cancelled: no reward, ever


OPEN_STATES = (ReferralState.BOUND, ReferralState.ORDERED, ReferralState.DUE)
REFUND_STATES = frozenset({"CANCELLED", "REFUNDING", "REFUNDED", "REFUND_FAILED"})


def _whole(value: object, field: str, low: int, high: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ValidationFailed(f"a whole number from {low} to {high}", field)


@dataclass(frozen=True, slots=True)
class RewardRule:
    """Each side's coupon (no threshold, platform-wide), its validity and the inviter's monthly cap."""

    invitee_fen: int = 5_000  # ¥50
    inviter_fen: int = 5_000  # ¥50
    valid_days: int = 30
    monthly_cap: int = 10  # rewarded referrals per inviter per China calendar month; 0: inviters never rewarded

    def __post_init__(self) -> None:
        _whole(self.invitee_fen, "inviteeAmount", 1, MAX_REWARD_FEN)
        _whole(self.inviter_fen, "inviterAmount", 1, MAX_REWARD_FEN)
        _whole(self.valid_days, "validDays", 1, MAX_VALID_DAYS)
        _whole(self.monthly_cap, "monthlyCap", 0, MAX_MONTHLY_CAP)


DEFAULT_RULE = RewardRule()


@dataclass(frozen=True, slots=True)
class Referral:
    invitee_id: str
    inviter_id: str
    state: ReferralState
    bound_at: datetime
    first_order_id: str | None = None
    due_at: datetime | None = None
    rewarded_at: datetime | None = None
    inviter_rewarded: bool = False  # False when rewarded past the inviter's monthly cap
    version: int = 0


class Binding(Enum):
    """What a sign-in's invite code came to."""

    BOUND = "BOUND"
    UNKNOWN_CODE = "UNKNOWN_CODE"
    SELF = "SELF"
    ALREADY_BOUND = "ALREADY_BOUND"


def binding_of(invitee_id: str, inviter_id: str | None) -> Binding | None:
    """Why a code binds nobody (None: it may bind)."""
    if inviter_id is None:
        return Binding.UNKNOWN_CODE
    if inviter_id == invitee_id:
        return Binding.SELF
    return None


def cap_month(due_at: datetime) -> str:
    """The China calendar month an inviter's reward counts in: ``2026-03``."""
    return due_at.astimezone(CHINA).strftime("%Y-%m")


def is_refund(state_before: str | None, state_after: str | None, refunded_before: int, refunded_after: int) -> bool:
    """Whether an order's change takes money back (after it was paid)."""
    if refunded_after > refunded_before:
        return True
    return state_after in REFUND_STATES and state_before not in REFUND_STATES and state_before != "AWAITING_PAYMENT"
