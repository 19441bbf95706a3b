"""Hypothesis drives open / join / pay / cancel / expire / deadline / refund (with a
flaky provider) on the real services and emulator, with a moving clock, and checks
the group-buy invariants after every step."""
from __future__ import annotations

from datetime import timedelta

import hypothesis.strategies as st
from hypothesis import HealthCheck, Phase, settings
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from chalicelib.adapters.payments import PaymentError
from chalicelib.core.clock import utc_now
from chalicelib.core.errors import DomainError
from chalicelib.core.principal import Principal, Role
from chalicelib.groupbuy import payments as groupbuy_payments
from chalicelib.groupbuy import service as groupbuy
from chalicelib.groupbuy import store
from chalicelib.groupbuy.rules import OrderState, SeatState, TeamState
from tests.conftest import fresh_table
from tests.groupbuy.support import RecordingPayments, capture, deal_setup

STOCK = 12
USERS = [Principal(f"01JPROP{i:019d}", Role.CUSTOMER) for i in range(6)]
OPERATOR = Principal("01J0000000000000000000OPER", Role.OPERATOR)


class GroupBuyMachine(RuleBasedStateMachine):
    @initialize()
    def setup(self) -> None:
        fresh_table()
        self.now = utc_now()
        self.payments = RecordingPayments()
        self.deal, self.sku, _ = deal_setup(team_size=3, stock=STOCK, per_user_limit=2,
                                            lifetime=timedelta(hours=1), window=timedelta(minutes=15), now=self.now)
        self.teams: list[str] = []
        self.orders: list[str] = []

    # ---- customers ----
    @rule(who=st.sampled_from(USERS))
    def open_team(self, who) -> None:
        try:
            taken = groupbuy.open_team(who, self.deal.id, self.sku, None, self.payments, self.now)
        except DomainError:
            return
        self.teams.append(taken.team.id)
        self.orders.append(taken.order.id)

    @precondition(lambda self: self.teams)
    @rule(who=st.sampled_from(USERS), pick=st.integers(0, 99))
    def join_team(self, who, pick) -> None:
        try:
            taken = groupbuy.join_team(who, self.teams[pick % len(self.teams)], self.sku, None, self.payments, self.now)
        except DomainError:
            return
        self.orders.append(taken.order.id)

    @precondition(lambda self: self.orders)
    @rule(pick=st.integers(0, 99), twice=st.booleans())
    def pay(self, pick, twice) -> None:
        order = store.get_order(self.orders[pick % len(self.orders)])
        capture(order, self.now)
        if twice:  # the provider delivers its notification again
            capture(order, self.now)

    @precondition(lambda self: self.orders)
    @rule(pick=st.integers(0, 99))
    def cancel(self, pick) -> None:
        order = store.get_order(self.orders[pick % len(self.orders)])
        try:
            groupbuy.cancel_seat(Principal(order.user_id, Role.CUSTOMER), order.id, self.now)
        except DomainError:
            pass

    # ---- time and timers ----
    @rule(minutes=st.sampled_from([1, 10, 20, 70]))
    def time_passes(self, minutes) -> None:
        self.now += timedelta(minutes=minutes)

    @precondition(lambda self: self.orders)
    @rule(pick=st.integers(0, 99))
    def seat_timer_fires(self, pick) -> None:
        order = store.get_order(self.orders[pick % len(self.orders)])
        if self.now >= order.pay_by:
            groupbuy.expire_seat(order.id, self.now)

    @precondition(lambda self: self.teams)
    @rule(pick=st.integers(0, 99))
    def deadline_timer_fires(self, pick) -> None:
        team = store.get_team(self.teams[pick % len(self.teams)], consistent=True)
        if self.now >= team.expires_at:
            groupbuy.close_team_at_deadline(team.id, self.now)

    @precondition(lambda self: self.orders)
    @rule(pick=st.integers(0, 99), failures=st.integers(0, 2))
    def refund_workflow_runs(self, pick, failures) -> None:
        order_id = self.orders[pick % len(self.orders)]
        self.payments.fail_refunds = failures
        for _attempt in range(2):  # the workflow retries; two failures exhaust it
            try:
                groupbuy_payments.refund_order(order_id, self.payments, self.now)
                break
            except PaymentError:
                continue
        else:
            if store.get_order(order_id).state is OrderState.REFUNDING:
                groupbuy_payments.mark_refund_failed(order_id, "provider kept failing")
        self.payments.fail_refunds = 0

    @precondition(lambda self: self.orders)
    @rule(pick=st.integers(0, 99))
    def operator_retries(self, pick) -> None:
        try:
            groupbuy_payments.retry_refund(OPERATOR, self.orders[pick % len(self.orders)])
        except DomainError:
            pass

    # ---- invariants ----
    @invariant()
    def seats_never_exceed_the_team_and_paid_never_exceeds_taken(self) -> None:
        for team_id in getattr(self, "teams", []):
            team, seats = store.team_with_seats(team_id, consistent=True)
            live = [s for s in seats if s.state is not SeatState.RELEASED]
            assert team.held + team.paid <= team.size
            assert team.paid <= team.held + team.paid and team.held >= 0
            assert len(live) == team.held + team.paid
            assert sum(s.state is SeatState.PAID for s in seats) == team.paid

    @invariant()
    def stock_is_conserved(self) -> None:
        if hasattr(self, "deal"):
            available, reserved, sold = store.deal_stock(self.deal.id)[self.sku]
            assert min(available, reserved, sold) >= 0
            assert available + reserved + sold == STOCK

    @invariant()
    def refunds_are_never_doubled_or_lost(self) -> None:
        orders = store.orders_by_id(getattr(self, "orders", [])).values()
        by_refund_id = {request.order_id for request in self.payments.refunds.values()} if hasattr(self, "payments") else set()
        for order in orders:
            assert order.refunded <= order.captured
            if order.state is OrderState.REFUNDED:
                assert order.id in by_refund_id and order.refunded == order.captured
            team = store.get_team(order.team_id, consistent=True)
            if team.state is TeamState.FAILED and order.captured:
                assert order.state in (OrderState.REFUNDING, OrderState.REFUNDED, OrderState.REFUND_FAILED)
        if hasattr(self, "payments"):
            # one provider refund per order, ever: the refund id is the order's
            assert len(self.payments.refunds) == len(by_refund_id)


GroupBuyMachine.TestCase.settings = settings(
    max_examples=15, stateful_step_count=25, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # shrinking against the emulator takes minutes
)
test_group_buy_invariants = GroupBuyMachine.TestCase
