"""Community leaders in GraphQL: the public ``CommunityLeader`` node, applying, the operators' queue and decisions,
choosing a leader, and ``me.communityLeader`` / ``me.leadership``. Resolvers only translate between GraphQL and
chalicelib.community.leaders / choosing."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated

import strawberry

from chalicelib.accounts.published.graphql import user_fields
from chalicelib.community import choosing, leaders, rules
from chalicelib.community.rules import LeaderAction, PointInvalid
from chalicelib.core.clock import utc_now
from chalicelib.core.graphql.connection import connection
from chalicelib.core.graphql.context import Ctx
from chalicelib.core.graphql.enums import described_enum
from chalicelib.core.graphql.errors import UserError, payload_errors
from chalicelib.core.graphql.ids import from_global_id, to_global_id
from chalicelib.core.graphql.pagination import BOTH_WAYS, After, Before, First, Last, PageInfo, page_request
from chalicelib.core.graphql.relay import Node, node_resolver
from chalicelib.core.principal import Role
from chalicelib.core.table.paging import Page

CommunityLeaderState = described_enum(
    rules.LeaderState, name="CommunityLeaderState",
    description="PENDING → APPROVED or REJECTED (apply again); APPROVED ⇄ SUSPENDED.",
    values={
        "PENDING": "Applied: waiting for an operator.",
        "APPROVED": "A leader: listed in its district, choosable, its `code` on share cards.",
        "REJECTED": "Rejected (see `decisionReason`): the applicant may apply again.",
        "SUSPENDED": "Suspended by an operator: not listed, not choosable, until reinstated.",
    })


@strawberry.type(description="A point on the map, in micro-degrees (1e-6°) as stored: integers, exact.")
class CommunityLocation:
    latitude_micro: int = strawberry.field(description="Latitude × 1,000,000 (22.543096° is 22543096).")
    longitude_micro: int = strawberry.field(description="Longitude × 1,000,000.")

    @strawberry.field(description="Latitude in decimal degrees, as exact text (6 fraction digits).")
    def latitude(self) -> str:
        return str(Decimal(self.latitude_micro).scaleb(-6).quantize(Decimal("0.000001")))

    @strawberry.field(description="Longitude in decimal degrees, as exact text (6 fraction digits).")
    def longitude(self) -> str:
        return str(Decimal(self.longitude_micro).scaleb(-6).quantize(Decimal("0.000001")))


@strawberry.type(description="One step of a leader's audit trail: who did what, when and why.")
class CommunityLeaderStep:
    action: str = strawberry.field(description="APPLIED, APPROVED, REJECTED, SUSPENDED or REINSTATED.")
    actor_id: strawberry.ID | None = strawberry.field(
        description="The `User` who did it (the applicant, or an operator): for operators; null for the leader.")
    to_state: CommunityLeaderState  # type: ignore[valid-type]
    reason: str | None
    at: datetime


@strawberry.type(description="A community leader (团长) and their pickup point (自提点). The point is public (name, "
                             "address, hours, location); the contact mobile and the audit trail are shown to the "
                             "leader and operators only. Put `code` in a share card's `scene`; "
                             "communityLeaderByCode reads it back.")
class CommunityLeader(Node):
    leader: strawberry.Private[rules.Leader]
    private: strawberry.Private[bool]  # the viewer is the leader or an operator

    @strawberry.field(description="Global id (`CommunityLeader:<user id>`): a leader is one user.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("CommunityLeader", self.leader.id))

    @strawberry.field(description="The name neighbours know the leader by.")
    def display_name(self) -> str:
        return self.leader.display_name

    @strawberry.field(description="The pickup point's name (自提点名称).")
    def point_name(self) -> str:
        return self.leader.point.name

    @strawberry.field(description="GB/T 2260 province code of the point.")
    def province_code(self) -> str:
        return self.leader.point.province_code

    @strawberry.field(description="GB/T 2260 city code of the point.")
    def city_code(self) -> str:
        return self.leader.point.city_code

    @strawberry.field(description="GB/T 2260 district code of the point (the district it is listed in).")
    def district_code(self) -> str:
        return self.leader.point.district_code

    @strawberry.field(description="The point's street, building and shop: public, neighbours walk there.")
    def detail(self) -> str:
        return self.leader.point.detail

    @strawberry.field(description="When the point hands over orders, `HH:MM-HH:MM` (China time).")
    def opening_hours(self) -> str:
        return self.leader.point.opening_hours

    @strawberry.field(description="Where the point is.")
    def location(self) -> CommunityLocation:
        loc = self.leader.point.location
        return CommunityLocation(latitude_micro=loc.latitude, longitude_micro=loc.longitude)

    @strawberry.field(description="The share code (16 characters, fits a mini-program `scene`); null until approved.")
    def code(self) -> str | None:
        return self.leader.code

    @strawberry.field
    def state(self) -> CommunityLeaderState:  # type: ignore[valid-type]
        return self.leader.state

    @strawberry.field(description="The contact mobile (11 digits): the leader and operators only, null for others.")
    def contact_mobile(self) -> str | None:
        return self.leader.point.contact_mobile if self.private else None

    @strawberry.field(description="Why it was last rejected or suspended: the leader and operators only.")
    def decision_reason(self) -> str | None:
        return self.leader.decision_reason if self.private else None

    @strawberry.field(description="When the (latest) application was made.")
    def applied_at(self) -> datetime:
        return self.leader.applied_at

    @strawberry.field(description="Every step, oldest first (read with the leader): the leader and operators only, "
                                  "null for others.")
    def history(self, info: Ctx) -> list[CommunityLeaderStep] | None:
        if not self.private:
            return None
        operator = info.context.principal is not None and info.context.principal.role is Role.OPERATOR
        return [CommunityLeaderStep(
            action=s.action, actor_id=strawberry.ID(to_global_id("User", s.actor_id)) if operator else None,
            to_state=s.to_state, reason=s.reason, at=s.at) for s in self.leader.history]


def _shown(info: Ctx, leader: rules.Leader | None) -> CommunityLeader | None:
    if leader is None:
        return None
    return CommunityLeader(leader=leader, private=leaders.may_see_private(info.context.principal, leader))


@node_resolver("CommunityLeader")
def _leader_node(info: Ctx, parts: tuple[str, ...]) -> CommunityLeader | None:
    return _shown(info, leaders.visible_leader(info.context.principal, parts[0]))


@strawberry.type
class CommunityLeaderEdge:
    node: CommunityLeader
    cursor: str


@strawberry.type
class CommunityLeaderConnection:
    edges: list[CommunityLeaderEdge]
    page_info: PageInfo


def _connection(info: Ctx, scope: str, page: Page[rules.Leader]) -> CommunityLeaderConnection:
    return connection(CommunityLeaderConnection, CommunityLeaderEdge, scope, page,
                      lambda leader: _shown(info, leader))


# ---------------------------------------------------------------- queries and User fields
@strawberry.type
class CommunityLeaderQuery:
    @strawberry.field(description="The leader a share card's `scene` names (its `code`); null for an unknown code. "
                                  "A suspended leader is shown with its state (not choosable). Two DynamoDB "
                                  "requests.")
    def community_leader_by_code(self, info: Ctx, code: Annotated[str, strawberry.argument(
            description="The leader's `code`, from the share card's scene.")]) -> CommunityLeader | None:
        return _shown(info, leaders.leader_by_code(code))

    @strawberry.field(description="Approved leaders of a district (suspended ones are not listed), by id. One "
                                  "DynamoDB Query per page whatever its size." + BOTH_WAYS)
    def community_leaders(self, info: Ctx, district_code: Annotated[str, strawberry.argument(
            description="A GB/T 2260 district code (6 digits).")], first: First = None, after: After = None,
            last: Last = None, before: Before = None) -> CommunityLeaderConnection | None:
        scope = f"community-leaders:{district_code}"
        return _connection(info, scope, leaders.district_leaders(
            district_code, page_request(scope, first, after, last, before)))

    @strawberry.field(description="Operators: leader applications waiting for a decision, oldest first." + BOTH_WAYS)
    def community_leader_applications(self, info: Ctx, first: First = None, after: After = None, last: Last = None,
                                      before: Before = None) -> CommunityLeaderConnection | None:
        scope = "community-leader-applications"
        return _connection(info, scope, leaders.pending_applications(
            info.context.principal, page_request(scope, first, after, last, before)))


@user_fields
@strawberry.type
class CommunityLeaderUserFields:
    @strawberry.field(description="Your chosen community leader (whose point you pick up from); null if you have "
                                  "not chosen one, or if that leader has been suspended since (the choice is kept: "
                                  "it comes back if they are reinstated; choose another meanwhile). Two DynamoDB "
                                  "requests.")
    def community_leader(self, info: Ctx) -> CommunityLeader | None:
        return _shown(info, choosing.chosen_leader(info.context.principal, self.user_id))

    @strawberry.field(description="Your own leader application or leader record, with its audit trail and your "
                                  "contact mobile; null if you never applied.")
    def leadership(self, info: Ctx) -> CommunityLeader | None:
        return _shown(info, leaders.my_leadership(info.context.principal, self.user_id))


# ---------------------------------------------------------------- mutations
@strawberry.input(description="Where a coordinate is: micro-degrees (an integer) or decimal degrees (exact text, up "
                              "to 6 fraction digits), one of the two for each.")
class CommunityLocationInput:
    latitude_micro: int | None = strawberry.field(default=None, description="Latitude × 1,000,000 (±90°).")
    longitude_micro: int | None = strawberry.field(default=None, description="Longitude × 1,000,000 (±180°).")
    latitude: str | None = strawberry.field(default=None, description="Latitude in decimal degrees, e.g. "
                                                                      "\"22.543096\".")
    longitude: str | None = strawberry.field(default=None, description="Longitude in decimal degrees.")


@strawberry.input(description="An application to be a community leader, with the pickup point. Text is trimmed; one "
                              "line, no control characters.")
class ApplyAsLeaderInput:
    display_name: str = strawberry.field(description=f"The name neighbours know you by: 1 to "
                                                     f"{rules.MAX_DISPLAY_NAME} characters.")
    point_name: str = strawberry.field(description=f"The pickup point's name: 1 to {rules.MAX_POINT_NAME} "
                                                   "characters.")
    province_code: str = strawberry.field(description="GB/T 2260 province code, checked as an address's.")
    city_code: str = strawberry.field(description="GB/T 2260 city code of that province.")
    district_code: str = strawberry.field(description="GB/T 2260 district code of that city.")
    detail: str = strawberry.field(description=f"The point's street, building and shop (public): 1 to "
                                               f"{rules.MAX_DETAIL} characters.")
    opening_hours: str = strawberry.field(description="`HH:MM-HH:MM`, opening before closing, e.g. `08:00-20:00`.")
    location: CommunityLocationInput
    contact_mobile: str = strawberry.field(description="Mainland China mobile, 11 digits (+86, spaces and hyphens "
                                                       "dropped). Shown to you and operators only.")


@strawberry.input(description="Which leader.")
class LeaderIdInput:
    leader_id: strawberry.ID = strawberry.field(description="The `CommunityLeader`.")


@strawberry.input(description="Which leader, and why (kept in its audit trail).")
class LeaderReasonInput:
    leader_id: strawberry.ID = strawberry.field(description="The `CommunityLeader`.")
    reason: str = strawberry.field(description=f"Why: 1 to {rules.MAX_REASON} characters, shown to the leader.")


@strawberry.input(description="The leader to pick up from: its `code` (from a share card) or its id, one of the two.")
class ChooseCommunityLeaderInput:
    code: str | None = strawberry.field(default=None, description="The leader's `code`.")
    leader_id: strawberry.ID | None = strawberry.field(default=None, description="The `CommunityLeader`.")


@strawberry.type
class CommunityLeaderPayload:
    leader: CommunityLeader | None = strawberry.field(default=None, description="As stored; null if refused.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Why it was refused; empty if not.")


def _coordinate(micro: int | None, decimal: str | None, field: str) -> object:
    if (micro is None) == (decimal is None):
        raise PointInvalid(f"give {field}Micro or {field}, one of the two", f"location.{field}")
    return micro if micro is not None else decimal


def _leader_id(global_id: strawberry.ID) -> str:
    return from_global_id(global_id, "CommunityLeader", "leaderId")[0]


def _decide(info: Ctx, leader_id: strawberry.ID, action: LeaderAction, reason: str | None) -> CommunityLeaderPayload:
    decided = leaders.decide(info.context.principal, _leader_id(leader_id), action, reason, utc_now())
    return CommunityLeaderPayload(leader=_shown(info, decided))


@strawberry.type
class CommunityLeaderMutation:
    @strawberry.mutation(description="Apply to be a community leader (团长) with a pickup point: PENDING until an "
                                     "operator decides. One application per user: apply again only after a "
                                     "rejection (APPLICATION_PENDING while one waits, ALREADY_A_LEADER once "
                                     "approved or suspended).")
    @payload_errors(CommunityLeaderPayload)
    def apply_as_leader(self, info: Ctx, input: ApplyAsLeaderInput) -> CommunityLeaderPayload | None:
        location = input.location
        application = rules.Application(
            display_name=input.display_name, point_name=input.point_name, province_code=input.province_code,
            city_code=input.city_code, district_code=input.district_code, detail=input.detail,
            opening_hours=input.opening_hours,
            latitude=_coordinate(location.latitude_micro, location.latitude, "latitude"),
            longitude=_coordinate(location.longitude_micro, location.longitude, "longitude"),
            contact_mobile=input.contact_mobile)
        applied = leaders.apply(info.context.principal, application, utc_now())
        return CommunityLeaderPayload(leader=_shown(info, applied))

    @strawberry.mutation(description="Operators: approve a PENDING application. The leader gets its `code` and is "
                                     "listed in its district.")
    @payload_errors(CommunityLeaderPayload)
    def approve_leader(self, info: Ctx, input: LeaderIdInput) -> CommunityLeaderPayload | None:
        return _decide(info, input.leader_id, LeaderAction.APPROVE, None)

    @strawberry.mutation(description="Operators: reject a PENDING application, with a reason (the applicant may "
                                     "apply again).")
    @payload_errors(CommunityLeaderPayload)
    def reject_leader(self, info: Ctx, input: LeaderReasonInput) -> CommunityLeaderPayload | None:
        return _decide(info, input.leader_id, LeaderAction.REJECT, input.reason)

    @strawberry.mutation(description="Operators: suspend an APPROVED leader, with a reason: no longer listed nor "
                                     "choosable; customers who chose them see no leader until reinstated.")
    @payload_errors(CommunityLeaderPayload)
    def suspend_leader(self, info: Ctx, input: LeaderReasonInput) -> CommunityLeaderPayload | None:
        return _decide(info, input.leader_id, LeaderAction.SUSPEND, input.reason)

    @strawberry.mutation(description="Operators: reinstate a SUSPENDED leader (APPROVED again, with the same code).")
    @payload_errors(CommunityLeaderPayload)
    def reinstate_leader(self, info: Ctx, input: LeaderIdInput) -> CommunityLeaderPayload | None:
        return _decide(info, input.leader_id, LeaderAction.REINSTATE, None)

    @strawberry.mutation(description="Choose the community leader you pick up from (remembered; choosing again "
                                     "replaces it). Only an APPROVED leader (LEADER_NOT_APPROVED otherwise).")
    @payload_errors(CommunityLeaderPayload)
    def choose_community_leader(self, info: Ctx, input: ChooseCommunityLeaderInput) -> CommunityLeaderPayload | None:
        leader_id = None if input.leader_id is None else _leader_id(input.leader_id)
        chosen = choosing.choose(info.context.principal, utc_now(), code=input.code, leader_id=leader_id)
        return CommunityLeaderPayload(leader=_shown(info, chosen))
