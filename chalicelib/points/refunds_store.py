"""After-sales refunds in the points ledger: partial reversal of an order's earning,
points spent at checkout given back, and an earning held until the return window.

The order's (or the redemption's) source guard is where every change to a posting
meets: each write here, ``store.release_pending`` and ``store.reverse`` condition on
the guard's ``amount`` (and ``pending_sk``) as read, and read again when it moved.
So a release, a whole reversal, a hold and any number of partial refunds may run at
once and together never take more than the posting held. Each refund posts once:
its own guard (``refund:<refund id>``, ``giveback:<refund id>``) is put "if absent"
in the same transaction.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from pynamodb.exceptions import DoesNotExist

from chalicelib.core.clock import iso
from chalicelib.core.table.models import TableItem
from chalicelib.core.table.transactions import Transaction, TransactionCancelled
from chalicelib.points import rules
from chalicelib.points.account_reads import get_account, get_source, lots, lots_tuple
from chalicelib.points.keys import (
    SOURCE_SK,
    pending_due_bucket,
    pending_sk,
    points_pk,
    points_shard,
    source_pk,
)
from chalicelib.points.models import PointsAccountItem, PointsPendingItem, PointsSourceItem
from chalicelib.points.rules import EntryKind, PointsBusy
from chalicelib.points.store import MAX_LOTS, RETRIES, _account_update, _entry_put, _guard_put, _lot_add, _lots_take


@dataclass(frozen=True, slots=True)
class PartReversal:
    """What one refund did to the order's earning (all zero: it did nothing, e.g. a
    redelivered refund, or no points were posted for the order)."""

    points_cancelled: int = 0  # still pending: cancelled before release
    points_taken_back: int = 0  # released: taken back from the lots
    points_unrecovered: int = 0  # released but spent already: written off, not a debt
    growth_taken: int = 0


NOTHING = PartReversal()


class _Changed(Exception):
    """The guard (or a lot, or the account) changed between our read and the write."""


def _commit(tx: Transaction) -> bool:
    """True when written; False when this refund posted before; _Changed to read again."""
    try:
        tx.commit()
    except TransactionCancelled as error:
        if "source" in error.failed:
            return False
        raise _Changed() from error
    return True


def _retrying(attempt):
    for _ in range(RETRIES):
        try:
            return attempt()
        except _Changed:
            continue
    raise PointsBusy("the points account is busy; try again")


def _at_least(*counters):
    """The account holds each amount taken; a counter never written (an account that
    never had growth) has no attribute, so nothing taken from it is not a condition."""
    conditions = [attribute >= amount for attribute, amount in counters if amount]
    if not conditions:
        return None
    condition = conditions[0]
    for more in conditions[1:]:
        condition &= more
    return condition


# ---------------------------------------------------------------- partial reversal
def reverse_part(user_id: str, order_source: str, refund_id: str, refunded_before: int, refunded_now: int,
                 paid_total: int, now: datetime, points_weights: tuple[int, int, int] | None = None) -> PartReversal:
    """Take a refund's share of the order's earned points and growth (``rules.refunded_share``
    of the original amounts, capped at what is left). Pending: cancelled. Released: taken
    back from the lots, oldest first, never below zero; the rest is unrecovered."""
    refund = rules.refund_source(refund_id)

    def attempt() -> PartReversal:
        if get_source(user_id, refund) is not None:
            return NOTHING
        guard = get_source(user_id, order_source)
        if guard is None or guard.reversed or EntryKind(guard.kind) is not EntryKind.EARN:
            return NOTHING
        left, growth_left = int(guard.amount), int(guard.growth or 0)
        # Points follow what earned them (``points_weights``: green goods count twice), growth the money.
        weight_before, weight_now, weight_total = points_weights or (refunded_before, refunded_now, paid_total)
        share = min(rules.refunded_share(left + int(guard.refunded or 0), weight_before, weight_now, weight_total),
                    left)
        growth_share = min(rules.refunded_share(growth_left + int(guard.growth_refunded or 0), refunded_before,
                                                refunded_now, paid_total), growth_left)
        if share == 0 and growth_share == 0:
            return NOTHING
        (expiry, _), = lots_tuple(guard.lots)  # an earning's one lot: {expiry: what is left}
        unchanged = (PointsSourceItem.amount == left) & (PointsSourceItem.reversed == False)  # noqa: E712
        actions = [PointsSourceItem.amount.set(left - share), PointsSourceItem.refunded.add(share),
                   PointsSourceItem.lots.set({expiry.isoformat(): left - share}),
                   PointsSourceItem.growth.set(growth_left - growth_share),
                   PointsSourceItem.growth_refunded.add(growth_share)]
        tx = Transaction()
        if guard.pending_sk is not None:
            result = _cancel_pending(tx, user_id, guard, share, growth_share, refund, now)
            unchanged &= PointsSourceItem.pending_sk == guard.pending_sk
            if share == left:  # nothing left to release: the earning is reversed whole
                actions += [PointsSourceItem.pending_sk.remove(), PointsSourceItem.reversed.set(True)]
        else:
            unchanged &= PointsSourceItem.pending_sk.does_not_exist()
            result = _take_back_released(tx, user_id, share, growth_share, refund, now)
        tx.update("original", PointsSourceItem(source_pk(user_id, order_source), SOURCE_SK), actions, unchanged)
        return result if _commit(tx) else NOTHING

    return _retrying(attempt)


def _cancel_pending(tx: Transaction, user_id: str, guard: PointsSourceItem, share: int, growth_share: int,
                    refund: str, now: datetime) -> PartReversal:
    pending = PointsPendingItem(points_pk(user_id), guard.pending_sk)
    if share == int(guard.amount):
        tx.delete("pending", pending, TableItem.PK.exists())
    elif share:
        tx.update("pending", pending, [PointsPendingItem.amount.add(-share)],
                  PointsPendingItem.amount == int(guard.amount))
    entry_id = _entry_put(tx, user_id, EntryKind.REVERSE, -share, refund, iso(now), pending=True)
    _guard_put(tx, user_id, refund, EntryKind.REVERSE, share, entry_id, growth=growth_share)
    _account_update(tx, user_id, [PointsAccountItem.pending.add(-share), PointsAccountItem.earned.add(-share),
                                  PointsAccountItem.growth.add(-growth_share)],
                    _at_least((PointsAccountItem.pending, share), (PointsAccountItem.growth, growth_share)))
    return PartReversal(points_cancelled=share, growth_taken=growth_share)


def _take_back_released(tx: Transaction, user_id: str, share: int, growth_share: int, refund: str,
                        now: datetime) -> PartReversal:
    # The buyer may have spent the order's points already: take what the lots hold (the
    # ``remaining >= take`` and ``available >= take`` conditions make a concurrent spend
    # send us back to read again) and write the rest off, recorded on the entry.
    live = lots(user_id)[:MAX_LOTS]
    take = min(share, sum(remaining for _, remaining in live))
    taken = {e.isoformat(): t for e, t in rules.consume_oldest_first(live, take)} if take else {}
    growth_take = min(growth_share, get_account(user_id).growth)  # never below zero
    _lots_take(tx, user_id, taken)
    entry_id = _entry_put(tx, user_id, EntryKind.REVERSE, -take, refund, iso(now), lots_map=taken,
                          unrecovered=share - take)
    _guard_put(tx, user_id, refund, EntryKind.REVERSE, share, entry_id, lots_map=taken, growth=growth_take)
    _account_update(tx, user_id, [PointsAccountItem.available.add(-take), PointsAccountItem.earned.add(-take),
                                  PointsAccountItem.growth.add(-growth_take)],
                    _at_least((PointsAccountItem.available, take), (PointsAccountItem.growth, growth_take)))
    return PartReversal(points_taken_back=take, points_unrecovered=share - take, growth_taken=growth_take)


# ---------------------------------------------------------------- points spent, given back
def give_back(user_id: str, spent_source: str, refund_id: str, points: int, now: datetime) -> int:
    """Give back up to ``points`` of a redemption (at most what it spent less what was
    given back before), into the lots it took from, the latest expiry first; a lot
    whose date has passed expires its share at once, as ``store.reverse`` does.
    Returns the points given back by this call (0 for a replayed refund)."""
    give_back_source = rules.give_back_source(refund_id)

    def attempt() -> int:
        if get_source(user_id, give_back_source) is not None:
            return 0
        guard = get_source(user_id, spent_source)
        if guard is None or guard.reversed or EntryKind(guard.kind) is not EntryKind.REDEEM:
            return 0
        left = int(guard.amount)
        back = min(points, left)
        if back == 0:
            return 0
        spent_from = lots_tuple(guard.lots)
        plan = rules.give_back_plan(list(spent_from), back)
        still_spent = dict(spent_from)
        for expiry, returned in plan:
            still_spent[expiry] -= returned
        actions = [PointsSourceItem.amount.set(left - back), PointsSourceItem.refunded.add(back),
                   PointsSourceItem.lots.set({e.isoformat(): n for e, n in still_spent.items() if n})]
        if back == left:  # nothing left to give back: as reversed whole
            actions.append(PointsSourceItem.reversed.set(True))
        tx = Transaction()
        tx.update("original", PointsSourceItem(source_pk(user_id, spent_source), SOURCE_SK), actions,
                  (PointsSourceItem.amount == left) & (PointsSourceItem.reversed == False))  # noqa: E712
        expired = 0
        for i, (expiry, returned) in enumerate(plan):
            if rules.is_expired(expiry, now):
                expired += returned
            else:
                _lot_add(tx, user_id, expiry, returned, f"lot:{i}")
        given = {e.isoformat(): n for e, n in plan}
        entry_id = _entry_put(tx, user_id, EntryKind.REVERSE, back, give_back_source, iso(now), lots_map=given)
        account = [PointsAccountItem.spent.add(-back), PointsAccountItem.available.add(back - expired)]
        if expired:
            account.append(PointsAccountItem.expired.add(expired))
            _entry_put(tx, user_id, EntryKind.EXPIRE, -expired, f"expire:{give_back_source}", iso(now),
                       label="expired_entry")
        _guard_put(tx, user_id, give_back_source, EntryKind.REVERSE, back, entry_id, lots_map=given)
        _account_update(tx, user_id, account, PointsAccountItem.spent >= back)
        return back if _commit(tx) else 0

    return _retrying(attempt)


# ---------------------------------------------------------------- holding until the return window
def hold(user_id: str, order_source: str, until: datetime) -> bool:
    """Move a still-pending earning's release to ``until`` when that is later: its pending
    item moves to the new key and release-day bucket, in one transaction conditioned on
    the guard still pointing at the old one. False if released, reversed, missing or
    already due no earlier."""
    release = iso(until)

    def attempt() -> bool:
        guard = get_source(user_id, order_source)
        if guard is None or guard.reversed or guard.pending_sk is None:
            return False
        try:
            current = PointsPendingItem.get(points_pk(user_id), guard.pending_sk, consistent_read=True)
        except DoesNotExist as moved_meanwhile:
            raise _Changed() from moved_meanwhile
        if current.release_at >= release:
            return False
        moved = pending_sk(release, order_source)
        tx = Transaction()
        tx.delete("pending", current, TableItem.PK.exists())
        tx.put("moved", PointsPendingItem(
            points_pk(user_id), moved, source=order_source, amount=int(guard.amount), expires_on=current.expires_on,
            release_at=release, GSI1PK=pending_due_bucket(until.astimezone(UTC).date(), points_shard(user_id)),
            GSI1SK=f"{release}#{user_id}#{order_source}"), TableItem.PK.does_not_exist())
        tx.update("original", PointsSourceItem(source_pk(user_id, order_source), SOURCE_SK),
                  [PointsSourceItem.pending_sk.set(moved)],
                  (PointsSourceItem.pending_sk == guard.pending_sk) & (PointsSourceItem.reversed == False)  # noqa: E712
                  & (PointsSourceItem.amount == int(guard.amount)))
        try:
            tx.commit()
        except TransactionCancelled as error:
            raise _Changed() from error
        return True

    return _retrying(attempt)
