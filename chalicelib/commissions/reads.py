"""What a beneficiary (and an operator) reads: the account, entries and withdrawals, as plain values."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pynamodb.exceptions import DoesNotExist

from chalicelib.commissions.keys import (
    ENTRY_PREFIX,
    FAILED_WITHDRAWALS,
    WITHDRAWAL_PREFIX,
    commission_pk,
    withdrawal_sk,
)
from chalicelib.commissions.ledger import get_account
from chalicelib.commissions.models import CommissionAccountItem, CommissionEntryItem, CommissionWithdrawalItem
from chalicelib.commissions.rules import EntryState, Kind, WithdrawalState
from chalicelib.core.clock import from_iso
from chalicelib.core.table.models import TableItem
from chalicelib.core.table.paging import Page, PageRequest, checked_request, query_page

MAX_PAGE = 100


@dataclass(frozen=True, slots=True)
class Account:
    beneficiary_id: str
    pending: int
    available: int
    withdrawing: int
    paid_out: int

    @classmethod
    def of(cls, beneficiary_id: str, item: CommissionAccountItem) -> Account:
        return cls(beneficiary_id, int(item.pending), int(item.available), int(item.withdrawing), int(item.paid_out))


@dataclass(frozen=True, slots=True)
class Entry:
    beneficiary_id: str
    order_id: str
    kind: Kind
    state: EntryState
    accrued: int
    amount: int
    unrecovered: int
    hold_until: datetime
    accrued_at: datetime
    settled_at: datetime | None

    @property
    def reversed(self) -> int:
        return self.accrued - self.amount

    @classmethod
    def of(cls, item: CommissionEntryItem) -> Entry:
        return cls(item.beneficiary_id, item.order_id, Kind(item.kind), EntryState(item.state), int(item.accrued),
                   int(item.amount), int(item.unrecovered or 0), from_iso(item.hold_until), from_iso(item.accrued_at),
                   from_iso(item.settled_at) if item.settled_at else None)


@dataclass(frozen=True, slots=True)
class Withdrawal:
    beneficiary_id: str
    withdrawal_id: str
    amount: int
    state: WithdrawalState
    attempt: int
    created_at: datetime
    updated_at: datetime
    failure: str | None

    @classmethod
    def of(cls, item: CommissionWithdrawalItem) -> Withdrawal:
        return cls(item.beneficiary_id, item.withdrawal_id, int(item.amount), WithdrawalState(item.state),
                   int(item.attempt), from_iso(item.created_at), from_iso(item.updated_at), item.failure)


def account(beneficiary_id: str) -> Account:
    """One GetItem; an account never accrued reads as zeros."""
    return Account.of(beneficiary_id, get_account(beneficiary_id))


def entries_page(beneficiary_id: str, limit: int | PageRequest, after: str | None = None) -> Page[Entry]:
    """The entries, newest order first: one Query (positions are sort keys)."""
    request = checked_request(limit, after, MAX_PAGE, lambda p: p.startswith(ENTRY_PREFIX))
    page = query_page(CommissionEntryItem, commission_pk(beneficiary_id), request, prefix=ENTRY_PREFIX,
                      kinds=CommissionEntryItem)
    return page.map(Entry.of)


def withdrawals_page(beneficiary_id: str, limit: int | PageRequest, after: str | None = None) -> Page[Withdrawal]:
    """The withdrawals, newest first: one Query."""
    request = checked_request(limit, after, MAX_PAGE, lambda p: p.startswith(WITHDRAWAL_PREFIX))
    page = query_page(CommissionWithdrawalItem, commission_pk(beneficiary_id), request, prefix=WITHDRAWAL_PREFIX,
                      kinds=CommissionWithdrawalItem)
    return page.map(Withdrawal.of)


def failed_withdrawals_page(limit: int | PageRequest, after: str | None = None) -> Page[Withdrawal]:
    """The operators' queue of failed payouts, oldest failure first: one Query of GSI2."""
    request = checked_request(limit, after, MAX_PAGE, lambda p: len(p) < 200)
    page = query_page(TableItem.gsi2, FAILED_WITHDRAWALS, request, forward=True, kinds=CommissionWithdrawalItem)
    return page.map(Withdrawal.of)


def get_withdrawal(beneficiary_id: str, withdrawal_id: str) -> Withdrawal | None:
    try:
        item = CommissionWithdrawalItem.get(commission_pk(beneficiary_id), withdrawal_sk(withdrawal_id),
                                            consistent_read=True)
    except DoesNotExist:
        return None
    return Withdrawal.of(item)
