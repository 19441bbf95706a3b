"""Distribution types: your distributor standing, your links with their counters, the join mode."""
from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types import Info

from chalicelib.core.clock import from_iso
from chalicelib.core.graphql.enums import described_enum
from chalicelib.core.graphql.ids import to_global_id
from chalicelib.core.graphql.money import Money
from chalicelib.core.graphql.pagination import PageInfo
from chalicelib.core.principal import Role
from chalicelib.distribution.models import DistributorLinkItem
from chalicelib.distribution.rules import Distributor as DistributorRecord
from chalicelib.distribution.rules import DistributorState, JoinMode

CURRENCY = "CNY"

DistributorStatus = described_enum(DistributorState, name="DistributorStatus", description="Where a distributor is.",
                                   values={DistributorState.APPLIED: "Applied; waiting for an operator's approval.",
                                           DistributorState.ACTIVE: "Shares links and earns commissions."})

DistributionJoinMode = described_enum(JoinMode, name="DistributionJoinMode", description="How one becomes a distributor.",
                                      values={JoinMode.OPT_IN: "A customer opts in and is active at once (default).",
                                              JoinMode.APPROVAL: "A customer applies; an operator approves."})


@strawberry.type(description="You as a distributor (分销员).")
class Distributor:
    record: strawberry.Private[DistributorRecord]

    @strawberry.field
    def status(self) -> DistributorStatus:
        return self.record.state

    @strawberry.field
    def joined_at(self) -> datetime:
        return from_iso(self.record.joined_at)

    @strawberry.field(description="Whether you named who recruited you (once; they earn 20 % of your rate on top).")
    def has_upstream(self) -> bool:
        return self.record.upstream_id is not None

    @strawberry.field(description="The distributor's `User` id: the distributor and operators only (an operator "
                                  "approves an applicant by it); null for anyone else.")
    def user_id(self, info: Info) -> strawberry.ID | None:
        principal = info.context.principal
        if principal is None or not (principal.role is Role.OPERATOR or principal.user_id == self.record.user_id):
            return None
        return strawberry.ID(to_global_id("User", self.record.user_id))


@strawberry.type
class DistributorEdge:
    node: Distributor
    cursor: str


@strawberry.type
class DistributorConnection:
    edges: list[DistributorEdge]
    page_info: PageInfo


@strawberry.type(description="Your link for one product and what it did: visits (signed-in visitors, once a day "
                             "each), paid orders and your commission accrued through it (before refunds; "
                             "`me.commissions` has the ledger).")
class DistributorLink:
    item: strawberry.Private[DistributorLinkItem]

    @strawberry.field(description="The share code (16 characters, fits a mini-program `scene`).")
    def code(self) -> str:
        return self.item.code

    @strawberry.field(description="The `Product` id.")
    def product_id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("Product", self.item.product_id))

    @strawberry.field(description="The product's name when the link was made.")
    def product_name(self) -> str:
        return self.item.product_name

    @strawberry.field
    def created_at(self) -> datetime:
        return from_iso(self.item.created_at)

    @strawberry.field
    def visits(self) -> int:
        return int(self.item.visits or 0)

    @strawberry.field
    def orders(self) -> int:
        return int(self.item.orders or 0)

    @strawberry.field
    def commission(self) -> Money:
        return Money(amount=int(self.item.commission or 0), currency=CURRENCY)


@strawberry.type
class DistributorLinkEdge:
    node: DistributorLink
    cursor: str


@strawberry.type
class DistributorLinkConnection:
    edges: list[DistributorLinkEdge]
    page_info: PageInfo
