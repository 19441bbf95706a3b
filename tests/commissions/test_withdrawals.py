"""Withdrawals: never more than available under concurrency, paid out once, a refused payout's money back once."""
from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib.adapters.payments.simulated import SimulatedPayments
from chalicelib.commissions import reads
from chalicelib.commissions.rules import NotEnoughCommission, WithdrawalState
from chalicelib.commissions.withdrawals import request_withdrawal, retry_withdrawal
from chalicelib.core.errors import Forbidden, InvalidState, ValidationFailed
from chalicelib.core.principal import Principal, Role
from tests.commissions.helpers import NOW, beneficiary, race, settled, totals

OPERATOR = Principal("01J0000000000000000000OPER", Role.OPERATOR)


@pytest.fixture
def payments() -> SimulatedPayments:
    return SimulatedPayments("k" * 16)


def test_ten_concurrent_withdrawals_of_one_yuan_from_five_take_exactly_five(payments):
    lily = beneficiary()
    settled(lily.user_id, 500)
    results = race([lambda n=n: request_withdrawal(lily, 100, f"withdraw-{n:04d}", payments, NOW) for n in range(10)])
    paid = [r for r in results if isinstance(r, reads.Withdrawal)]
    refused = [r for r in results if isinstance(r, NotEnoughCommission)]
    assert (len(paid), len(refused)) == (5, 5)
    assert all(w.state is WithdrawalState.PAID for w in paid)
    assert totals(lily.user_id) == (0, 0, 0, 500)
    assert sum(t.amount for t in payments.transfers()) == 500


def test_a_retried_request_answers_the_first_withdrawal(payments):
    lily = beneficiary()
    settled(lily.user_id, 500)
    first = request_withdrawal(lily, 200, "withdraw-same", payments, NOW)
    assert request_withdrawal(lily, 200, "withdraw-same", payments, NOW) == first
    assert totals(lily.user_id) == (0, 300, 0, 200) and len(payments.transfers()) == 1


@pytest.mark.parametrize("amount", [99, 0, -100, 200_000, 1.5, True])
def test_an_amount_outside_one_yuan_and_the_ceiling_is_refused_and_changes_nothing(payments, emulator, amount):
    lily = beneficiary()
    settled(lily.user_id, 500)
    emulator.clear_log()
    with pytest.raises(ValidationFailed):
        request_withdrawal(lily, amount, "withdraw-bad", payments, NOW)
    assert emulator.dynamodb_operations() == []


def test_more_than_available_is_refused(payments):
    lily = beneficiary()
    settled(lily.user_id, 500)
    with pytest.raises(NotEnoughCommission):
        request_withdrawal(lily, 501, "withdraw-big", payments, NOW)
    assert totals(lily.user_id) == (0, 500, 0, 0)


def test_a_refused_payout_returns_the_money_once_and_an_operator_retries_it(payments):
    lily = beneficiary()
    settled(lily.user_id, 500)
    payments.refuse_next_transfers(1, "ACCOUNT_FROZEN")
    failed = request_withdrawal(lily, 300, "withdraw-once", payments, NOW)
    assert (failed.state, failed.failure) == (WithdrawalState.FAILED, "ACCOUNT_FROZEN")
    assert totals(lily.user_id) == (0, 500, 0, 0)
    assert [w.withdrawal_id for w in reads.failed_withdrawals_page(10).items] == [failed.withdrawal_id]
    with pytest.raises(Forbidden):
        retry_withdrawal(lily, lily.user_id, failed.withdrawal_id, payments, NOW)
    results = race([lambda: retry_withdrawal(OPERATOR, lily.user_id, failed.withdrawal_id, payments,
                                             NOW + timedelta(hours=1)) for _ in range(4)])
    done = [r for r in results if isinstance(r, reads.Withdrawal)]
    assert done and all(isinstance(r, (reads.Withdrawal, InvalidState)) for r in results)
    assert reads.get_withdrawal(lily.user_id, failed.withdrawal_id).state is WithdrawalState.PAID
    assert totals(lily.user_id) == (0, 200, 0, 300)
    assert reads.failed_withdrawals_page(10).items == []
    assert [t.out_no for t in payments.transfers()] == [failed.withdrawal_id, f"{failed.withdrawal_id}R2"]
    with pytest.raises(InvalidState):
        retry_withdrawal(OPERATOR, lily.user_id, failed.withdrawal_id, payments, NOW)


def test_an_unanswered_payout_stays_requested_until_asked_again(payments):
    lily = beneficiary()
    settled(lily.user_id, 500)
    payments.fail_next_transfers(1)
    waiting = request_withdrawal(lily, 100, "withdraw-lost", payments, NOW)
    assert waiting.state is WithdrawalState.REQUESTED and totals(lily.user_id) == (0, 400, 100, 0)
    paid = retry_withdrawal(OPERATOR, lily.user_id, waiting.withdrawal_id, payments, NOW)
    assert paid.state is WithdrawalState.PAID and totals(lily.user_id) == (0, 400, 0, 100)
    assert [t.out_no for t in payments.transfers()] == [waiting.withdrawal_id]  # the same number


def test_request_counts_of_a_withdrawal_and_of_a_page(payments, emulator):
    lily = beneficiary()
    settled(lily.user_id, 500)
    emulator.clear_log()
    request_withdrawal(lily, 100, "withdraw-count", payments, NOW)
    # the key (new?), the openid; ONE transaction takes the money; ONE records the payout
    assert emulator.dynamodb_operations() == ["GetItem", "GetItem", "TransactWriteItems", "TransactWriteItems"]
    emulator.clear_log()
    entries = reads.entries_page(lily.user_id, 20)
    withdrawals = reads.withdrawals_page(lily.user_id, 20)
    assert (len(entries), len(withdrawals)) == (1, 1)
    assert emulator.dynamodb_operations() == ["Query", "Query"]
