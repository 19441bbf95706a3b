"""Refunds of one order racing each other and the release, against the serialised
emulator: the order's source guard (its ``amount`` condition) is what keeps the
refunds together from taking more than the order earned."""
from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.points import account_reads, rules, store
from chalicelib.points import service as svc
from chalicelib.points.published.refunds import PartReversal, give_back_spent, reverse_refunded_part
from tests.concurrency.race import together
from tests.conftest import fresh_table

NOW = datetime(2025, 6, 1, 4, 0, tzinfo=UTC)
USER = "01J0000000000000000000USER"
ORDER = "01J00000000000000000ORDER1"
EARNED = 101
PAID = 9_999
ROUNDS = 4


def _race(workers: list[Callable[[], object]]) -> list[object]:
    """Every result of the workers run together (tests/concurrency/race.py); none may raise."""
    results = together(workers)
    assert not [r for r in results if isinstance(r, BaseException)]
    return results


def _setup(released: bool) -> None:
    fresh_table()
    assert store.post_earn(USER, rules.order_source(ORDER), EARNED, NOW, growth=50,
                           pending_until=NOW + timedelta(days=7))
    if released:
        assert svc.release_due(USER, NOW + timedelta(days=8)) == EARNED


def _taken(results: list[object]) -> int:
    return sum(r.points_cancelled + r.points_taken_back + r.points_unrecovered for r in results
               if isinstance(r, PartReversal))


def _ledger_holds() -> account_reads.Account:
    account = account_reads.get_account(USER)
    view = account_reads.account_view(USER)
    assert account.balance == sum(e.amount for e in account_reads.all_entries(USER))
    assert sum(n for _, n in view.lots) == account.available and sum(p.amount for p in view.pending) == account.pending
    assert account.available >= 0 and account.pending >= 0
    return account


@pytest.mark.parametrize("released", [False, True])
def test_five_refunds_of_one_order_at_once_take_exactly_what_was_earned(emulator, released):
    splits = [1_000, 2_000, 3_333, 1, 3_665]  # adds up to PAID
    starts = [sum(splits[:i]) for i in range(len(splits))]
    for _ in range(ROUNDS):
        _setup(released)
        results = _race([lambda i=i: reverse_refunded_part(USER, ORDER, f"r{i}", starts[i], splits[i], PAID, NOW)
                         for i in range(len(splits))])
        assert _taken(results) == EARNED
        account = _ledger_holds()
        assert (account.available, account.pending, account.earned, account.growth) == (0, 0, 0, 0)


def test_five_refunds_each_claiming_the_whole_order_never_take_more_than_it_earned(emulator):
    for _ in range(ROUNDS):
        _setup(released=True)
        results = _race([lambda i=i: reverse_refunded_part(USER, ORDER, f"r{i}", 0, PAID, PAID, NOW)
                         for i in range(5)])
        assert _taken(results) == EARNED
        assert _ledger_holds().available == 0


def test_refunds_racing_the_release_release_only_what_they_left(emulator):
    for _ in range(ROUNDS * 2):
        _setup(released=False)
        results = _race([lambda: svc.release_due(USER, NOW + timedelta(days=8))]
                        + [lambda i=i: reverse_refunded_part(USER, ORDER, f"r{i}", i * 1_000, 1_000, PAID, NOW)
                           for i in range(4)])
        released = sum(r for r in results if isinstance(r, int))
        taken = sum(r.points_cancelled + r.points_taken_back for r in results if isinstance(r, PartReversal))
        account = _ledger_holds()
        assert released + account.pending == EARNED - sum(r.points_cancelled for r in results
                                                          if isinstance(r, PartReversal))
        assert account.available + account.pending == EARNED - taken


def test_give_backs_racing_a_whole_reversal_return_exactly_what_was_spent(emulator):
    for _ in range(ROUNDS * 2):
        fresh_table()
        assert store.post_earn(USER, "seed", 1_000, NOW)
        assert store.spend(USER, rules.checkout_source("P1"), 300, NOW)
        assert store.spend(USER, rules.checkout_source("P2"), 300, NOW)  # so `spent >= n` alone cannot save us
        _race([lambda: store.reverse(USER, rules.checkout_source("P1"), NOW)]
              + [lambda i=i: give_back_spent(USER, "P1", f"r{i}", 120, NOW) for i in range(3)])
        account = _ledger_holds()
        assert (account.available, account.spent) == (700, 300)
