"""The operators' referral rule: read it, set it (mixed into Query and Mutation)."""
from __future__ import annotations

from typing import Annotated

import strawberry

from chalicelib.core.clock import utc_now
from chalicelib.core.graphql.context import Ctx
from chalicelib.core.graphql.errors import UserError, payload_errors
from chalicelib.referrals import service
from chalicelib.referrals.graphql.types import ReferralRule
from chalicelib.referrals.rules import MAX_MONTHLY_CAP, MAX_REWARD_FEN, MAX_VALID_DAYS


@strawberry.input
class SetReferralRuleInput:
    invitee_amount: int = strawberry.field(description=f"Fen, 1 to {MAX_REWARD_FEN}: the friend's coupon.")
    inviter_amount: int = strawberry.field(description=f"Fen, 1 to {MAX_REWARD_FEN}: the inviter's coupon.")
    valid_days: int = strawberry.field(description=f"1 to {MAX_VALID_DAYS}.")
    monthly_cap: int = strawberry.field(description=f"0 to {MAX_MONTHLY_CAP}; 0: inviters are never rewarded.")


@strawberry.type
class SetReferralRulePayload:
    rule: ReferralRule | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ReferralQuery:
    @strawberry.field(description="Operators: the referral reward rule (the decided defaults until one is set).")
    def referral_rule(self, info: Ctx) -> ReferralRule | None:
        return ReferralRule(rule=service.reward_rule(info.context.principal))


@strawberry.type
class ReferralMutation:
    @strawberry.mutation(description="Operators: set the whole referral reward rule; rewards made from the next "
                                     "`reward-referrals` run on follow it.")
    @payload_errors(SetReferralRulePayload)
    def set_referral_rule(self, info: Ctx, input: Annotated[
            SetReferralRuleInput, strawberry.argument(description="The new rule.")]) -> SetReferralRulePayload | None:
        rule = service.set_reward_rule(info.context.principal, input.invitee_amount, input.inviter_amount,
                                       input.valid_days, input.monthly_cap, utc_now())
        return SetReferralRulePayload(rule=ReferralRule(rule=rule))
