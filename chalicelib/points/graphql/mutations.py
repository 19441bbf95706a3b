"""Points queries and mutations, mixed into Query and Mutation. Resolvers translate and call a service."""
from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import strawberry

from chalicelib.core.clock import utc_now
from chalicelib.core.graphql.context import Ctx
from chalicelib.core.graphql.enums import described_enum
from chalicelib.core.graphql.errors import UserError, payload_errors
from chalicelib.core.graphql.ids import from_global_id
from chalicelib.points import rules as domain
from chalicelib.points import service
from chalicelib.points.graphql.types import PointsAccount, PointsRules, points_account

CheckInOutcome = described_enum(service.CheckInOutcome, name="CheckInOutcome", description="What today's check-in did.", values={
    service.CheckInOutcome.CHECKED_IN: "Checked in now: the points were added.",
    service.CheckInOutcome.ALREADY_CHECKED_IN: "Checked in earlier today (China time): nothing changed.",
})


def _rule(text: str, name: str) -> Any:
    """An optional rules input field; its description states the accepted range (service.RULE_BOUNDS)."""
    low, high = service.RULE_BOUNDS[name]
    return strawberry.field(default=None, description=f"{text} A whole number from {low} to {high}.")


@strawberry.type(description="Today's check-in: the points it earned, or ALREADY_CHECKED_IN (nothing changed).")
class CheckInPayload:
    outcome: CheckInOutcome | None = None
    day: date | None = strawberry.field(default=None, description="The day checked in (China time).")
    streak: int | None = None
    points: int | None = strawberry.field(default=None, description="Earned by this check-in (0 if already).")
    account: PointsAccount | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class AdjustPointsInput:
    user_id: strawberry.ID = strawberry.field(description="The member's `User` id.")
    points: int = strawberry.field(description="Points (not money), signed; a deduction never takes the balance "
                                               "below zero.")
    reason: str = strawberry.field(description="Shown in the customer's ledger and kept with the operator's id.")
    idempotency_key: str | None = strawberry.field(default=None, description="Retry with the same key: one posting.")


@strawberry.type
class AdjustPointsPayload:
    applied: bool | None = strawberry.field(default=None, description="False: this key was applied before.")
    account: PointsAccount | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class TierInput:
    name: str = strawberry.field(description="1 to 20 characters, distinct among the tiers.")
    min_growth: int = strawberry.field(description="Growth value from which the tier applies: 0 for the first "
                                                   "tier, then strictly rising.")
    multiplier_permille: int = strawberry.field(description="Points multiplier ×1000: 1000 (1×) to 10000 (10×).")


@strawberry.input(description="Only the fields given change.")
class UpdatePointsRulesInput:
    fen_per_point: int | None = _rule("Fen paid per point earned.", "fen_per_point")
    green_multiplier: int | None = _rule("Points multiplier for green goods.", "green_multiplier")
    check_in_points: int | None = _rule("Points for a daily check-in.", "check_in_points")
    streak_bonus_day: int | None = _rule("Every n-th consecutive check-in earns the bonus instead.",
                                         "streak_bonus_day")
    streak_bonus_points: int | None = _rule("Points for a streak-bonus day.", "streak_bonus_points")
    post_points: int | None = _rule("Points for a post's first approval.", "post_points")
    posts_per_day: int | None = _rule("Posts rewarded per (China) day.", "posts_per_day")
    team_success_points: int | None = _rule("Points when a group-buy team succeeds.", "team_success_points")
    growth_per_yuan: int | None = _rule("Growth value per ¥1 paid.", "growth_per_yuan")
    tiers: list[TierInput] | None = strawberry.field(default=None, description="Replaces every tier; at least one.")
    redeem_points_per_unit: int | None = _rule("Points per redemption unit.", "redeem_points_per_unit")
    redeem_fen_per_unit: int | None = _rule("Fen off an order per redemption unit.", "redeem_fen_per_unit")
    redeem_max_percent: int | None = _rule("At most this percent of an order paid with points.",
                                           "redeem_max_percent")
    pending_days: int | None = _rule("Days an order's points stay pending (the return window).", "pending_days")
    expiring_soon_days: int | None = _rule("Days ahead in which expiring points are shown as expiring soon.",
                                           "expiring_soon_days")


@strawberry.type
class PointsRulesPayload:
    rules: PointsRules | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


def _changes(input: UpdatePointsRulesInput) -> dict:
    changes = {name: value for name, value in vars(input).items() if value is not None and name != "tiers"}
    if input.tiers is not None:
        changes["tiers"] = [domain.Tier(t.name.strip(), t.min_growth, t.multiplier_permille) for t in input.tiers]
    return changes


@strawberry.type
class PointsQuery:
    @strawberry.field(description="How points are earned and spent.")
    def points_rules(self) -> PointsRules | None:
        return PointsRules(rules=service.rules_now())

    @strawberry.field(description="Operators: a member's points account (to answer a ticket before adjusting).")
    def points_account(self, info: Ctx, user_id: Annotated[strawberry.ID, strawberry.argument(
            description="The member's `User` id.")]) -> PointsAccount | None:
        (user,) = from_global_id(user_id, "User", "userId")
        return points_account(service.member_account(info.context.principal, user))


@strawberry.type
class PointsMutation:
    @strawberry.mutation(description="Daily check-in: 5 points, 20 on every 7th day of a streak; once a day.")
    @payload_errors(CheckInPayload)
    def check_in(self, info: Ctx) -> CheckInPayload | None:
        result = service.check_in_caller(info.context.principal, utc_now())
        errors = []
        if result.outcome is service.CheckInOutcome.ALREADY_CHECKED_IN:
            errors = [UserError.of(domain.AlreadyCheckedIn("you have checked in today already"))]
        return CheckInPayload(outcome=result.outcome, day=result.day, streak=result.streak, points=result.points,
                              account=points_account(info.context.principal.user_id), errors=errors)

    @strawberry.mutation(description="Operators: add or deduct points with a reason (audited, in the ledger).")
    @payload_errors(AdjustPointsPayload)
    def adjust_points(self, info: Ctx, input: Annotated[AdjustPointsInput, strawberry.argument(
            description="Whose points, how many and why.")]) -> AdjustPointsPayload | None:
        (user,) = from_global_id(input.user_id, "User", "userId")
        applied = service.adjust(info.context.principal, user, input.points, input.reason, utc_now(),
                                 input.idempotency_key)
        return AdjustPointsPayload(applied=applied, account=points_account(user))

    @strawberry.mutation(description="Operators: change the earning, tier and redemption rules.")
    @payload_errors(PointsRulesPayload)
    def update_points_rules(self, info: Ctx, input: Annotated[UpdatePointsRulesInput, strawberry.argument(
            description="The rules to change; the others keep their values.")]) -> PointsRulesPayload | None:
        updated = service.update_rules(info.context.principal, _changes(input), utc_now())
        return PointsRulesPayload(rules=PointsRules(rules=updated))
