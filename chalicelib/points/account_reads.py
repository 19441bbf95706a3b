"""Reading a points account: its balance and lots, the ledger, sources, pending
earnings (the account page is one Query of the ``POINTS#<user>`` partition)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pynamodb.attributes import MapAttribute
from pynamodb.exceptions import DoesNotExist

from chalicelib.core.errors import InvalidCursor
from chalicelib.core.ids import is_id
from chalicelib.core.table.models import TableItem
from chalicelib.core.table.paging import Page, PageRequest, as_request, query_page
from chalicelib.core.table.transactions import MAX_ITEMS
from chalicelib.points.keys import (
    ACCOUNT_SK,
    ENTRY_PREFIX,
    LOT_PREFIX,
    PENDING_PREFIX,
    SOURCE_SK,
    entry_sk,
    pending_sk,
    points_pk,
    source_pk,
)
from chalicelib.points.models import (
    PointsAccountItem,
    PointsEntryItem,
    PointsLotItem,
    PointsPendingItem,
    PointsSourceItem,
)
from chalicelib.points.rules import EntryKind

MAX_LOTS = 20  # lots one spend may touch; with one lot per expiry year, far above need
RETRIES = 40  # optimistic retries when a lot changed between read and write
assert MAX_LOTS + 3 <= MAX_ITEMS


# ---------------------------------------------------------------- values
@dataclass(frozen=True, slots=True)
class Account:
    user_id: str
    available: int = 0
    pending: int = 0
    spent: int = 0
    expired: int = 0
    earned: int = 0
    adjusted: int = 0
    growth: int = 0
    streak: int = 0
    last_check_in: date | None = None
    tier: str | None = None
    segment: str | None = None

    @property
    def balance(self) -> int:
        return self.available + self.pending


@dataclass(frozen=True, slots=True)
class AccountView:
    """What a customer's points page shows, from one Query."""

    account: Account
    lots: tuple[tuple[date, int], ...]  # oldest expiry first
    pending: tuple[PendingRelease, ...]  # soonest release first


@dataclass(frozen=True, slots=True)
class Entry:
    id: str
    kind: EntryKind
    amount: int
    source: str
    created_at: str
    pending: bool = False
    reason: str | None = None
    operator_id: str | None = None
    lots: tuple[tuple[date, int], ...] = ()
    unrecovered: int = 0  # a partial refund's points the buyer had spent: written off


@dataclass(frozen=True, slots=True)
class PendingRelease:
    source: str
    amount: int
    release_at: str


def account_of(user_id: str, item: PointsAccountItem | None) -> Account:
    if item is None:
        return Account(user_id)
    return Account(
        user_id, int(item.available), int(item.pending), int(item.spent), int(item.expired), int(item.earned),
        int(item.adjusted), int(item.growth), int(item.streak),
        date.fromisoformat(item.last_check_in) if item.last_check_in else None, item.tier, item.segment,
    )


def lots_tuple(raw: dict | MapAttribute | None) -> tuple[tuple[date, int], ...]:
    data = raw.as_dict() if isinstance(raw, MapAttribute) else (raw or {})
    return tuple(sorted((date.fromisoformat(k), int(v)) for k, v in data.items()))


def entry_of(item: PointsEntryItem) -> Entry:
    return Entry(item.entry_id, EntryKind(item.kind), int(item.amount), item.source, item.created_at,
                 bool(item.pending), item.reason, item.operator_id, lots_tuple(item.lots),
                 int(item.unrecovered or 0))


# ---------------------------------------------------------------- reads
def get_account(user_id: str, consistent: bool = True) -> Account:
    """One GetItem; an account never posted to reads as zeros."""
    try:
        item = PointsAccountItem.get(points_pk(user_id), ACCOUNT_SK, consistent_read=consistent)
    except DoesNotExist:
        item = None
    return account_of(user_id, item)


def account_view(user_id: str) -> AccountView:
    """The account, its lots and its pending earnings: one Query over the ``ACCOUNT``
    prefix (a handful of items: about two lots and a week of orders' pending points)."""
    account, found_lots, pending = None, [], []
    for item in TableItem.query(points_pk(user_id), TableItem.SK.startswith(ACCOUNT_SK), consistent_read=True):
        if isinstance(item, PointsAccountItem):
            account = item
        elif isinstance(item, PointsLotItem):
            found_lots.append((date.fromisoformat(item.SK[len(LOT_PREFIX):]), int(item.remaining)))
        elif isinstance(item, PointsPendingItem):
            pending.append(PendingRelease(item.source, int(item.amount), item.release_at))
    return AccountView(account_of(user_id, account), tuple(sorted(found_lots)), tuple(pending))


def get_entry(user_id: str, entry_id: str) -> Entry | None:
    """One GetItem of an entry in a member's ledger."""
    if not is_id(entry_id):
        return None
    try:
        return entry_of(PointsEntryItem.get(points_pk(user_id), entry_sk(entry_id), consistent_read=True))
    except DoesNotExist:
        return None


def ledger_page(user_id: str, limit: int | PageRequest, after: str | None = None) -> Page[Entry]:
    """Entries newest first, either way, one Query; a position is an entry id."""
    request = as_request(limit, after)
    for word, position in (("after", request.after), ("before", request.before)):
        if position is not None and not is_id(position):
            raise InvalidCursor("not a ledger cursor", word)
    page = query_page(PointsEntryItem, points_pk(user_id), request.positions_as(entry_sk),
                      prefix=ENTRY_PREFIX, consistent_read=True)
    return page.map(entry_of).positions_as(lambda sk: sk[len(ENTRY_PREFIX):])


def all_entries(user_id: str) -> list[Entry]:
    items = PointsEntryItem.query(points_pk(user_id), TableItem.SK.startswith(ENTRY_PREFIX), consistent_read=True)
    return [entry_of(i) for i in items]


def lots(user_id: str) -> list[tuple[date, int]]:
    """Live lots, oldest expiry first (one Query, at most MAX_LOTS + 1 items)."""
    items = PointsLotItem.query(points_pk(user_id), TableItem.SK.startswith(LOT_PREFIX), consistent_read=True,
                                limit=MAX_LOTS + 1, page_size=MAX_LOTS + 1)
    return [(date.fromisoformat(i.SK[len(LOT_PREFIX):]), int(i.remaining)) for i in items]


def get_source(user_id: str, source: str) -> PointsSourceItem | None:
    try:
        return PointsSourceItem.get(source_pk(user_id, source), SOURCE_SK, consistent_read=True)
    except DoesNotExist:
        return None


def due_pending(user_id: str, now_iso: str) -> list[PendingRelease]:
    items = PointsPendingItem.query(points_pk(user_id), TableItem.SK.between(PENDING_PREFIX, pending_sk(now_iso, "\uffff")),
                                    consistent_read=True)
    return [PendingRelease(i.source, int(i.amount), i.release_at) for i in items]
