"""Commission types: a beneficiary's account, its entries and withdrawals."""
from __future__ import annotations

from datetime import datetime

import strawberry

from chalicelib.commissions import reads, service
from chalicelib.commissions.rules import EntryState, Kind, WithdrawalState
from chalicelib.core.graphql.connection import connection
from chalicelib.core.graphql.context import Ctx
from chalicelib.core.graphql.enums import described_enum
from chalicelib.core.graphql.ids import to_global_id
from chalicelib.core.graphql.money import Money
from chalicelib.core.graphql.pagination import BOTH_WAYS, After, Before, First, Last, PageInfo, page_request
from chalicelib.core.graphql.relay import Node, node_resolver

CURRENCY = "CNY"

CommissionKind = described_enum(Kind, name="CommissionKind", description="Why a commission was earned.", values={
    Kind.LEADER: "The community leader (团长) whose pickup point served the order.",
    Kind.DISTRIBUTOR: "The distributor (分销) whose link the order came through.",
    Kind.UPSTREAM: "The inviter of that distributor (one level, never more).",
})
CommissionEntryState = described_enum(EntryState, name="CommissionEntryState", description="Where a commission is.", values={
    EntryState.PENDING: "Waiting for the order's return window to close (`holdUntil`); a refund lowers it.",
    EntryState.SETTLED: "Added to your available commission (a later refund takes its share back from it).",
})
CommissionWithdrawalState = described_enum(WithdrawalState, name="CommissionWithdrawalState",
                                           description="Where a withdrawal is.", values={
    WithdrawalState.REQUESTED: "Taken from available; the transfer to your WeChat wallet is on its way.",
    WithdrawalState.PAID: "In your WeChat wallet (零钱).",
    WithdrawalState.FAILED: "WeChat refused the transfer: the money is available again; an operator may retry.",
})


def _money(fen: int) -> Money:
    return Money(amount=fen, currency=CURRENCY)


@strawberry.type(description="Your commission on one order.")
class CommissionEntry(Node):
    entry: strawberry.Private[reads.Entry]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("CommissionEntry", self.entry.order_id))

    @strawberry.field(description="The `Order` it was earned on.")
    def order_id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("Order", self.entry.order_id))

    @strawberry.field
    def kind(self) -> CommissionKind:
        return self.entry.kind

    @strawberry.field
    def state(self) -> CommissionEntryState:
        return self.entry.state

    @strawberry.field(description="What it earns now: Σ (paid − refunded) × rate, rounded down per line.")
    def amount(self) -> Money:
        return _money(self.entry.amount)

    @strawberry.field(description="Taken back by refunds since it was earned.")
    def reversed(self) -> Money:
        return _money(self.entry.reversed)

    @strawberry.field(description="Taken back after settlement but withdrawn already: written off, not a debt.")
    def unrecovered(self) -> Money:
        return _money(self.entry.unrecovered)

    @strawberry.field(description="When it settles (the order's return window closes).")
    def hold_until(self) -> datetime:
        return self.entry.hold_until

    @strawberry.field
    def earned_at(self) -> datetime:
        return self.entry.accrued_at

    @strawberry.field
    def settled_at(self) -> datetime | None:
        return self.entry.settled_at


@strawberry.type(description="A payout of settled commission to a WeChat wallet.")
class CommissionWithdrawal(Node):
    withdrawal: strawberry.Private[reads.Withdrawal]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("CommissionWithdrawal", self.withdrawal.beneficiary_id,
                                          self.withdrawal.withdrawal_id))

    @strawberry.field
    def amount(self) -> Money:
        return _money(self.withdrawal.amount)

    @strawberry.field
    def state(self) -> CommissionWithdrawalState:
        return self.withdrawal.state

    @strawberry.field(description="FAILED: WeChat's reason code (e.g. ACCOUNT_FROZEN, NAME_MISMATCH).")
    def failure(self) -> str | None:
        return self.withdrawal.failure

    @strawberry.field(description="1, then + 1 with each operator's retry of a failed transfer.")
    def attempt(self) -> int:
        return self.withdrawal.attempt

    @strawberry.field
    def requested_at(self) -> datetime:
        return self.withdrawal.created_at

    @strawberry.field
    def updated_at(self) -> datetime:
        return self.withdrawal.updated_at


@strawberry.type
class CommissionEntryEdge:
    node: CommissionEntry
    cursor: str


@strawberry.type
class CommissionEntryConnection:
    edges: list[CommissionEntryEdge]
    page_info: PageInfo


@strawberry.type
class CommissionWithdrawalEdge:
    node: CommissionWithdrawal
    cursor: str


@strawberry.type
class CommissionWithdrawalConnection:
    edges: list[CommissionWithdrawalEdge]
    page_info: PageInfo


@node_resolver("CommissionEntry")
def _entry_node(info: Ctx, parts: tuple[str, ...]) -> CommissionEntry | None:
    entry = service.own_entry(info.context.principal, parts[0])
    return CommissionEntry(entry=entry) if entry is not None else None


@node_resolver("CommissionWithdrawal", parts=2)
def _withdrawal_node(info: Ctx, parts: tuple[str, ...]) -> CommissionWithdrawal | None:
    found = service.own_withdrawal(info.context.principal, *parts)
    return CommissionWithdrawal(withdrawal=found) if found is not None else None


def withdrawal_connection(scope: str, page) -> CommissionWithdrawalConnection:
    return connection(CommissionWithdrawalConnection, CommissionWithdrawalEdge, scope, page,
                      lambda w: CommissionWithdrawal(withdrawal=w))


@strawberry.type(description="Your commissions (佣金) as a community leader or distributor, in fen.")
class CommissionAccount:
    user_id: strawberry.Private[str]
    # Read when a total is selected: a page of entries alone costs only its Query.
    loaded: strawberry.Private[reads.Account | None] = None

    @property
    def totals(self) -> reads.Account:
        if self.loaded is None:
            self.loaded = reads.account(self.user_id)
        return self.loaded

    @strawberry.field(description="Earned on orders whose return window is still open.")
    def pending(self) -> Money:
        return _money(self.totals.pending)

    @strawberry.field(description="Settled and not withdrawn: what you may withdraw (¥1 at least).")
    def available(self) -> Money:
        return _money(self.totals.available)

    @strawberry.field(description="In withdrawals on their way to your WeChat wallet.")
    def withdrawing(self) -> Money:
        return _money(self.totals.withdrawing)

    @strawberry.field(description="Paid to your WeChat wallet so far.")
    def paid_out(self) -> Money:
        return _money(self.totals.paid_out)

    @strawberry.field(description="Your commission on each order, newest order first." + BOTH_WAYS)
    def entries(self, first: First = None, after: After = None, last: Last = None,
                before: Before = None) -> CommissionEntryConnection | None:
        scope = f"commissions:{self.user_id}"
        page = reads.entries_page(self.user_id, page_request(scope, first, after, last, before))
        return connection(CommissionEntryConnection, CommissionEntryEdge, scope, page,
                          lambda e: CommissionEntry(entry=e))

    @strawberry.field(description="Your withdrawals, newest first." + BOTH_WAYS)
    def withdrawals(self, first: First = None, after: After = None, last: Last = None,
                    before: Before = None) -> CommissionWithdrawalConnection | None:
        scope = f"commission-withdrawals:{self.user_id}"
        page = reads.withdrawals_page(self.user_id, page_request(scope, first, after, last, before))
        return withdrawal_connection(scope, page)
