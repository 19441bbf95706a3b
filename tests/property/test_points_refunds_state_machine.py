"""Points and after-sales refunds as a state machine against the emulator (issue 12).

Orders earn pending points; partial refunds (some redelivered) take their exact
share, before or after the release; the buyer spends points and refunds give some
back; completion holds an order's points. After every step the ledger's invariants
hold: the balance is never negative, the account equals the sum of its entries and
its lots, pending equals its pending items, the counters are conserved, and an
order's refunds never take more than it earned (and take exactly their cumulative
share of it), nor does a redemption get back more than it spent.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from chalicelib.core.ids import new_id
from chalicelib.points import account_reads, rules, store
from chalicelib.points import service as svc
from chalicelib.points.published.refunds import PartReversal, give_back_spent, hold_until, reverse_refunded_part
from chalicelib.points.rules import InsufficientPoints, PointsRules

START = datetime(2025, 5, 1, 4, 0, tzinfo=UTC)  # mid-year: no lot expires within the steps
RULES = PointsRules()


@dataclass
class Order:
    earned: int
    growth: int
    paid: int
    refunded: int = 0  # fen refunded so far
    taken: int = 0  # points its refunds cancelled, took back or wrote off
    growth_due: int = 0  # growth its refunds were due to take (the account may have had less)


@dataclass
class Spend:
    amount: int
    given_back: int = 0


class RefundsMachine(RuleBasedStateMachine):
    orders = Bundle("orders")
    spends = Bundle("spends")
    refunds = Bundle("refunds")

    def __init__(self) -> None:
        super().__init__()
        self.user = new_id()
        self.now = START
        self.order: dict[str, Order] = {}
        self.spend_of: dict[str, Spend] = {}

    @rule(days=st.integers(min_value=0, max_value=9))
    def advance_clock(self, days: int) -> None:
        self.now += timedelta(days=days)

    @rule(points=st.integers(min_value=1, max_value=400))
    def earn_available(self, points: int) -> None:
        """Points to spend at once (a check-in, a team bonus)."""
        assert store.post_earn(self.user, f"gift:{new_id()}", points, self.now)

    @rule(target=orders, points=st.integers(min_value=1, max_value=400), paid=st.integers(min_value=1, max_value=50_000))
    def earn(self, points: int, paid: int) -> str:
        order_id = new_id()
        assert store.post_earn(self.user, rules.order_source(order_id), points, self.now, growth=points // 2,
                               pending_until=self.now + timedelta(days=7))
        self.order[order_id] = Order(points, points // 2, paid)
        return order_id

    @rule(target=refunds, order_id=orders, percent=st.integers(min_value=0, max_value=100))
    def refund_part(self, order_id: str, percent: int) -> tuple[str, str, int, int]:
        order = self.order[order_id]
        part = (order.paid - order.refunded) * percent // 100
        refund_id = new_id()
        account = account_reads.get_account(self.user)
        result = reverse_refunded_part(self.user, order_id, refund_id, order.refunded, part, order.paid, self.now)
        share = rules.refunded_share(order.earned, order.refunded, part, order.paid)
        growth_share = rules.refunded_share(order.growth, order.refunded, part, order.paid)
        assert result.points_cancelled + result.points_taken_back + result.points_unrecovered == share
        assert result.points_taken_back == min(share - result.points_cancelled, account.available)
        assert result.growth_taken <= growth_share
        order.refunded += part
        order.taken += share
        order.growth_due += growth_share
        return refund_id, order_id, order.refunded - part, part

    @rule(refund=refunds)
    def redeliver_a_refund(self, refund: tuple[str, str, int, int]) -> None:
        refund_id, order_id, before, part = refund
        entries = len(account_reads.all_entries(self.user))
        result = reverse_refunded_part(self.user, order_id, refund_id, before, part, self.order[order_id].paid,
                                       self.now)
        assert result == PartReversal()
        assert len(account_reads.all_entries(self.user)) == entries

    @rule()
    def release_due(self) -> None:
        svc.release_due(self.user, self.now)

    @rule(order_id=orders, days=st.integers(min_value=1, max_value=20))
    def complete(self, order_id: str, days: int) -> None:
        hold_until(self.user, order_id, self.now + timedelta(days=days), self.now)

    @rule(target=spends, points=st.integers(min_value=1, max_value=300))
    def spend(self, points: int) -> str:
        payment_id = new_id()
        try:
            store.spend(self.user, rules.checkout_source(payment_id), points, self.now)
        except InsufficientPoints:
            return payment_id  # nothing spent: a give-back finds no redemption
        self.spend_of[payment_id] = Spend(points)
        return payment_id

    # Often more than is left to give back: the bound is what is tested.
    @rule(payment_id=spends, points=st.one_of(st.integers(min_value=1, max_value=300), st.just(1_000)))
    def give_back(self, payment_id: str, points: int) -> None:
        spent = self.spend_of.get(payment_id)
        given = give_back_spent(self.user, payment_id, new_id(), points, self.now)
        if spent is None:
            assert given == 0
            return
        assert given == min(points, spent.amount - spent.given_back)
        spent.given_back += given

    # ---------------------------------------------------------------- invariants
    @invariant()
    def the_ledger_holds(self) -> None:
        account = account_reads.get_account(self.user)
        view = account_reads.account_view(self.user)
        assert account.available >= 0 and account.pending >= 0 and account.growth >= 0
        assert account.balance == sum(e.amount for e in account_reads.all_entries(self.user))
        assert sum(n for _, n in view.lots) == account.available
        assert sum(p.amount for p in view.pending) == account.pending
        assert account.available + account.pending + account.spent + account.expired == account.earned + account.adjusted
        assert account.spent == sum(s.amount - s.given_back for s in self.spend_of.values())

    @invariant()
    def refunds_never_take_more_than_was_earned_or_spent(self) -> None:
        for order_id, order in self.order.items():
            guard = account_reads.get_source(self.user, rules.order_source(order_id))
            assert order.taken <= order.earned
            assert int(guard.amount) == order.earned - order.taken and int(guard.refunded) == order.taken
            if order.refunded == order.paid:
                assert order.taken == order.earned and order.growth_due == order.growth
        for spent in self.spend_of.values():
            assert spent.given_back <= spent.amount


def test_points_refunds_state_machine(emulator):
    run_state_machine_as_test(
        RefundsMachine,
        settings=settings(
            max_examples=12,
            stateful_step_count=20,
            deadline=None,
            database=None,
            phases=[Phase.explicit, Phase.reuse, Phase.generate],
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
