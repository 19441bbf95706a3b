"""Access patterns of membership points (rows in docs/data-model.md), registered by
tests/integration/test_access_patterns.py. Each sets up, clears the request log,
reads or writes as the service does and checks the exact DynamoDB operations."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chalicelib.points import account_reads, rules_store, store
from chalicelib.points import service as svc

USER = "01J00000000000000000000USR"
OPERATOR_ID = "01J0000000000000000000OPER"
NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)


def a_member_s_points_page_account_lots_pending(emulator, category):
    store.post_earn(USER, "adjust:a", 300, NOW - timedelta(days=400))  # last year's lot
    store.post_earn(USER, "adjust:b", 200, NOW)  # this year's lot
    store.post_earn(USER, "order:o1", 40, NOW, pending_until=NOW + timedelta(days=7))
    rules_store.get_rules()  # cached, as in a warm container
    emulator.clear_log()
    summary = svc.summary(USER, NOW)
    assert emulator.dynamodb_operations() == ["Query"]
    assert (summary.account.available, summary.account.pending) == (500, 40)
    assert [p.amount for p in summary.pending] == [40]
    assert summary.expiring_soon is None  # last year's lot lasts until the end of this year: not within 60 days


def a_member_s_points_ledger_newest_first(emulator, category):
    for i in range(3):
        store.post_earn(USER, f"adjust:{i}", 10 + i, NOW)
    emulator.clear_log()
    page = svc.ledger(USER, 2)
    assert emulator.dynamodb_operations() == ["Query"]
    assert [e.amount for e in page.items] == [12, 11] and page.has_more


def post_points_once(emulator, category):
    emulator.clear_log()
    assert store.post_earn(USER, "checkin:2026-06-01", 5, NOW)
    assert not store.post_earn(USER, "checkin:2026-06-01", 5, NOW)  # the guard refuses the second
    assert emulator.dynamodb_operations() == ["TransactWriteItems", "TransactWriteItems"]
    assert account_reads.get_account(USER).available == 5


def whether_a_source_has_posted(emulator, category):
    store.post_earn(USER, "order:o2", 10, NOW, pending_until=NOW + timedelta(days=7))
    emulator.clear_log()
    assert account_reads.get_source(USER, "order:o2") is not None and account_reads.get_source(USER, "order:o3") is None
    assert emulator.dynamodb_operations() == ["GetItem", "GetItem"]


def points_rules(emulator, category):
    rules_store.forget_cached_rules()
    emulator.clear_log()
    first = rules_store.get_rules()
    again = rules_store.get_rules()  # within the minute: from the container's cache
    assert first == again and first.check_in_points == 5
    assert emulator.dynamodb_operations() == ["GetItem"]


def take_back_a_refund_s_share_of_an_order_s_points(emulator, category):
    from chalicelib.points.published.refunds import reverse_refunded_part

    store.post_earn(USER, "order:o4", 100, NOW, pending_until=NOW + timedelta(days=7))
    emulator.clear_log()
    assert reverse_refunded_part(USER, "o4", "r1", 0, 2_000, 10_000, NOW).points_cancelled == 20  # pending
    assert emulator.dynamodb_operations() == ["GetItem", "GetItem", "TransactWriteItems"]
    svc.release_due(USER, NOW + timedelta(days=8))
    emulator.clear_log()
    assert reverse_refunded_part(USER, "o4", "r2", 2_000, 3_000, 10_000, NOW).points_taken_back == 30  # released
    assert emulator.dynamodb_operations() == ["GetItem", "GetItem", "Query", "GetItem", "TransactWriteItems"]


def give_back_points_spent_on_refunded_lines(emulator, category):
    from chalicelib.points.published.refunds import give_back_spent

    store.post_earn(USER, "adjust:seed", 500, NOW)
    store.spend(USER, "redeem:P1", 300, NOW)
    emulator.clear_log()
    assert give_back_spent(USER, "P1", "r1", 100, NOW) == 100
    assert emulator.dynamodb_operations() == ["GetItem", "GetItem", "TransactWriteItems"]


def hold_an_order_s_points_until_its_return_window(emulator, category):
    from chalicelib.points.published.refunds import hold_until

    store.post_earn(USER, "order:o5", 100, NOW, pending_until=NOW + timedelta(days=7))
    emulator.clear_log()
    assert hold_until(USER, "o5", NOW + timedelta(days=17), NOW)
    assert emulator.dynamodb_operations() == ["GetItem", "GetItem", "TransactWriteItems"]
