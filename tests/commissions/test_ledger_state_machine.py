"""The commission ledger as a state machine against the emulator: accrue, refund, settle,
withdraw with the payout paid or refused. After every step the stored account agrees
with the stored entries and withdrawals and with a model:

- pending = Σ amount of PENDING entries;
- available + withdrawing + paid_out = Σ amount of SETTLED entries + Σ their unrecovered;
- withdrawing = Σ REQUESTED withdrawals, paid_out = Σ PAID ones;
- no total negative; each entry's amount is exactly Σ (paid − refunded) × rate // 10000,
  so never above rate × (paid − refunded).
"""
from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from chalicelib.adapters.payments.simulated import SimulatedPayments
from chalicelib.commissions import reads
from chalicelib.commissions.published import Kind, accrue, reverse_refunded, settle_order
from chalicelib.commissions.rules import EntryState, NotEnoughCommission, WithdrawalState
from chalicelib.commissions.withdrawals import request_withdrawal
from chalicelib.core.ids import new_id
from tests.commissions.helpers import NOW, beneficiary

HOLD = timedelta(days=7)
lines_strategy = st.lists(st.tuples(st.integers(0, 20_000), st.integers(0, 3_000)), min_size=1, max_size=2)


class CommissionMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.principal = beneficiary(f"b{new_id()[-8:].lower()}")
        self.user = self.principal.user_id
        self.payments = SimulatedPayments("k" * 16)
        self.now = NOW
        self.orders: dict[str, tuple[list[tuple[int, int, int]], dict[int, int]]] = {}  # lines, refunded
        self.keys = 0

    @rule(lines=lines_strategy, redeliver=st.booleans())
    def accrue(self, lines, redeliver):
        order = new_id()
        numbered = [(n + 1, paid, rate) for n, (paid, rate) in enumerate(lines)]
        first = accrue(self.user, Kind.DISTRIBUTOR, order, numbered, self.now + HOLD, self.now)
        assert first.created and first.amount == sum(p * r // 10_000 for _, p, r in numbered)
        if redeliver:
            assert not accrue(self.user, Kind.DISTRIBUTOR, order, numbered, self.now + HOLD, self.now).created
        self.orders[order] = (numbered, {})

    @precondition(lambda self: self.orders)
    @rule(data=st.data())
    def refund(self, data):
        order = data.draw(st.sampled_from(sorted(self.orders)))
        lines, refunded = self.orders[order]
        line_no, paid, _ = data.draw(st.sampled_from(lines))
        more = data.draw(st.integers(1, max(1, paid)))
        refunded[line_no] = min(paid, refunded.get(line_no, 0) + more)
        reverse_refunded(order, dict(refunded), self.now)

    @rule(days=st.integers(1, 8), by_timer=st.booleans())
    def time_passes_and_settles(self, days, by_timer):
        self.now += timedelta(days=days)
        for order in sorted(self.orders):
            if by_timer:
                settle_order(order, self.now)
        if not by_timer:
            from chalicelib.commissions.jobs import settle_due

            settle_due(self.now)

    @rule(amount=st.integers(100, 3_000), payout_ok=st.booleans())
    def withdraw(self, amount, payout_ok):
        if not payout_ok:
            self.payments.refuse_next_transfers(1)
        self.keys += 1
        available = reads.account(self.user).available
        try:
            done = request_withdrawal(self.principal, amount, f"machine-{self.keys:05d}", self.payments, self.now)
        except NotEnoughCommission:
            assert amount > available
            return
        finally:  # a refusal never reached the payout: its planted fault must not fail the next one
            self.payments.clear_transfer_faults()
        assert amount <= available
        assert done.state is (WithdrawalState.PAID if payout_ok else WithdrawalState.FAILED)

    @invariant()
    def totals_agree_with_entries_and_withdrawals(self):
        account = reads.account(self.user)
        entries = reads.entries_page(self.user, 100).items
        withdrawals = reads.withdrawals_page(self.user, 100).items
        assert min(account.pending, account.available, account.withdrawing, account.paid_out) >= 0
        assert account.pending == sum(e.amount for e in entries if e.state is EntryState.PENDING)
        settled = sum(e.amount + e.unrecovered for e in entries if e.state is EntryState.SETTLED)
        assert account.available + account.withdrawing + account.paid_out == settled
        assert account.withdrawing == sum(w.amount for w in withdrawals if w.state is WithdrawalState.REQUESTED)
        assert account.paid_out == sum(w.amount for w in withdrawals if w.state is WithdrawalState.PAID)
        for entry in entries:
            lines, refunded = self.orders[entry.order_id]
            still_paid = [(paid - refunded.get(n, 0)) * rate for n, paid, rate in lines]
            assert entry.amount == sum(x // 10_000 for x in still_paid)
            assert entry.amount * 10_000 <= sum(still_paid)
            assert entry.reversed == entry.accrued - entry.amount >= 0


def test_commission_ledger_state_machine(emulator):
    # No shrink phase against the emulator (slow); a failure still prints its steps.
    run_state_machine_as_test(CommissionMachine, settings=settings(
        max_examples=8, stateful_step_count=12, deadline=None, database=None,
        phases=[Phase.explicit, Phase.reuse, Phase.generate],
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]))
