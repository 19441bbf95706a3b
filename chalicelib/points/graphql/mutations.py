"""Points queries and mutations, mixed into Query and Mutation. Resolvers translate and call a service."""
from __future__ import annotations

from datetime import date

import strawberry

from chalicelib.core.clock import utc_now
from chalicelib.core.graphql.context import Ctx
from chalicelib.core.graphql.errors import UserError, payload_errors
from chalicelib.core.graphql.ids import from_global_id
from chalicelib.points import rules as domain
from chalicelib.points import service
from chalicelib.points.graphql.types import PointsAccount, PointsRules, points_account

CheckInOutcome = strawberry.enum(service.CheckInOutcome, name="CheckInOutcome")


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
    user_id: strawberry.ID
    points: int = strawberry.field(description="Signed; a deduction never takes the balance below zero.")
    reason: str = strawberry.field(description="Shown in the customer's ledger and kept with the operator's id.")
    idempotency_key: str | None = strawberry.field(default=None, description="Retry with the same key: one posting.")


@strawberry.type
class AdjustPointsPayload:
    applied: bool | None = strawberry.field(default=None, description="False: this key was applied before.")
    account: PointsAccount | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class TierInput:
    name: str
    min_growth: int
    multiplier_permille: int


@strawberry.input(description="Only the fields given change.")
class UpdatePointsRulesInput:
    fen_per_point: int | None = None
    green_multiplier: int | None = None
    check_in_points: int | None = None
    streak_bonus_day: int | None = None
    streak_bonus_points: int | None = None
    post_points: int | None = None
    posts_per_day: int | None = None
    team_success_points: int | None = None
    growth_per_yuan: int | None = None
    tiers: list[TierInput] | None = None
    redeem_points_per_unit: int | None = None
    redeem_fen_per_unit: int | None = None
    redeem_max_percent: int | None = None
    pending_days: int | None = None
    expiring_soon_days: int | None = None


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
    def points_account(self, info: Ctx, user_id: strawberry.ID) -> PointsAccount | None:
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
    def adjust_points(self, info: Ctx, input: AdjustPointsInput) -> AdjustPointsPayload | None:
        (user,) = from_global_id(input.user_id, "User", "userId")
        applied = service.adjust(info.context.principal, user, input.points, input.reason, utc_now(),
                                 input.idempotency_key)
        return AdjustPointsPayload(applied=applied, account=points_account(user))

    @strawberry.mutation(description="Operators: change the earning, tier and redemption rules.")
    @payload_errors(PointsRulesPayload)
    def update_points_rules(self, info: Ctx, input: UpdatePointsRulesInput) -> PointsRulesPayload | None:
        updated = service.update_rules(info.context.principal, _changes(input), utc_now())
        return PointsRulesPayload(rules=PointsRules(rules=updated))
