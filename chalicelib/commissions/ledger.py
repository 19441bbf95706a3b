"""The commission ledger: accrual, reversal on refunds, holds and settlement.

An entry is one beneficiary's commission on one order. Accrual puts it PENDING (if
absent: a redelivered stream record changes nothing) and adds its amount to the
account's ``pending`` in the same transaction. Everything after that reads the
entry, computes, and writes in one transaction conditioned on the entry's
``version`` as read (and bumps it), so a reversal, a hold, the settlement job and a
settlement timer racing one another apply one at a time, each to what the other
left; a loser reads again.

Reversal after settlement takes from ``available``, never below zero: what the
beneficiary has withdrawn already is written off as the entry's ``unrecovered``
(metric ``CommissionUnrecovered``), not carried as a debt (a negative balance would
block every later withdrawal for money the platform chose to pay out early).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar

from pynamodb.exceptions import DoesNotExist

from chalicelib.commissions import rules
from chalicelib.commissions.keys import (
    ACCOUNT_SK,
    ORDER_SK,
    commission_pk,
    due_bucket,
    due_shard,
    due_sort_key,
    entry_sk,
    order_pk,
)
from chalicelib.commissions.models import CommissionAccountItem, CommissionEntryItem, CommissionOrderItem
from chalicelib.commissions.rules import EntryState, Kind, Line
from chalicelib.core.clock import iso
from chalicelib.core.errors import ValidationFailed
from chalicelib.core.observability import count
from chalicelib.core.table.transactions import Transaction, TransactionCancelled

RETRIES = 8
T = TypeVar("T")


class _Changed(Exception):
    """What we read changed before our write: read again."""


# An accrual whose return window is not known yet (it opens when the order completes): the due index never
# reaches it; ``settle_at`` sets the real instant.
NOT_YET_KNOWN = datetime(9999, 12, 31, tzinfo=UTC)

def retrying(attempt: Callable[[], T]) -> T:
    for _ in range(RETRIES):
        try:
            return attempt()
        except _Changed:
            continue
    raise rules.CommissionBusy("the commission ledger is busy; try again")


def commit_or_changed(tx: Transaction) -> None:
    try:
        tx.commit()
    except TransactionCancelled as error:
        raise _Changed() from error


def account_update(tx: Transaction, beneficiary_id: str, actions: list, condition=None) -> None:
    # UpdateItem creates a missing account; the discriminator makes it read back as one.
    tx.update("account", CommissionAccountItem(commission_pk(beneficiary_id), ACCOUNT_SK),
              [*actions, CommissionAccountItem.type.set(CommissionAccountItem)], condition)


def get_account(beneficiary_id: str) -> CommissionAccountItem:
    try:
        return CommissionAccountItem.get(commission_pk(beneficiary_id), ACCOUNT_SK, consistent_read=True)
    except DoesNotExist:
        return CommissionAccountItem(commission_pk(beneficiary_id), ACCOUNT_SK)


def get_entry(beneficiary_id: str, order_id: str) -> CommissionEntryItem | None:
    try:
        return CommissionEntryItem.get(commission_pk(beneficiary_id), entry_sk(order_id), consistent_read=True)
    except DoesNotExist:
        return None


def lines_of(entry: CommissionEntryItem) -> list[Line]:
    return [Line(*line) for line in entry.lines]


def refunded_of(entry: CommissionEntryItem) -> dict[int, int]:
    return {int(line_no): fen for line_no, fen in (entry.refunded or {}).items()}


def _require_id(value: object, field: str) -> str:
    if not isinstance(value, str) or not value or len(value) > 128 or "#" in value:
        raise ValidationFailed("an id of 1 to 128 characters, without '#'", field)
    return value


def _require_aware(moment: object, field: str) -> datetime:
    if not isinstance(moment, datetime) or moment.tzinfo is None:
        raise ValidationFailed("an aware time", field)
    return moment


def _checked_source(source: Mapping[str, str] | None) -> dict[str, str]:
    source = dict(source or {})
    if len(source) > 8 or not all(isinstance(k, str) and isinstance(v, str) and len(k) <= 32 and len(v) <= 128
                                  for k, v in source.items()):
        raise ValidationFailed("at most 8 names of up to 32 characters with text values of up to 128", "source")
    return source


# ---------------------------------------------------------------- accrual
@dataclass(frozen=True, slots=True)
class Accrual:
    amount: int  # the entry's amount (as accrued, or as it stands when accrued before)
    created: bool  # False: this (order, beneficiary) was accrued before; nothing changed


def accrue(beneficiary_id: str, kind: Kind, order_id: str, lines: Iterable[tuple[int, int, int] | Line],
           hold_until: datetime, now: datetime, source: Mapping[str, str] | None = None) -> Accrual:
    """One PENDING entry per (order, beneficiary) and its amount added to ``pending``, in
    one transaction (one request). Accrued before (a redelivered stream record, a retried
    task): nothing changes, one more GetItem reads what was accrued."""
    _require_id(beneficiary_id, "beneficiaryId")
    _require_id(order_id, "orderId")
    if not isinstance(kind, Kind):
        raise ValidationFailed("LEADER, DISTRIBUTOR or UPSTREAM", "kind")
    checked = rules.checked_lines(lines)
    _require_aware(hold_until, "holdUntil")
    source = _checked_source(source)
    amount = rules.amount_of(checked)
    until = iso(hold_until)
    entry = CommissionEntryItem(
        commission_pk(beneficiary_id), entry_sk(order_id), beneficiary_id=beneficiary_id, order_id=order_id,
        kind=kind.value, state=EntryState.PENDING.value, lines=[[x.line_no, x.paid, x.rate_bp] for x in checked],
        refunded={}, accrued=amount, amount=amount, unrecovered=0, hold_until=until, accrued_at=iso(now),
        source=source, version=0, GSI1PK=due_bucket(due_shard(beneficiary_id)),
        GSI1SK=due_sort_key(until, beneficiary_id, order_id))
    tx = Transaction()
    tx.put("entry", entry, CommissionEntryItem.PK.does_not_exist())
    tx.update("order", CommissionOrderItem(order_pk(order_id), ORDER_SK),
              [CommissionOrderItem.beneficiaries.add({beneficiary_id}),
               CommissionOrderItem.type.set(CommissionOrderItem)])
    account_update(tx, beneficiary_id, [CommissionAccountItem.pending.add(amount)])
    try:
        tx.commit()
    except TransactionCancelled as error:
        if "entry" not in error.failed:
            raise
        existing = get_entry(beneficiary_id, order_id)
        return Accrual(int(existing.amount) if existing else 0, False)
    count("CommissionAccrued", amount)
    return Accrual(amount, True)


# ---------------------------------------------------------------- reading an order's entries
def beneficiaries_of(order_id: str) -> list[str]:
    """Who earned on the order, from its order item: one consistent GetItem."""
    try:
        return sorted(CommissionOrderItem.get(order_pk(order_id), ORDER_SK, consistent_read=True).beneficiaries or ())
    except DoesNotExist:
        return []


def entries_of_order(order_id: str) -> list[CommissionEntryItem]:
    """Every beneficiary's entry of the order: the order item, then one consistent BatchGetItem."""
    beneficiaries = beneficiaries_of(order_id)
    if not beneficiaries:
        return []
    keys = [(commission_pk(b), entry_sk(order_id)) for b in beneficiaries]
    return sorted(CommissionEntryItem.batch_get(keys, consistent_read=True), key=lambda e: e.beneficiary_id)


def _reads(beneficiary_id: str, order_id: str, first: CommissionEntryItem | None) -> Callable[[], CommissionEntryItem | None]:
    """The entry as read already (``first``) the first time, then a fresh consistent read for each retry."""
    unread = [first] if first is not None else []

    def read() -> CommissionEntryItem | None:
        return unread.pop() if unread else get_entry(beneficiary_id, order_id)

    return read


def _entry_write(tx: Transaction, entry: CommissionEntryItem, actions: list) -> None:
    tx.update("entry", CommissionEntryItem(entry.PK, entry.SK),
              [*actions, CommissionEntryItem.version.add(1)],
              CommissionEntryItem.version == int(entry.version))


# ---------------------------------------------------------------- reversal
@dataclass(frozen=True, slots=True)
class Reversal:
    beneficiary_id: str
    reversed: int  # taken from the entry by this call (0: nothing new refunded)
    from_pending: int = 0
    from_available: int = 0
    unrecovered: int = 0


def reverse_refunded(order_id: str, refunded_by_line: Mapping[int, int], now: datetime) -> list[Reversal]:
    """Every entry of the order follows the refunds: its amount becomes what the lines
    still paid earn (``refunded_by_line``: cumulative fen refunded per line number). The
    difference comes off ``pending`` while the entry is pending, off ``available`` once
    settled (never below zero; the rest is the entry's ``unrecovered``). A redelivered or
    older report changes nothing: refunds only grow, per line."""
    reported = rules.checked_refunds(refunded_by_line)
    return _reverse_entries(order_id, now, lambda entry: reported)


def reverse_in_full(order_id: str, now: datetime) -> list[Reversal]:
    """The whole order was paid back (a failed group-buy team, a payment refunded as a whole): every entry of it
    earns nothing, as if each line were refunded in full. Idempotent as ``reverse_refunded``."""
    return _reverse_entries(order_id, now, lambda entry: {line.line_no: line.paid for line in lines_of(entry)})


def _reverse_entries(order_id: str, now: datetime,
                     reported_of: Callable[[CommissionEntryItem], Mapping[int, int]]) -> list[Reversal]:
    """Each entry of the order reversed to ``reported_of(entry)``'s cumulative refunds, read again on a retry."""
    _require_id(order_id, "orderId")
    _require_aware(now, "now")
    results = []
    for entry in entries_of_order(order_id):
        read = _reads(entry.beneficiary_id, order_id, entry)

        def attempt(beneficiary_id: str = entry.beneficiary_id, read=read) -> Reversal:
            current = read()
            return _reverse_entry(beneficiary_id, current, {} if current is None else reported_of(current))

        results.append(retrying(attempt))
    done = [r for r in results if r.reversed]
    if done:
        count("CommissionReversed", sum(r.reversed for r in done))
    unrecovered = sum(r.unrecovered for r in done)
    if unrecovered:
        count("CommissionUnrecovered", unrecovered)
    return done


def _reverse_entry(beneficiary_id: str, entry: CommissionEntryItem | None, reported: Mapping[int, int]) -> Reversal:
    if entry is None:
        return Reversal(beneficiary_id, 0)
    lines = lines_of(entry)
    refunded = rules.merged_refunds(refunded_of(entry), reported, lines)
    target = rules.amount_of(lines, refunded)
    delta = int(entry.amount) - target
    if delta <= 0 and refunded == refunded_of(entry):
        return Reversal(beneficiary_id, 0)
    tx = Transaction()
    actions = [CommissionEntryItem.refunded.set({str(k): v for k, v in refunded.items()}),
               CommissionEntryItem.amount.set(target)]
    if EntryState(entry.state) is EntryState.PENDING:
        _entry_write(tx, entry, actions)
        if delta:
            account_update(tx, beneficiary_id, [CommissionAccountItem.pending.add(-delta)])
        commit_or_changed(tx)
        return Reversal(beneficiary_id, delta, from_pending=delta)
    available = int(get_account(beneficiary_id).available)
    take = min(delta, available)
    unrecovered = delta - take
    if unrecovered:
        actions.append(CommissionEntryItem.unrecovered.add(unrecovered))
    _entry_write(tx, entry, actions)
    if take:
        # A withdrawal taking the same money meanwhile sends us back to read again.
        account_update(tx, beneficiary_id, [CommissionAccountItem.available.add(-take)],
                       CommissionAccountItem.available >= take)
    commit_or_changed(tx)
    return Reversal(beneficiary_id, delta, from_available=take, unrecovered=unrecovered)


# ---------------------------------------------------------------- holding and settling
def hold(order_id: str, until: datetime) -> int:
    """The return window was extended: the order's PENDING entries settle no earlier than
    ``until``. Returns how many entries moved (an entry already held as long, or settled, stays)."""
    _require_id(order_id, "orderId")
    _require_aware(until, "until")
    moved = 0
    for entry in entries_of_order(order_id):
        read = _reads(entry.beneficiary_id, order_id, entry)
        moved += retrying(lambda r=read: _hold_entry(r(), iso(until)))
    return moved


def settle_at(order_id: str, until: datetime) -> int:
    """The order's return window is known now (it completed): its PENDING entries settle at ``until``, earlier or
    later than the provisional instant they were accrued with (``NOT_YET_KNOWN``). Returns how many entries moved."""
    _require_id(order_id, "orderId")
    _require_aware(until, "until")
    moved = 0
    for entry in entries_of_order(order_id):
        read = _reads(entry.beneficiary_id, order_id, entry)
        moved += retrying(lambda r=read: _hold_entry(r(), iso(until), exactly=True))
    return moved


def _hold_entry(entry: CommissionEntryItem | None, until: str, *, exactly: bool = False) -> int:
    if entry is None or EntryState(entry.state) is not EntryState.PENDING or entry.hold_until == until:
        return 0
    if entry.hold_until > until and not exactly:
        return 0
    tx = Transaction()
    _entry_write(tx, entry, [CommissionEntryItem.hold_until.set(until),
                             CommissionEntryItem.GSI1SK.set(due_sort_key(until, entry.beneficiary_id, entry.order_id))])
    commit_or_changed(tx)
    return 1


class Waiting(Exception):
    """A condition the root assembly added (``unless``) holds the settlement back for now (a refund still open)."""


# Conditions the root assembly adds to a settling transaction, each refused as Waiting (label prefix "wait").
SettleCondition = Callable[[Transaction, str], None]
WAIT_LABEL = "wait"


def settle_entry(beneficiary_id: str, order_id: str, now: datetime, *,
                 first: CommissionEntryItem | None = None, unless: SettleCondition | None = None) -> int | None:
    """A due PENDING entry becomes SETTLED, its amount moving pending → available, once.
    Returns the amount settled (0 for a fully reversed entry), None when nothing was
    settled: not due, settled before, missing, or held back by ``unless``'s conditions (which add checks labelled
    ``wait:...`` on the order to the settling transaction). ``first``: the entry as read already."""
    read = _reads(beneficiary_id, order_id, first)

    def attempt() -> int | None:
        entry = read()
        if entry is None or EntryState(entry.state) is not EntryState.PENDING or entry.hold_until > iso(now):
            return None
        amount = int(entry.amount)
        tx = Transaction()
        if unless is not None:
            unless(tx, order_id)
            tx.refuse(WAIT_LABEL, Waiting(), prefix=True)
        _entry_write(tx, entry, [CommissionEntryItem.state.set(EntryState.SETTLED.value),
                                 CommissionEntryItem.settled_at.set(iso(now)),
                                 CommissionEntryItem.GSI1PK.remove(), CommissionEntryItem.GSI1SK.remove()])
        if amount:
            account_update(tx, beneficiary_id, [CommissionAccountItem.pending.add(-amount),
                                                CommissionAccountItem.available.add(amount)])
        try:
            commit_or_changed(tx)
        except Waiting:
            count("CommissionSettlementsWaiting")
            return None
        return amount

    return retrying(attempt)


def settle_order(order_id: str, now: datetime) -> int:
    """The order's timer: settle its due entries (all beneficiaries). Returns the fen settled
    now; 0 when the job (or an earlier timer) settled them first."""
    _require_id(order_id, "orderId")
    _require_aware(now, "now")
    settled = [settle_entry(e.beneficiary_id, order_id, now, first=e) for e in entries_of_order(order_id)]
    total = sum(amount for amount in settled if amount)
    if total:
        count("CommissionSettled", total)
    return total
