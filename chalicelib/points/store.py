"""The points ledger in the single table.

Partition ``POINTS#<user>`` holds:
- ``ACCOUNT``: the counters (available, pending, spent, expired, earned, adjusted),
  growth and the check-in streak. Read with one GetItem.
- ``ENTRY#<ulid>``: the append-only entries (signed amounts); a page is one Query,
  newest first.
- ``LOT#<expires on>``: unexpired available points, one lot per expiry date. Points
  earned in the same calendar year expire together, so they are fungible and share a
  lot: an account has about two live lots (this year's and last year's), and a spend
  touches at most ``MAX_LOTS`` of them (it is refused beyond, which needs decades of
  unswept lots). Sum of lots == available, kept by every posting changing both.
- ``PENDING#<release at>#<source>``: an order's points waiting for the return window.

``POINTS_SOURCE#<user>#<source>`` / ``SOURCE`` guards a source: put with
"does not exist" in the posting's transaction, so a source posts once; it also
remembers what was posted so the posting can be reversed.

Every posting is one TransactWriteItems: guard, entry, account update (with
``available >= n`` when taking points) and the lots it touches (``remaining >= n``).
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime

from chalicelib.core.clock import iso
from chalicelib.core.errors import InvalidState
from chalicelib.core.ids import new_id
from chalicelib.core.table.models import TableItem
from chalicelib.core.table.transactions import MAX_ITEMS, Transaction, TransactionCancelled
from chalicelib.points import rules
from chalicelib.points.account_reads import (
    get_source,
    lots,
    lots_tuple,
)
from chalicelib.points.keys import (
    ACCOUNT_SK,
    SOURCE_SK,
    entry_sk,
    lot_sk,
    lots_expiring_bucket,
    pending_due_bucket,
    pending_sk,
    points_accounts_bucket,
    points_pk,
    points_shard,
    post_day_sk,
    source_pk,
)
from chalicelib.points.models import (
    PointsAccountItem,
    PointsEntryItem,
    PointsLotItem,
    PointsPendingItem,
    PointsSourceItem,
    PostDayItem,
)
from chalicelib.points.rules import EntryKind, InsufficientPoints, NoSuchPosting, PointsAlreadyReleased, PointsBusy

MAX_LOTS = 20  # lots one spend may touch; with one lot per expiry year, far above need
RETRIES = 40  # optimistic retries when a lot changed between read and write
assert MAX_LOTS + 3 <= MAX_ITEMS


# ---------------------------------------------------------------- transaction parts
def _account_ref(user_id: str) -> PointsAccountItem:
    return PointsAccountItem(points_pk(user_id), ACCOUNT_SK)


def _account_update(tx: Transaction, user_id: str, actions: list, condition=None) -> None:
    # UpdateItem creates a missing account; the discriminator and the jobs' index keys
    # are set so it reads back as one and the tier job finds it.
    actions = [*actions, PointsAccountItem.type.set(PointsAccountItem),
               PointsAccountItem.GSI2PK.set(points_accounts_bucket(points_shard(user_id))),
               PointsAccountItem.GSI2SK.set(user_id)]
    tx.update("account", _account_ref(user_id), actions, condition)


def _lot_add(tx: Transaction, user_id: str, expiry: date, amount: int, label: str) -> None:
    actions = [PointsLotItem.remaining.add(amount), PointsLotItem.type.set(PointsLotItem),
               PointsLotItem.expires_on.set(expiry.isoformat()),
               PointsLotItem.GSI1PK.set(lots_expiring_bucket(expiry, points_shard(user_id))),
               PointsLotItem.GSI1SK.set(user_id)]
    condition = None if amount >= 0 else PointsLotItem.remaining >= -amount
    tx.update(label, PointsLotItem(points_pk(user_id), lot_sk(expiry)), actions, condition)


def _entry_put(tx: Transaction, user_id: str, kind: EntryKind, amount: int, source: str, now: str, *,
               pending: bool = False, reason: str | None = None, operator_id: str | None = None,
               lots_map: dict[str, int] | None = None, label: str = "entry", unrecovered: int = 0) -> str:
    entry_id = new_id()
    tx.put(label, PointsEntryItem(points_pk(user_id), entry_sk(entry_id), entry_id=entry_id, kind=kind.value,
                                    amount=amount, source=source, created_at=now, pending=pending, reason=reason,
                                    operator_id=operator_id, lots=lots_map or {}, unrecovered=unrecovered),
           TableItem.PK.does_not_exist())
    return entry_id


def _guard_put(tx: Transaction, user_id: str, source: str, kind: EntryKind, amount: int, entry_id: str, *,
               pending: str | None = None, lots_map: dict[str, int] | None = None, growth: int = 0) -> None:
    tx.put("source", PointsSourceItem(source_pk(user_id, source), SOURCE_SK, user_id=user_id, source=source,
                                      kind=kind.value, amount=amount, entry_id=entry_id, pending_sk=pending,
                                      lots=lots_map or {}, growth=growth),
           TableItem.PK.does_not_exist())


def _commit(tx: Transaction) -> bool:
    """False when the source had posted already (the posting is a no-op)."""
    try:
        tx.commit()
    except TransactionCancelled as error:
        if "source" in error.failed:
            return False
        raise
    return True


# ---------------------------------------------------------------- postings
class DailyCapReached(Exception):
    """The day's capped reward was used up (the posting did nothing)."""


def post_earn(user_id: str, source: str, amount: int, now: datetime, *, pending_until: datetime | None = None,
              growth: int = 0, check_in: tuple[date, int, date | None] | None = None,
              daily_cap: tuple[date, int] | None = None) -> bool:
    """Earn ``amount`` points, available now or pending until ``pending_until``.
    ``check_in`` = (today, new streak, the last check-in read) sets the streak, on
    condition that nobody checked in since the read. ``daily_cap`` = (day, cap) counts
    the posting against that day's cap in the same transaction (DailyCapReached when
    full). False if the source posted before."""
    if amount < 0 or (amount == 0 and not (check_in or growth)):
        raise ValueError("earn a positive amount")
    tx = Transaction()
    stamp = iso(now)
    expiry = rules.expires_on(now)
    pending = None
    actions = [PointsAccountItem.earned.add(amount)]
    if growth:
        actions.append(PointsAccountItem.growth.add(growth))
    condition = None
    if check_in:
        today, streak, last = check_in
        actions += [PointsAccountItem.streak.set(streak), PointsAccountItem.last_check_in.set(today.isoformat())]
        condition = (PointsAccountItem.last_check_in == last.isoformat()) if last else \
            PointsAccountItem.last_check_in.does_not_exist()
    if pending_until is not None and amount:
        release = iso(pending_until)
        pending = pending_sk(release, source)
        actions.append(PointsAccountItem.pending.add(amount))
        tx.put("pending", PointsPendingItem(points_pk(user_id), pending, source=source, amount=amount,
                                            expires_on=expiry.isoformat(), release_at=release,
                                            GSI1PK=pending_due_bucket(pending_until.astimezone(UTC).date(),
                                                                      points_shard(user_id)),
                                            GSI1SK=f"{release}#{user_id}#{source}"))
    else:
        actions.append(PointsAccountItem.available.add(amount))
        if amount:
            _lot_add(tx, user_id, expiry, amount, "lot")
    if daily_cap:
        day, cap = daily_cap
        tx.update("daily_cap", PostDayItem(points_pk(user_id), post_day_sk(day)),
                  [PostDayItem.rewarded.add(1), PostDayItem.type.set(PostDayItem)],
                  PostDayItem.rewarded.does_not_exist() | (PostDayItem.rewarded < cap))
    entry_id = _entry_put(tx, user_id, EntryKind.EARN, amount, source, stamp, pending=pending is not None,
                          lots_map={expiry.isoformat(): amount})
    _guard_put(tx, user_id, source, EntryKind.EARN, amount, entry_id, pending=pending,
               lots_map={expiry.isoformat(): amount}, growth=growth)
    _account_update(tx, user_id, actions, condition)
    try:
        tx.commit()
    except TransactionCancelled as error:
        if "source" in error.failed:
            return False
        if "daily_cap" in error.failed:
            raise DailyCapReached(source) from error
        if "account" in error.failed:
            raise PointsBusy("checked in concurrently; try again") from error
        raise
    return True


def release_pending(user_id: str, source: str, due_by: str | None = None) -> int:
    """Make a pending earning available; returns the points released, 0 if it was
    released or reversed already. Releases what is left of it: a partial refund may
    have cancelled a share, and one committed between our read and the write refuses
    the write (the guard's amount changed), so we read again. With ``due_by`` (an ISO
    time), an earning held to a later release since the caller's read stays pending."""
    for _ in range(RETRIES):
        guard = get_source(user_id, source)
        if guard is None:
            raise NoSuchPosting("no such points posting", "source")
        if guard.pending_sk is None or guard.reversed:
            return 0
        if due_by is not None and guard.pending_sk > pending_sk(due_by, "\uffff"):
            return 0
        (expiry, amount), = lots_tuple(guard.lots)
        tx = Transaction()
        tx.delete("pending", PointsPendingItem(points_pk(user_id), guard.pending_sk), TableItem.PK.exists())
        tx.update("source", PointsSourceItem(source_pk(user_id, source), SOURCE_SK),
                  [PointsSourceItem.pending_sk.remove()],
                  (PointsSourceItem.pending_sk == guard.pending_sk) & (PointsSourceItem.reversed == False)  # noqa: E712
                  & (PointsSourceItem.amount == int(guard.amount)))
        _lot_add(tx, user_id, expiry, amount, "lot")
        _account_update(tx, user_id, [PointsAccountItem.pending.add(-amount),
                                      PointsAccountItem.available.add(amount)],
                        PointsAccountItem.pending >= amount)
        try:
            tx.commit()
        except TransactionCancelled as error:
            if error.failed & {"pending", "source"}:
                continue  # released, reversed, held or partly refunded meanwhile: read again
            raise
        return amount
    raise PointsBusy("the points account is busy; try again")


def plan_take(user_id: str, amount: int) -> dict[str, int]:
    """Which lots (oldest first) a spend of ``amount`` takes from: one Query.
    InsufficientPoints when the lots do not hold it."""
    live = lots(user_id)[:MAX_LOTS]  # the oldest; refused if they do not hold the amount
    return {e.isoformat(): t for e, t in rules.consume_oldest_first(live, amount)}


def add_spend(tx: Transaction, user_id: str, source: str, amount: int, taken: Mapping[str, int], now: datetime,
              kind: EntryKind = EntryKind.REDEEM, reason: str | None = None) -> None:
    """A redemption's writes, for a caller's own transaction (checkout, the mall). Their
    refusals, declared here after whatever the caller declared before: ``account`` is
    InsufficientPoints, a lot is LotsChanged (it changed since ``plan_take``: plan
    again); ``source`` (this source was spent before) is left to the caller."""
    tx.refuse("account", InsufficientPoints("not enough points", "points"))
    tx.refuse("lot:", LotsChanged(), prefix=True)
    _lots_take(tx, user_id, taken)
    entry_id = _entry_put(tx, user_id, kind, -amount, source, iso(now), reason=reason, lots_map=dict(taken))
    _guard_put(tx, user_id, source, kind, amount, entry_id, lots_map=dict(taken))
    _account_update(tx, user_id, [PointsAccountItem.available.add(-amount), PointsAccountItem.spent.add(amount)],
                    PointsAccountItem.available >= amount)


def _lots_take(tx: Transaction, user_id: str, taken: Mapping[str, int]) -> None:
    for i, (expiry, take) in enumerate(sorted(taken.items())):
        _lot_add(tx, user_id, date.fromisoformat(expiry), -take, f"lot:{i}")


class LotsChanged(Exception):
    """A lot changed between ``plan_take`` and the write (spent or swept concurrently):
    plan again and retry; the transaction wrote nothing."""


class _SourcePosted(Exception):
    """The source posted before: the spend is a replay."""


def _take(user_id: str, amount: int, post: Callable[[Transaction, dict[str, int]], None],
          refusals: Mapping[str, Callable[[], Exception]] | None = None) -> bool:
    """Take ``amount`` from the lots, oldest first, inside ``post(tx, taken)``'s
    transaction; retries when a lot changed between the read and the write.
    ``refusals`` maps the caller's own labels to the error their failure means."""
    for _ in range(RETRIES):
        taken = plan_take(user_id, amount)
        tx = Transaction()
        tx.refuse("source", _SourcePosted())
        for label, refusal in (refusals or {}).items():
            tx.refuse(label, lambda failed, refusal=refusal: refusal())
        post(tx, taken)  # add_spend declares the account's and the lots' refusals after these
        try:
            tx.commit()
        except _SourcePosted:
            return False
        except LotsChanged:
            continue  # read again
        return True
    raise PointsBusy("the points account is busy; try again")


def spend(user_id: str, source: str, amount: int, now: datetime, *, reason: str | None = None,
          also: Callable[[Transaction], None] | None = None,
          refusals: Mapping[str, Callable[[], Exception]] | None = None) -> bool:
    """Redeem ``amount`` points (one transaction; ``also`` adds the caller's writes to
    it, ``refusals`` names their failures). False if the source posted before."""
    if amount <= 0:
        raise ValueError("spend a positive amount")
    if get_source(user_id, source) is not None:
        return False

    def post(tx: Transaction, taken: dict[str, int]) -> None:
        add_spend(tx, user_id, source, amount, taken, now, reason=reason)
        if also is not None:
            also(tx)

    return _take(user_id, amount, post, refusals)


def adjust(user_id: str, source: str, delta: int, reason: str, operator_id: str, now: datetime) -> bool:
    """An operator's correction, positive or negative; never below zero."""
    if delta == 0:
        raise ValueError("adjust by a non-zero amount")
    stamp = iso(now)
    if delta > 0:
        expiry = rules.expires_on(now)
        tx = Transaction()
        _lot_add(tx, user_id, expiry, delta, "lot")
        taken = {expiry.isoformat(): delta}
        entry_id = _entry_put(tx, user_id, EntryKind.ADJUST, delta, source, stamp, reason=reason,
                              operator_id=operator_id, lots_map=taken)
        _guard_put(tx, user_id, source, EntryKind.ADJUST, delta, entry_id, lots_map=taken)
        _account_update(tx, user_id, [PointsAccountItem.available.add(delta), PointsAccountItem.adjusted.add(delta)])
        return _commit(tx)
    if get_source(user_id, source) is not None:
        return False

    def post(tx: Transaction, taken: dict[str, int]) -> None:
        _lots_take(tx, user_id, taken)
        entry_id = _entry_put(tx, user_id, EntryKind.ADJUST, delta, source, stamp, reason=reason,
                              operator_id=operator_id, lots_map=taken)
        _guard_put(tx, user_id, source, EntryKind.ADJUST, -delta, entry_id, lots_map=taken)
        _account_update(tx, user_id, [PointsAccountItem.available.add(delta), PointsAccountItem.adjusted.add(delta)],
                        PointsAccountItem.available >= -delta)

    return _take(user_id, -delta, post)


def reverse(user_id: str, source: str, now: datetime) -> bool:
    """Undo a posting by its source: a pending earning is cancelled, a redemption is
    given back to the lots it came from. Posts as source ``reverse:<source>``, once.
    False if it was reversed before. An earning already released cannot be reversed
    (PointsAlreadyReleased); nor can an expiry or adjustment (post an adjustment).
    Only what partial refunds left is reversed (the guard's ``amount``, ``lots`` and
    ``growth``); the write is conditioned on them, so a partial refund committed in
    between makes us read again."""
    for _ in range(RETRIES):
        guard = get_source(user_id, source)
        if guard is None:
            raise NoSuchPosting("no such points posting", "source")
        if guard.reversed:
            return False
        try:
            return _reverse_once(user_id, source, guard, now)
        except _GuardChanged:
            continue
    raise PointsBusy("the points account is busy; try again")


class _GuardChanged(Exception):
    """The posting changed between our read and the write: read it again."""


def _reverse_once(user_id: str, source: str, guard: PointsSourceItem, now: datetime) -> bool:
    kind, amount = EntryKind(guard.kind), int(guard.amount)
    lots_map = {e.isoformat(): t for e, t in lots_tuple(guard.lots)}
    unchanged = (PointsSourceItem.reversed == False) & (PointsSourceItem.amount == amount)  # noqa: E712
    if guard.pending_sk is not None:  # not released nor held to a later release meanwhile
        unchanged &= PointsSourceItem.pending_sk == guard.pending_sk
    tx = Transaction()
    tx.update("original", PointsSourceItem(source_pk(user_id, source), SOURCE_SK),
              [PointsSourceItem.reversed.set(True)], unchanged)
    reverse_source = rules.reverse_source(source)
    if kind is EntryKind.EARN:
        if guard.pending_sk is None:
            raise PointsAlreadyReleased("these points were released; adjust instead", "source")
        tx.delete("pending", PointsPendingItem(points_pk(user_id), guard.pending_sk), TableItem.PK.exists())
        entry_id = _entry_put(tx, user_id, EntryKind.REVERSE, -amount, reverse_source, iso(now))
        growth = int(guard.growth or 0)  # money refunded is no longer money paid
        _account_update(tx, user_id, [PointsAccountItem.pending.add(-amount), PointsAccountItem.earned.add(-amount),
                                      PointsAccountItem.growth.add(-growth)],
                        PointsAccountItem.pending >= amount)
    elif kind is EntryKind.REDEEM:
        # Back into the lots they came from; a lot whose last day has passed since
        # expires its share at once (an EXPIRE entry beside the REVERSE), so a late
        # cancellation never revives expired points.
        expired = 0
        for i, (expiry, back) in enumerate(lots_tuple(guard.lots)):
            if rules.is_expired(expiry, now):
                expired += back
            else:
                _lot_add(tx, user_id, expiry, back, f"lot:{i}")
        entry_id = _entry_put(tx, user_id, EntryKind.REVERSE, amount, reverse_source, iso(now), lots_map=lots_map)
        actions = [PointsAccountItem.spent.add(-amount), PointsAccountItem.available.add(amount - expired)]
        if expired:
            actions.append(PointsAccountItem.expired.add(expired))
            _entry_put(tx, user_id, EntryKind.EXPIRE, -expired, f"expire:{reverse_source}", iso(now),
                       label="expired_entry")
        _account_update(tx, user_id, actions, PointsAccountItem.spent >= amount)
    else:
        raise InvalidState(f"a {kind.value} posting is not reversed; post an adjustment", "source")
    _guard_put(tx, user_id, reverse_source, EntryKind.REVERSE, amount, entry_id, lots_map=lots_map)
    try:
        tx.commit()
    except TransactionCancelled as error:
        if "source" in error.failed:
            return False
        if "original" in error.failed:  # reversed, released, held or partly refunded since our read
            raise _GuardChanged() from error
        if "pending" in error.failed:  # released between our read and the write
            raise PointsAlreadyReleased("these points were released; adjust instead", "source") from error
        raise
    return True


def expire(user_id: str, now: datetime) -> int:
    """Sweep lots past their date: one transaction per sweep (each takes every expired
    lot, at most MAX_LOTS). Returns the points expired."""
    total = 0
    for _ in range(RETRIES):
        due = [(e, r) for e, r in lots(user_id) if rules.is_expired(e, now)][:MAX_LOTS]
        if not due:
            return total
        amount = sum(r for _, r in due)
        tx = Transaction()
        for i, (expiry, remaining) in enumerate(due):
            tx.delete(f"lot:{i}", PointsLotItem(points_pk(user_id), lot_sk(expiry)),
                      PointsLotItem.remaining == remaining)
        if amount:
            lots_map = {e.isoformat(): r for e, r in due if r}
            source = f"expire:{due[0][0].isoformat()}:{new_id()}"  # a lot is deleted once: the condition guards
            entry_id = _entry_put(tx, user_id, EntryKind.EXPIRE, -amount, source, iso(now), lots_map=lots_map)
            _guard_put(tx, user_id, source, EntryKind.EXPIRE, amount, entry_id, lots_map=lots_map)
            _account_update(tx, user_id, [PointsAccountItem.available.add(-amount),
                                          PointsAccountItem.expired.add(amount)],
                            PointsAccountItem.available >= amount)
        try:
            tx.commit()
        except TransactionCancelled:
            continue  # a lot changed under us: read again
        total += amount
    raise PointsBusy("the points account is busy; try again")
