"""Access patterns of the scheduled points jobs (docs/data-model.md), one function
each, named after its row; registered by tests/integration/test_access_patterns.py.
Each page of a job's work is exactly one Query on a sparse, sharded index partition."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from chalicelib.points import jobs_store, store
from chalicelib.points.keys import points_shard
from tests.factories import pair

_NOW = datetime(2025, 6, 1, 4, 0, tzinfo=UTC)
_CHINA = timezone(timedelta(hours=8))


def _same_shard_users(n: int) -> list[str]:
    users: dict[int, list[str]] = {}
    i = 0
    while True:
        user = f"01J00000000000000000P{i:05d}"
        bucket = users.setdefault(points_shard(user), [])
        bucket.append(user)
        if len(bucket) == n:
            return bucket
        i += 1


def pending_points_due(emulator, category):
    user, other = _same_shard_users(2)
    store.post_earn(user, "order:o1", 100, _NOW, pending_until=_NOW + timedelta(days=7))
    store.post_earn(other, "order:o2", 200, _NOW, pending_until=_NOW + timedelta(days=7, hours=1))  # same day, later
    due_at = _NOW + timedelta(days=7)
    emulator.clear_log()
    due, more = jobs_store.pending_due_page(due_at.date(), points_shard(user), due_at)
    assert [(d.user_id, d.source) for d in due] == [(user, "order:o1")] and more is None
    assert emulator.dynamodb_operations() == ["Query"]


def lots_expiring_on_a_date(emulator, category):
    first, second = _same_shard_users(2)
    for user in (first, second):
        store.post_earn(user, "earn:2024", 10, datetime(2024, 6, 1, tzinfo=_CHINA))  # expires 2025-12-31
    store.post_earn(first, "earn:2025", 10, datetime(2025, 6, 1, tzinfo=_CHINA))  # expires 2026-12-31
    emulator.clear_log()
    users, more = jobs_store.lots_expiring_page(date(2025, 12, 31), points_shard(first))
    assert users == sorted([first, second]) and more is None
    assert emulator.dynamodb_operations() == ["Query"]


def points_accounts_by_shard(emulator, category):
    users = sorted(_same_shard_users(3))
    for user in users:
        store.post_earn(user, "welcome", 5, _NOW, growth=1)
    emulator.clear_log()
    page, more = pair(jobs_store.accounts_page(points_shard(users[0]), None, limit=2))
    assert [a.user_id for a in page] == users[:2] and more
    assert emulator.dynamodb_operations() == ["Query"]
    emulator.clear_log()
    rest, more = pair(jobs_store.accounts_page(points_shard(users[0]), page[-1].user_id, limit=2))
    assert [(a.user_id, a.growth) for a in rest] == [(users[2], 1)] and not more
    assert emulator.dynamodb_operations() == ["Query"]


def a_user_s_paid_orders_newest_first(emulator, category):
    from chalicelib.purchases import service as purchases
    from chalicelib.purchases import store as purchases_store

    user = _same_shard_users(1)[0]
    orders = [f"01J0000000000000000000ORD{i}" for i in range(3)]
    for days, order in zip((3, 2, 1), orders, strict=True):
        purchases.on_order_paid(user, order, "P", _NOW - timedelta(days=days), 1000 * days)
    purchases.on_order_paid(user, "01J0000000000000000000ORD9", "P2", _NOW, 500)
    purchases.on_order_refunded(user, "01J0000000000000000000ORD9", "P2")
    emulator.clear_log()
    first = purchases_store.paid_orders_page(user, 2)
    second = purchases_store.paid_orders_page(user, 2, first.end)
    assert [o.order_id for o in first.items + second.items] == orders[::-1]  # the refunded one is gone
    assert [o.amount for o in first.items + second.items] == [1000, 2000, 3000]
    assert (first.has_more, second.has_more) == (True, False)
    assert emulator.dynamodb_operations() == ["Query", "Query"]
