"""The points ledger against the emulator, with the exact DynamoDB requests used."""
from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest

from chalicelib.core.errors import ErrorCode, InvalidCursor, ValidationFailed
from chalicelib.core.principal import Principal, Role
from chalicelib.points import account_reads, rules_store, store
from chalicelib.points import service as svc
from chalicelib.points.rules import (
    AdjustmentNotAllowed,
    EntryKind,
    InsufficientPoints,
    InvalidRedemption,
    PointsAlreadyReleased,
    PointsRules,
)
from chalicelib.points.service import CheckInOutcome

UTC = UTC
NOW = datetime(2025, 6, 1, 4, 0, tzinfo=UTC)  # 12:00 in China
USER = "01J0000000000000000000USER"
OPERATOR = Principal("01J0000000000000000000OPER", Role.OPERATOR)
CUSTOMER = Principal(USER, Role.CUSTOMER)
RULES = PointsRules()  # passed in, so the counts below are the ledger's own


def _fund(points: int, source: str = "seed", when: datetime = NOW) -> None:
    assert store.post_earn(USER, source, points, when)


def _balance_is_sum_of_entries(user: str = USER) -> None:
    account = account_reads.get_account(user)
    assert account.balance == sum(e.amount for e in account_reads.all_entries(user))
    assert sum(r for _, r in account_reads.lots(user)) == account.available
    assert account.available + account.pending + account.spent + account.expired == account.earned + account.adjusted


def test_reading_an_account_is_one_getitem(emulator):
    _fund(100)
    emulator.clear_log()
    account = svc.account(USER)
    assert (account.available, account.balance) == (100, 100)
    assert emulator.dynamodb_counts() == {"GetItem": 1}
    emulator.clear_log()
    assert svc.account("01J0000000000000000000NONE").balance == 0
    assert emulator.dynamodb_counts() == {"GetItem": 1}


def test_a_ledger_page_is_one_query_newest_first_with_a_cursor(emulator):
    for i in range(5):
        _fund(10 + i, f"s{i}")
    emulator.clear_log()
    first = svc.ledger(USER, 3)
    assert emulator.dynamodb_counts() == {"Query": 1}
    emulator.clear_log()
    rest = svc.ledger(USER, 3, first.items[-1].id)
    assert emulator.dynamodb_counts() == {"Query": 1}
    assert [e.amount for e in first.items + rest.items] == [14, 13, 12, 11, 10]
    assert first.has_more and not rest.has_more
    with pytest.raises(InvalidCursor):
        svc.ledger(USER, 3, "nope")
    pages, after = [], None
    while True:  # exact page boundaries: 2 + 2 + 1, has_more true until the last
        page = svc.ledger(USER, 2, after)
        pages.append(([e.amount for e in page.items], page.has_more))
        if not page.has_more:
            break
        after = page.items[-1].id
    assert pages == [([14, 13], True), ([12, 11], True), ([10], False)]
    with pytest.raises(ValidationFailed):
        svc.ledger(USER, svc.MAX_PAGE + 1)


def test_each_posting_is_one_transaction(emulator):
    emulator.clear_log()
    assert store.post_earn(USER, "order:o1", 1_000, NOW)
    assert emulator.dynamodb_counts() == {"TransactWriteItems": 1}

    emulator.clear_log()
    assert store.post_earn(USER, "order:o2", 300, NOW, pending_until=NOW + timedelta(days=7))
    assert emulator.dynamodb_counts() == {"TransactWriteItems": 1}

    emulator.clear_log()
    svc.redeem(USER, "o3", 200, 10_000, NOW, config=RULES)  # source check, lots read, the posting
    assert emulator.dynamodb_counts() == {"GetItem": 1, "Query": 1, "TransactWriteItems": 1}

    emulator.clear_log()
    assert svc.adjust(OPERATOR, USER, 50, "goodwill", NOW)
    assert emulator.dynamodb_counts() == {"TransactWriteItems": 1}

    emulator.clear_log()
    assert svc.check_in(USER, NOW, config=RULES).outcome is CheckInOutcome.CHECKED_IN
    assert emulator.dynamodb_counts() == {"GetItem": 1, "TransactWriteItems": 1}

    emulator.clear_log()
    assert store.reverse(USER, "redeem:o3", NOW)
    assert emulator.dynamodb_counts() == {"GetItem": 1, "TransactWriteItems": 1}

    emulator.clear_log()
    assert svc.release_due(USER, NOW + timedelta(days=7)) == 300
    assert emulator.dynamodb_counts() == {"Query": 1, "GetItem": 1, "TransactWriteItems": 1}
    _balance_is_sum_of_entries()


def test_paid_amounts_are_whole_fen():
    for bad in (100.0, -1, True):
        with pytest.raises(ValidationFailed):
            svc.earn_on_paid_order(USER, "o1", bad, NOW, config=RULES)


def test_the_same_source_posts_once():
    assert store.post_earn(USER, "team:t1", 20, NOW)
    assert not store.post_earn(USER, "team:t1", 20, NOW)
    assert svc.earn_on_paid_order(USER, "o1", 10_000, NOW, config=RULES) == 100
    assert svc.earn_on_paid_order(USER, "o1", 10_000, NOW, config=RULES) == 0
    assert svc.award_team_success(USER, "t2", NOW, config=RULES)
    assert not svc.award_team_success(USER, "t2", NOW, config=RULES)
    account = account_reads.get_account(USER)
    assert (account.available, account.pending) == (40, 100)
    assert Counter(e.source for e in account_reads.all_entries(USER)) == {"team:t1": 1, "order:o1": 1, "team:t2": 1}
    _balance_is_sum_of_entries()


def test_order_points_are_pending_for_seven_days_then_available():
    svc.earn_on_paid_order(USER, "o1", 12_399, NOW, green_fen=1_000, config=RULES)  # 123.99 + 10 green
    account = account_reads.get_account(USER)
    assert (account.pending, account.available, account.growth) == (133, 0, 123)
    assert svc.release_due(USER, NOW + timedelta(days=6, hours=23)) == 0
    assert svc.release_due(USER, NOW + timedelta(days=7)) == 133
    assert svc.release_due(USER, NOW + timedelta(days=8)) == 0
    account = account_reads.get_account(USER)
    assert (account.pending, account.available) == (0, 133)
    assert account_reads.lots(USER) == [(date(2026, 12, 31), 133)]
    _balance_is_sum_of_entries()


def test_tier_multiplies_order_points():
    store.post_earn(USER, "growth", 1, NOW, growth=5_000)  # gold
    assert svc.tier(USER, RULES).name == "gold"
    assert svc.earn_on_paid_order(USER, "o1", 10_000, NOW, config=RULES) == 150


def test_a_refund_inside_the_window_cancels_pending_points_and_returns_redeemed_ones():
    _fund(1_000)
    svc.redeem(USER, "o1", 300, 10_000, NOW, config=RULES)
    svc.earn_on_paid_order(USER, "o1", 9_700, NOW, config=RULES)
    assert svc.reverse_on_refund(USER, "o1", NOW + timedelta(days=1))
    assert not svc.reverse_on_refund(USER, "o1", NOW + timedelta(days=1))
    account = account_reads.get_account(USER)
    assert (account.available, account.pending, account.spent, account.earned) == (1_000, 0, 0, 1_000)
    assert svc.release_due(USER, NOW + timedelta(days=8)) == 0
    kinds = [e.kind for e in account_reads.all_entries(USER)]
    assert kinds.count(EntryKind.REVERSE) == 2
    _balance_is_sum_of_entries()


def test_a_refund_after_release_keeps_the_points():
    svc.earn_on_paid_order(USER, "o1", 10_000, NOW, config=RULES)
    svc.release_due(USER, NOW + timedelta(days=7))
    with pytest.raises(PointsAlreadyReleased):
        store.reverse(USER, "order:o1", NOW + timedelta(days=9))
    assert not svc.reverse_on_refund(USER, "o1", NOW + timedelta(days=9))
    assert account_reads.get_account(USER).available == 100


def test_spending_takes_the_oldest_lot_first_and_expiry_sweeps_old_lots():
    _fund(100, "old", datetime(2024, 3, 1, tzinfo=UTC))
    _fund(200, "new", NOW)
    svc.redeem(USER, "o1", 100, 10_000, NOW, config=RULES)
    assert account_reads.lots(USER) == [(date(2025, 12, 31), 0), (date(2026, 12, 31), 200)]
    svc.redeem(USER, "o2", 100, 10_000, NOW, config=RULES)
    assert account_reads.lots(USER) == [(date(2025, 12, 31), 0), (date(2026, 12, 31), 100)]
    _fund(50, "late-2025", datetime(2025, 12, 31, 15, 0, tzinfo=UTC))  # still 2025 in China
    assert svc.expire(USER, datetime(2025, 12, 31, 15, 59, tzinfo=UTC)) == 0
    assert svc.expire(USER, datetime(2026, 12, 31, 16, 0, tzinfo=UTC)) == 150
    account = account_reads.get_account(USER)
    assert (account.available, account.expired) == (0, 150)
    assert [remaining for _, remaining in account_reads.lots(USER) if remaining] == []
    _balance_is_sum_of_entries()


def test_redemption_limits_are_typed_errors():
    _fund(1_000)
    with pytest.raises(InvalidRedemption) as caught:
        svc.redeem(USER, "o1", 150, 10_000, NOW, config=RULES)
    assert caught.value.code is ErrorCode.POINTS_WRONG_UNIT and caught.value.field == ("points",)
    with pytest.raises(InvalidRedemption) as over:
        svc.redeem(USER, "o1", 600, 1_000, NOW, config=RULES)  # over 50%
    assert over.value.code is ErrorCode.POINTS_OVER_CAP
    with pytest.raises(InsufficientPoints):
        svc.redeem(USER, "o1", 1_100, 10_000, NOW, config=RULES)
    with pytest.raises(InsufficientPoints):  # the store's own condition, without the service's check
        store.spend(USER, "redeem:o9", 1_001, NOW)
    retry = svc.redeem(USER, "o2", 500, 10_000, NOW, config=RULES)
    assert retry.applied and retry.discount == 500
    assert not svc.redeem(USER, "o2", 500, 10_000, NOW, config=RULES).applied
    assert account_reads.get_account(USER).available == 500


def test_check_in_streak_and_already_checked_in():
    results = []
    for day in range(8):
        results.append(svc.check_in(USER, NOW + timedelta(days=day), config=RULES))
    assert [r.points for r in results] == [5] * 6 + [20, 5]
    again = svc.check_in(USER, NOW + timedelta(days=7, hours=1), config=RULES)
    assert again.outcome is CheckInOutcome.ALREADY_CHECKED_IN and again.points == 0 and again.streak == 8
    broken = svc.check_in(USER, NOW + timedelta(days=9), config=RULES)
    assert (broken.streak, broken.points) == (1, 5)
    assert account_reads.get_account(USER).available == 6 * 5 + 20 + 5 + 5


def test_adjustments_need_an_operator_and_a_reason_and_never_go_below_zero():
    _fund(100)
    with pytest.raises(AdjustmentNotAllowed) as caught:
        svc.adjust(CUSTOMER, USER, 10, "me", NOW)
    assert caught.value.code is ErrorCode.FORBIDDEN
    with pytest.raises(ValidationFailed):
        svc.adjust(OPERATOR, USER, 10, "  ", NOW)
    with pytest.raises(ValidationFailed):
        svc.adjust(OPERATOR, USER, 0, "zero", NOW)
    with pytest.raises(InsufficientPoints):
        svc.adjust(OPERATOR, USER, -101, "too much", NOW)
    assert svc.adjust(OPERATOR, USER, -100, "fraud", NOW, key="case-42")
    assert not svc.adjust(OPERATOR, USER, -100, "fraud", NOW, key="case-42")
    entry = account_reads.ledger_page(USER, 1).items[0]
    assert (entry.kind, entry.amount, entry.reason, entry.operator_id) == (EntryKind.ADJUST, -100, "fraud",
                                                                          OPERATOR.user_id)
    _balance_is_sum_of_entries()


def test_rules_are_stored_configuration():
    assert rules_store.get_rules() == PointsRules()
    rules_store.put_rules(PointsRules(check_in_points=8), NOW)
    assert rules_store.get_rules().check_in_points == 8
    assert svc.check_in(USER, NOW).points == 8


def test_points_returned_after_their_lot_expired_expire_at_once():
    last_day = datetime(2025, 12, 31, 15, 50, tzinfo=UTC)  # 23:50 on Dec 31 in China
    assert store.post_earn(USER, "adjust:old", 500, datetime(2024, 6, 1, tzinfo=UTC))  # lot 2025-12-31
    assert store.spend(USER, "redeem:o1", 500, last_day)
    assert svc.expire(USER, last_day + timedelta(minutes=15)) == 0  # 00:05: the lot is empty
    assert store.reverse(USER, "redeem:o1", last_day + timedelta(minutes=20))  # the seat is cancelled at 00:10
    account = account_reads.get_account(USER)
    assert (account.available, account.spent, account.expired) == (0, 0, 500)
    assert sum(r for _, r in account_reads.lots(USER)) == 0
    _balance_is_sum_of_entries()
