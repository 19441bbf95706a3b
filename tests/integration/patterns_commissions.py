"""Access patterns of the commission ledger, one function per row of docs/data-model.md;
test_access_patterns.py runs them. Helpers start with "_"."""
from __future__ import annotations

from datetime import timedelta

from chalicelib.commissions import jobs, ledger, reads
from chalicelib.commissions.published import Kind, accrue, hold, reverse_refunded, settle_order
from tests.commissions.helpers import DISTRIBUTOR, LATER, LEADER, NOW, ORDER, totals


def _accrue(beneficiary=LEADER, kind=Kind.LEADER, order=ORDER):
    return accrue(beneficiary, kind, order, [(1, 10_000, 1_000)], NOW + timedelta(days=7), NOW)


def accrue_a_commission(emulator, category):
    emulator.clear_log()
    assert _accrue().created
    assert emulator.dynamodb_operations() == ["TransactWriteItems"]
    emulator.clear_log()
    assert not _accrue().created
    assert emulator.dynamodb_operations() == ["TransactWriteItems", "GetItem"]


def reverse_an_order_s_commissions_on_a_refund(emulator, category):
    _accrue()
    _accrue(DISTRIBUTOR, Kind.DISTRIBUTOR)
    emulator.clear_log()
    assert len(reverse_refunded(ORDER, {1: 5_000}, NOW)) == 2
    assert emulator.dynamodb_operations() == ["GetItem", "BatchGetItem", "TransactWriteItems", "TransactWriteItems"]
    settle_order(ORDER, LATER)
    emulator.clear_log()
    reverse_refunded(ORDER, {1: 6_000}, LATER)  # settled: each reads its account for what is available
    assert emulator.dynamodb_operations() == ["GetItem", "BatchGetItem", "GetItem", "TransactWriteItems",
                                              "GetItem", "TransactWriteItems"]
    assert totals(LEADER) == (0, 400, 0, 0)


def hold_an_order_s_commissions(emulator, category):
    _accrue()
    emulator.clear_log()
    assert hold(ORDER, NOW + timedelta(days=14)) == 1
    assert emulator.dynamodb_operations() == ["GetItem", "BatchGetItem", "TransactWriteItems"]


def settle_an_order_s_commissions(emulator, category):
    _accrue()
    emulator.clear_log()
    assert settle_order(ORDER, LATER) == 1_000
    assert emulator.dynamodb_operations() == ["GetItem", "BatchGetItem", "TransactWriteItems"]


def commissions_due_for_settlement(emulator, category):
    for n in range(3):
        _accrue(order=f"01J0000000000000000ORDER{n:02d}")
    emulator.clear_log()
    summary = jobs.settle_due(LATER, shards=[ledger.due_shard(LEADER)])
    assert summary["entriesSettled"] == 3
    assert emulator.dynamodb_operations() == ["Query"] + ["TransactWriteItems"] * 3


def _withdrawn(refuse: bool = False):
    from chalicelib.adapters.payments.simulated import SimulatedPayments
    from chalicelib.commissions.withdrawals import request_withdrawal
    from tests.commissions.helpers import beneficiary, settled

    lily = beneficiary()
    settled(lily.user_id, 500)
    payments = SimulatedPayments("k" * 16)
    if refuse:
        payments.refuse_next_transfers(1)
    return lily, request_withdrawal(lily, 100, "withdraw-pattern", payments, NOW)


def a_commission_account(emulator, category):
    _accrue()
    emulator.clear_log()
    assert reads.account(LEADER).pending == 1_000
    assert emulator.dynamodb_operations() == ["GetItem"]


def a_beneficiary_s_commission_entries_newest_first(emulator, category):
    orders = [f"01J0000000000000000ORDER{n:02d}" for n in range(3)]
    for order in orders:
        _accrue(order=order)
    emulator.clear_log()
    first = reads.entries_page(LEADER, 2)
    rest = reads.entries_page(LEADER, 2, first.end)
    assert [e.order_id for e in first.items + rest.items] == orders[::-1]
    assert emulator.dynamodb_operations() == ["Query", "Query"]


def request_a_commission_withdrawal(emulator, category):
    from chalicelib.commissions.withdrawals import request_withdrawal
    from tests.commissions.helpers import beneficiary, settled

    lily = beneficiary()
    settled(lily.user_id, 500)
    emulator.clear_log()
    from chalicelib.adapters.payments.simulated import SimulatedPayments

    request_withdrawal(lily, 100, "withdraw-pattern", SimulatedPayments("k" * 16), NOW)
    assert emulator.dynamodb_operations() == ["GetItem", "GetItem", "TransactWriteItems", "TransactWriteItems"]


def a_beneficiary_s_commission_withdrawals_newest_first(emulator, category):
    lily, withdrawal = _withdrawn()
    emulator.clear_log()
    assert [w.withdrawal_id for w in reads.withdrawals_page(lily.user_id, 20).items] == [withdrawal.withdrawal_id]
    assert emulator.dynamodb_operations() == ["Query"]


def failed_commission_withdrawals_oldest_first(emulator, category):
    _, withdrawal = _withdrawn(refuse=True)
    emulator.clear_log()
    assert [w.withdrawal_id for w in reads.failed_withdrawals_page(20).items] == [withdrawal.withdrawal_id]
    assert emulator.dynamodb_operations() == ["Query"]
