"""Membership points types: the account a customer sees, its ledger, the rules."""
from __future__ import annotations

from datetime import date, datetime

import strawberry

from chalicelib.core.clock import from_iso
from chalicelib.core.graphql.connection import connection
from chalicelib.core.graphql.context import Ctx
from chalicelib.core.graphql.enums import described_enum
from chalicelib.core.graphql.ids import to_global_id
from chalicelib.core.graphql.money import Money
from chalicelib.core.graphql.pagination import BOTH_WAYS, After, Before, First, Last, PageInfo, page_request
from chalicelib.core.graphql.relay import Node, node_resolver
from chalicelib.points import rules as domain
from chalicelib.points import service
from chalicelib.points.account_reads import Entry
from chalicelib.points.segments import Segment

CURRENCY = "CNY"  # the rules' fen are the shop's currency

POINTS_ARE_NOT_MONEY = "Points (积分), an Int: points are not money and have no currency."

PointsEntryKind = described_enum(domain.EntryKind, name="PointsEntryKind", description="What a ledger entry did.", values={
    domain.EntryKind.EARN: "Earned: a paid order, a check-in, an approved post, a successful team.",
    domain.EntryKind.REDEEM: "Spent: at checkout or in the points mall.",
    domain.EntryKind.EXPIRE: "Expired at the end of the calendar year after the year earned.",
    domain.EntryKind.REVERSE: "An earning or spending taken back (a refund, a cancelled order).",
    domain.EntryKind.ADJUST: "Added or deducted by an operator, with a reason.",
})
PointsSegment = described_enum(Segment, name="PointsSegment", description="RFM segment from the last 90 days of paid orders.", values={
    Segment.DIAMOND: "3 or more purchases in the last 30 days averaging above ¥800.",
    Segment.GOLD: "A purchase in the last 60 days (and not diamond).",
    Segment.SILVER: "A purchase 61 to 90 days ago, none since.",
    Segment.CHURN_WARNING: "No purchase in the last 90 days (including never).",
})


@strawberry.type(description="A membership tier: bronze 0, silver 1 000, gold 5 000, diamond 20 000 growth by default.")
class Tier:
    name: str
    min_growth: int
    multiplier_permille: int = strawberry.field(description="Points multiplier ×1000: 1200 is 1.2×.")

    @classmethod
    def of(cls, tier: domain.Tier) -> Tier:
        return cls(name=tier.name, min_growth=tier.min_growth, multiplier_permille=tier.multiplier_permille)


@strawberry.type(description="Points from a paid order, waiting for its 7-day return window.")
class PendingPoints:
    points: int = strawberry.field(description=POINTS_ARE_NOT_MONEY)
    available_at: datetime = strawberry.field(description="When they become available to spend.")


@strawberry.type(description="The points that expire first and the last day to spend them (China time).")
class ExpiringPoints:
    points: int
    on: date


@strawberry.type(description="One change to a points account. The balance is the sum of the entries.")
class PointsEntry(Node):
    entry: strawberry.Private[Entry]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("PointsEntry", self.entry.id))

    @strawberry.field
    def kind(self) -> PointsEntryKind:
        return self.entry.kind

    @strawberry.field(description="Signed: what the entry did to available plus pending points.")
    def points(self) -> int:
        return self.entry.amount

    @strawberry.field(description="Readable reason (English, then Chinese).")
    def reason(self) -> str:
        return domain.describe_entry(self.entry.kind, self.entry.source, self.entry.reason, self.entry.pending)

    @strawberry.field(description="True if the points were pending (an order's) when posted.")
    def pending(self) -> bool:
        return self.entry.pending

    @strawberry.field(description="When it was posted.")
    def created_at(self) -> datetime:
        return from_iso(self.entry.created_at)


@strawberry.type
class PointsEntryEdge:
    node: PointsEntry
    cursor: str


@strawberry.type
class PointsEntryConnection:
    edges: list[PointsEntryEdge]
    page_info: PageInfo


@node_resolver("PointsEntry")
def _entry_node(info: Ctx, parts: tuple[str, ...]) -> PointsEntry | None:
    entry = service.ledger_entry(info.context.principal, parts[0])
    return PointsEntry(entry=entry) if entry is not None else None


def ledger_connection(user_id: str, first: int | None, after: str | None, last: int | None = None,
                      before: str | None = None) -> PointsEntryConnection:
    scope = f"points:{user_id}"
    page = service.ledger(user_id, page_request(scope, first, after, last, before))
    return connection(PointsEntryConnection, PointsEntryEdge, scope, page, lambda e: PointsEntry(entry=e))


@strawberry.type(description="A member's points (积分), growth value (成长值) and tier.")
class PointsAccount:
    user_id: strawberry.Private[str]
    # Read when a field needs it: a ledger page alone costs only the ledger's Query.
    loaded: strawberry.Private[service.PointsSummary | None] = None

    @property
    def summary(self) -> service.PointsSummary:
        if self.loaded is None:
            from chalicelib.core.clock import utc_now

            self.loaded = service.summary(self.user_id, utc_now())
        return self.loaded

    @strawberry.field(description="Points that can be spent now.")
    def available(self) -> int:
        return self.summary.account.available

    @strawberry.field(description="Points from paid orders still inside their return window.")
    def pending(self) -> int:
        return self.summary.account.pending

    @strawberry.field(description="Each order's pending points and when they become available, soonest first.")
    def pending_releases(self) -> list[PendingPoints]:
        return [PendingPoints(points=p.amount, available_at=from_iso(p.release_at)) for p in self.summary.pending]

    @strawberry.field(description="The points that expire next, if within the expiring-soon window (60 days).")
    def expiring_soon(self) -> ExpiringPoints | None:
        soon = self.summary.expiring_soon
        return ExpiringPoints(points=soon.points, on=soon.on) if soon else None

    @strawberry.field(description="Everything earned, net of reversed earnings.")
    def lifetime_earned(self) -> int:
        return self.summary.account.earned

    @strawberry.field
    def spent(self) -> int:
        return self.summary.account.spent

    @strawberry.field
    def expired(self) -> int:
        return self.summary.account.expired

    @strawberry.field(description="Growth value: rises with money paid; never falls with spending points.")
    def growth(self) -> int:
        return self.summary.account.growth

    @strawberry.field
    def tier(self) -> Tier:
        return Tier.of(self.summary.tier)

    @strawberry.field(description="Null at the top tier.")
    def next_tier(self) -> Tier | None:
        return Tier.of(self.summary.next_tier) if self.summary.next_tier else None

    @strawberry.field
    def growth_to_next_tier(self) -> int:
        return self.summary.growth_to_next_tier

    @strawberry.field(description="0–100 through the current tier towards the next.")
    def tier_progress_percent(self) -> int:
        return self.summary.progress_percent

    @strawberry.field(description="Consecutive days checked in, counting the last check-in.")
    def check_in_streak(self) -> int:
        return self.summary.account.streak

    @strawberry.field(description="Checked in today (China time).")
    def checked_in_today(self) -> bool:
        return self.summary.checked_in_today

    @strawberry.field(description="RFM segment as the nightly job last computed it (operators' view); null "
                                  "before its first run for this member.")
    def segment(self) -> PointsSegment | None:
        stored = self.summary.account.segment
        return Segment(stored) if stored else None

    @strawberry.field(description="The ledger, newest first." + BOTH_WAYS)
    def ledger(self, first: First = None, after: After = None, last: Last = None,
               before: Before = None) -> PointsEntryConnection | None:
        return ledger_connection(self.user_id, first, after, last, before)


def points_account(user_id: str) -> PointsAccount:
    return PointsAccount(user_id=user_id)


@strawberry.type(description="How points are earned and spent; operators change them with updatePointsRules.")
class PointsRules:
    rules: strawberry.Private[domain.PointsRules]

    @strawberry.field(description="Fen paid per point earned (100: 1 point per ¥1).",
                      deprecation_reason="Use spendPerPoint (Money).")
    def fen_per_point(self) -> int:
        return self.rules.fen_per_point

    @strawberry.field(description="Money paid per point earned (¥1 by default), before the tier multiplier.")
    def spend_per_point(self) -> Money:
        return Money(amount=self.rules.fen_per_point, currency=CURRENCY)

    @strawberry.field
    def green_multiplier(self) -> int:
        return self.rules.green_multiplier

    @strawberry.field
    def check_in_points(self) -> int:
        return self.rules.check_in_points

    @strawberry.field(description="Every n-th consecutive day earns the streak bonus instead.")
    def streak_bonus_day(self) -> int:
        return self.rules.streak_bonus_day

    @strawberry.field
    def streak_bonus_points(self) -> int:
        return self.rules.streak_bonus_points

    @strawberry.field
    def post_points(self) -> int:
        return self.rules.post_points

    @strawberry.field
    def posts_per_day(self) -> int:
        return self.rules.posts_per_day

    @strawberry.field
    def team_success_points(self) -> int:
        return self.rules.team_success_points

    @strawberry.field
    def growth_per_yuan(self) -> int:
        return self.rules.growth_per_yuan

    @strawberry.field
    def tiers(self) -> list[Tier]:
        return [Tier.of(t) for t in self.rules.tiers]

    @strawberry.field(description="Points per redemption unit (100).")
    def redeem_points_per_unit(self) -> int:
        return self.rules.redeem_points_per_unit

    @strawberry.field(description="Fen off per unit (100: ¥1).",
                      deprecation_reason="Use redeemValuePerUnit (Money).")
    def redeem_fen_per_unit(self) -> int:
        return self.rules.redeem_fen_per_unit

    @strawberry.field(description="Money off an order per redemption unit (¥1 by default).")
    def redeem_value_per_unit(self) -> Money:
        return Money(amount=self.rules.redeem_fen_per_unit, currency=CURRENCY)

    @strawberry.field(description="At most this percent of an order may be paid with points.")
    def redeem_max_percent(self) -> int:
        return self.rules.redeem_max_percent

    @strawberry.field(description="Days an order's points stay pending (the return window).")
    def pending_days(self) -> int:
        return self.rules.pending_days

    @strawberry.field
    def expiring_soon_days(self) -> int:
        return self.rules.expiring_soon_days

    @strawberry.field(description="Points expire at the end of the calendar year after the year earned.")
    def expiry_policy(self) -> str:
        return "END_OF_NEXT_CALENDAR_YEAR"
