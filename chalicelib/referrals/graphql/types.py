"""Referral types: an invitee's progress as their inviter sees it, and the reward rule."""
from __future__ import annotations

from datetime import datetime

import strawberry

from chalicelib.core.graphql.enums import described_enum
from chalicelib.core.graphql.money import Money
from chalicelib.core.graphql.pagination import PageInfo
from chalicelib.referrals import reads
from chalicelib.referrals.rules import ReferralState, RewardRule

CURRENCY = "CNY"

ReferralStatus = described_enum(ReferralState, name="ReferralStatus", description="Where a referral is.", values={
    ReferralState.BOUND: "Signed up through your code; no paid order yet.",
    ReferralState.ORDERED: "Their first order is paid; waiting for it to be completed.",
    ReferralState.DUE: "Completed: rewarded when its return window closes (`dueAt`) without a refund.",
    ReferralState.REWARDED: "Both of you got the coupon (you unless past the month's cap: `inviterRewarded`).",
    ReferralState.VOID: "Their first paid order was refunded or cancelled: no reward.",
})


@strawberry.type(description="A friend you invited (老带新) and how far they are: their display name only.")
class Referral:
    progress: strawberry.Private[reads.InviteeProgress]

    @strawberry.field(description="Their display name (as their posts show it); empty if they set none.")
    def display_name(self) -> str:
        return self.progress.display_name

    @strawberry.field
    def status(self) -> ReferralStatus:
        return self.progress.referral.state

    @strawberry.field(description="When they signed up through your code.")
    def bound_at(self) -> datetime:
        return self.progress.referral.bound_at

    @strawberry.field(description="DUE: when the return window of their first order closes.")
    def due_at(self) -> datetime | None:
        return self.progress.referral.due_at

    @strawberry.field
    def rewarded_at(self) -> datetime | None:
        return self.progress.referral.rewarded_at

    @strawberry.field(description="REWARDED: whether you got your coupon (false past your month's cap).")
    def inviter_rewarded(self) -> bool:
        return self.progress.referral.inviter_rewarded


@strawberry.type
class ReferralEdge:
    node: Referral
    cursor: str


@strawberry.type
class ReferralConnection:
    edges: list[ReferralEdge]
    page_info: PageInfo


@strawberry.type(description="The referral reward: each side's no-threshold platform coupon, how long it is "
                             "valid, and how many referrals an inviter is rewarded for per China calendar month.")
class ReferralRule:
    rule: strawberry.Private[RewardRule]

    @strawberry.field(description="The invited friend's coupon (default ¥50).")
    def invitee_amount(self) -> Money:
        return Money(amount=self.rule.invitee_fen, currency=CURRENCY)

    @strawberry.field(description="The inviter's coupon (default ¥50).")
    def inviter_amount(self) -> Money:
        return Money(amount=self.rule.inviter_fen, currency=CURRENCY)

    @strawberry.field(description="Days each coupon is valid from the reward (default 30).")
    def valid_days(self) -> int:
        return self.rule.valid_days

    @strawberry.field(description="Rewarded referrals per inviter per month (default 10); past it only the "
                                  "friend is rewarded.")
    def monthly_cap(self) -> int:
        return self.rule.monthly_cap
