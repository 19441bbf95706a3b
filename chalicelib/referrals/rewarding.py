"""Rewarding one due referral (the ``reward-referrals`` job): both coupons and REWARDED in one transaction
(store.reward). The inviter's month full → the invitee alone is rewarded (rules.py). One TransactWriteItems;
two when the inviter's month is full (the first is refused whole)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from chalicelib.core.observability import count
from chalicelib.referrals import store
from chalicelib.referrals.rules import Referral, ReferralState, RewardRule


@dataclass(frozen=True, slots=True)
class Outcome:
    rewarded: bool  # this call rewarded it (False: rewarded or voided by someone else, or its order refunded)
    inviter_rewarded: bool = False


def reward(referral: Referral, rule: RewardRule, now: datetime) -> Outcome:
    if referral.state is not ReferralState.DUE or referral.due_at is None or referral.due_at > now:
        return Outcome(False)
    inviter_too = rule.monthly_cap > 0
    try:
        try:
            store.reward(referral, rule, now, inviter_too=inviter_too)
        except store.CapReached:
            inviter_too = False
            count("ReferralInviterCapped")
            store.reward(referral, rule, now, inviter_too=False)
    except store.NotDue:
        return Outcome(False)  # another run rewarded it, or a refund voided it meanwhile
    except store.RefundOpen:
        count("ReferralsWaitingOnRefunds")
        return Outcome(False)  # a refund asked in the window is still open: a later run decides
    except store.OrderRefunded:
        store.void(referral.invitee_id, referral.first_order_id or "")  # its refund record voids it too
        count("ReferralsVoided")
        return Outcome(False)
    count("ReferralsRewarded")
    return Outcome(True, inviter_too)
