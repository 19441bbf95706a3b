"""The scheduled points jobs' reads and their one write, in the single table.

The jobs find their work in sparse, sharded index partitions that every posting in
``points.store`` keeps (keys from ``keys.py``):

- pending earnings: GSI1 ``pending_due_bucket(<UTC release day>, shard)``, sorted
  ``<release at>#<user>#<source>``: "due by now" is one key range;
- lots: GSI1 ``lots_expiring_bucket(<expires on>, shard)``, sorted by user;
- accounts: GSI2 ``points_accounts_bucket(shard)``, sorted by user.

Each page here is exactly one Query (index reads are eventually consistent: the
per-user work that follows re-reads the base table consistently). A released
pending earning and a swept lot leave their partition, so re-running a job from
the start resumes it; the account listing is resumed by its user-id cursor.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist

from chalicelib.core.clock import iso
from chalicelib.core.table.conditional import update_if
from chalicelib.core.table.models import TableItem
from chalicelib.core.table.paging import Page, query_page
from chalicelib.points.keys import (
    ACCOUNT_SK,
    lots_expiring_bucket,
    pending_due_bucket,
    points_accounts_bucket,
    points_pk,
)
from chalicelib.points.models import PointsAccountItem, PointsLotItem, PointsPendingItem

PAGE_SIZE = 100
StartKey = dict[str, Any]  # DynamoDB's LastEvaluatedKey, opaque to callers


@dataclass(frozen=True, slots=True)
class DuePending:
    user_id: str
    source: str
    release_at: str


@dataclass(frozen=True, slots=True)
class Standing:
    """What the tier and segment job reads and writes on an account."""

    user_id: str
    growth: int
    tier: str | None
    segment: str | None
    segmented_at: str | None = None


def _standing(user_id: str, item: PointsAccountItem) -> Standing:
    return Standing(user_id, int(item.growth or 0), item.tier, item.segment, item.segmented_at)


# ---------------------------------------------------------------- reads (one Query a page)
def pending_due_page(release_day: date, shard: int, now: datetime, start: StartKey | None = None,
                     limit: int = PAGE_SIZE) -> tuple[list[DuePending], StartKey | None]:
    """Pending earnings of one shard released on ``release_day`` (UTC) at or before
    ``now``, soonest first; the key to pass as ``start`` for the next page, or None."""
    # The sort key is ``<release>#<user>#<source>``: everything up to ``<now>#\uffff``
    # is due (an earning released exactly at ``now`` included, as ``due_pending`` does).
    upper = f"{iso(now)}#\uffff"
    items = TableItem.gsi1.query(pending_due_bucket(release_day, shard), TableItem.GSI1SK <= upper,
                                 limit=limit, page_size=limit, last_evaluated_key=start)
    found = [DuePending(item.GSI1SK.split("#", 2)[1], item.source, item.release_at)
             for item in items if isinstance(item, PointsPendingItem)]
    return found, items.last_evaluated_key


def lots_expiring_page(expires_on: date, shard: int, start: StartKey | None = None,
                       limit: int = PAGE_SIZE) -> tuple[list[str], StartKey | None]:
    """Users of one shard holding a lot that expires on ``expires_on`` (by user id);
    the key for the next page, or None."""
    items = TableItem.gsi1.query(lots_expiring_bucket(expires_on, shard), limit=limit, page_size=limit,
                                 last_evaluated_key=start)
    users = [item.GSI1SK for item in items if isinstance(item, PointsLotItem)]
    return users, items.last_evaluated_key


def accounts_page(shard: int, after: str | None = None, limit: int = PAGE_SIZE) -> Page[Standing]:
    """Accounts of one shard by user id, after the user id ``after`` (one Query)."""
    page = query_page(TableItem.gsi2, points_accounts_bucket(shard), limit, after, forward=True,
                      kinds=PointsAccountItem)
    return page.map(lambda item: _standing(item.GSI2SK, item))


def standing(user_id: str) -> Standing | None:
    """The account's standing, read consistently (one GetItem); None if it has no account."""
    try:
        item = PointsAccountItem.get(points_pk(user_id), ACCOUNT_SK, consistent_read=True)
    except DoesNotExist:
        return None
    return _standing(user_id, item)


# ---------------------------------------------------------------- the write
def record_standing(seen: Standing, tier: str, segment: str, now: datetime) -> bool:
    """Write the tier and/or segment that differ from ``seen`` (one UpdateItem; nothing
    when neither differs). ``segmented_at`` is set with a new segment: since when the
    customer has been in it.

    Conditional on the account existing (an account is never created here) and on
    growth, tier and segment still being what ``seen`` says, so a value computed from
    a stale read is never written: False then (read again and recompute)."""
    actions = []
    if tier != seen.tier:
        actions.append(PointsAccountItem.tier.set(tier))
    if segment != seen.segment:
        actions += [PointsAccountItem.segment.set(segment), PointsAccountItem.segmented_at.set(iso(now))]
    if not actions:
        return True
    # An account posted to only by check-ins has no growth attribute: it reads as 0.
    growth = PointsAccountItem.growth == seen.growth
    if seen.growth == 0:
        growth |= PointsAccountItem.growth.does_not_exist()
    condition = TableItem.PK.exists() & growth
    condition &= (PointsAccountItem.tier == seen.tier) if seen.tier is not None \
        else PointsAccountItem.tier.does_not_exist()
    condition &= (PointsAccountItem.segment == seen.segment) if seen.segment is not None \
        else PointsAccountItem.segment.does_not_exist()
    return update_if(PointsAccountItem(points_pk(seen.user_id), ACCOUNT_SK), actions, condition)
