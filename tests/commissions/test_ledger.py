"""The commission ledger: accrual once, rounding, exact reversals, holds and settlement once."""
from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib.commissions import jobs, ledger
from chalicelib.commissions.published import Kind, accrue, hold, reverse_refunded, settle_order
from chalicelib.core.errors import ValidationFailed
from tests.commissions.helpers import DISTRIBUTOR, LATER, LEADER, NOW, ORDER, UPSTREAM, race, totals

LINES = [(1, 9_999, 1_000), (2, 333, 333)]  # 999.9 → 999 and 11.0889 → 11


def _accrue(beneficiary=LEADER, kind=Kind.LEADER, lines=LINES, order=ORDER, until=NOW + timedelta(days=7)):
    return accrue(beneficiary, kind, order, lines, until, NOW, {"roundId": "R1"})


def test_accrual_rounds_down_per_line_and_posts_once_under_redelivery():
    first = _accrue()
    assert first == ledger.Accrual(999 + 11, True)
    assert _accrue() == ledger.Accrual(1_010, False)  # the stream record again: nothing changes
    results = race([_accrue for _ in range(6)])
    assert all(r == ledger.Accrual(1_010, False) for r in results)
    assert totals(LEADER) == (1_010, 0, 0, 0)
    entry = ledger.get_entry(LEADER, ORDER)
    assert (entry.kind, entry.state, entry.accrued, entry.source) == ("LEADER", "PENDING", 1_010, {"roundId": "R1"})


@pytest.mark.parametrize("paid, rate", [(1, 9_999), (9_999, 1), (12_345, 777), (10_000, 10_000), (0, 500)])
def test_rounding_is_never_above_rate_times_paid(paid, rate):
    amount = _accrue(lines=[(1, paid, rate)]).amount
    assert amount * 10_000 <= paid * rate < (amount + 1) * 10_000


@pytest.mark.parametrize("lines, field", [([], "lines"), ([(1, -1, 100)], "lines.0.paid"),
                                          ([(1, 100, 10_001)], "lines.0.rateBp"),
                                          ([(1, 100, 10), (1, 5, 10)], "lines")])
def test_bad_lines_are_refused_and_change_nothing(emulator, lines, field):
    emulator.clear_log()
    with pytest.raises(ValidationFailed) as refused:
        _accrue(lines=lines)
    assert ".".join(refused.value.field) == field
    assert emulator.dynamodb_operations() == []


def test_two_partial_refunds_take_exactly_what_one_of_their_sum_takes():
    _accrue()
    _accrue(DISTRIBUTOR, Kind.DISTRIBUTOR, [(1, 9_999, 500), (2, 333, 0)])
    reverse_refunded(ORDER, {1: 1_234}, NOW)
    reverse_refunded(ORDER, {1: 4_000, 2: 100}, NOW)  # cumulative: 4 000 and 100 refunded in all
    reverse_refunded(ORDER, {1: 1_234}, NOW)  # an older report again: refunds only grow
    expected = (9_999 - 4_000) * 1_000 // 10_000 + (333 - 100) * 333 // 10_000
    assert ledger.get_entry(LEADER, ORDER).amount == expected
    assert totals(LEADER)[0] == expected
    assert totals(DISTRIBUTOR)[0] == (9_999 - 4_000) * 500 // 10_000
    assert ledger.get_entry(LEADER, ORDER).refunded == {"1": 4_000, "2": 100}


def test_concurrent_reversals_are_exact_and_once():
    _accrue()
    _accrue(UPSTREAM, Kind.UPSTREAM, [(1, 9_999, 100)])
    reports = [{1: 1_000 * n} for n in range(1, 7)] + [{1: 6_000, 2: 333}]
    results = race([lambda r=r: reverse_refunded(ORDER, r, NOW) for r in reports])
    assert not [r for r in results if isinstance(r, BaseException)]
    leader = (9_999 - 6_000) * 1_000 // 10_000
    assert ledger.get_entry(LEADER, ORDER).amount == leader and totals(LEADER)[0] == leader
    assert totals(UPSTREAM)[0] == (9_999 - 6_000) * 100 // 10_000
    assert sum(r.reversed for rs in results for r in rs if r.beneficiary_id == LEADER) == 1_010 - leader


def test_reversal_after_settlement_takes_from_available_never_below_zero(emulator):
    _accrue()
    assert settle_order(ORDER, LATER) == 1_010
    withdrawn = ledger.CommissionAccountItem(ledger.commission_pk(LEADER), ledger.ACCOUNT_SK)
    withdrawn.update(actions=[ledger.CommissionAccountItem.available.add(-900)])  # as a withdrawal would
    (result,) = reverse_refunded(ORDER, {1: 9_999, 2: 333}, LATER)
    assert (result.reversed, result.from_available, result.unrecovered) == (1_010, 110, 900)
    entry = ledger.get_entry(LEADER, ORDER)
    assert (entry.amount, entry.unrecovered, entry.state) == (0, 900, "SETTLED")
    assert totals(LEADER) == (0, 0, 0, 0)


def test_hold_moves_settlement_later_and_a_fully_reversed_entry_settles_as_zero():
    _accrue()
    assert hold(ORDER, NOW + timedelta(days=15)) == 1
    assert hold(ORDER, NOW + timedelta(days=10)) == 0  # earlier than held: stays
    assert settle_order(ORDER, LATER) == 0 and totals(LEADER) == (1_010, 0, 0, 0)
    reverse_refunded(ORDER, {1: 9_999, 2: 333}, NOW)
    assert totals(LEADER) == (0, 0, 0, 0)
    summary = jobs.settle_due(NOW + timedelta(days=15))
    assert (summary["entriesSettled"], summary["fenSettled"]) == (1, 0)
    assert ledger.get_entry(LEADER, ORDER).state == "SETTLED"


def test_settlement_once_with_the_job_and_the_timer_racing():
    orders = [f"01J0000000000000000ORDER{n:02d}" for n in range(6)]
    for order in orders:
        _accrue(order=order)
        _accrue(DISTRIBUTOR, Kind.DISTRIBUTOR, [(1, 1_000, 1_000)], order=order)
    not_due = "01J0000000000000000ORDERND"
    _accrue(order=not_due, until=LATER + timedelta(days=1))
    workers = [lambda: jobs.settle_due(LATER), lambda: jobs.settle_due(LATER)]
    workers += [lambda o=o: settle_order(o, LATER) for o in orders]
    results = race(workers)
    assert not [r for r in results if isinstance(r, BaseException)]
    by_job = sum(r["fenSettled"] for r in results if isinstance(r, dict))
    by_timer = sum(r for r in results if isinstance(r, int))
    assert by_job + by_timer == 6 * (1_010 + 100)
    assert totals(LEADER) == (1_010, 6 * 1_010, 0, 0)
    assert totals(DISTRIBUTOR) == (0, 600, 0, 0)
    assert jobs.settle_due(LATER)["entriesSettled"] == 0


def test_request_counts_of_accrual_and_reversal(emulator):
    emulator.clear_log()
    _accrue()
    assert emulator.dynamodb_operations() == ["TransactWriteItems"]
    emulator.clear_log()
    _accrue()  # redelivered: the refused transaction, then what was accrued
    assert emulator.dynamodb_operations() == ["TransactWriteItems", "GetItem"]
    emulator.clear_log()
    reverse_refunded(ORDER, {1: 100}, NOW)  # the order's beneficiaries, their entries, one write each
    assert emulator.dynamodb_operations() == ["GetItem", "BatchGetItem", "TransactWriteItems"]
    emulator.clear_log()
    settle_order(ORDER, LATER)
    assert emulator.dynamodb_operations() == ["GetItem", "BatchGetItem", "TransactWriteItems"]
