"""After the payment as a state machine against the emulator (issue 12): ship, confirm, the delivery
timer, after-sales requests of either kind, decisions, escalations, disputes, returns, deadlines,
withdrawals and refunds through a provider that fails now and then, the stream's follow-up (points)
delivered once or twice, and the clock moving on by hours or days.

After every step: each line's requests hold at most what the line has and at most one is open;
what was refunded equals what the provider paid back and what the order counts, never more than a
line or the order paid; an order held by a refund asked before shipping never ships; the points
ledger holds (never negative, equal to its entries, lots and pending items).
"""
from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from chalicelib.adapters.payments import PaymentError, RefundNotPossible
from chalicelib.adapters.payments.simulated import SimulatedPayments
from chalicelib.aftersales import asking, deadlines, follow_ups, keys, refunds, service, store
from chalicelib.aftersales.rules import RELEASED_STATES, Reason, RequestKind, RequestState
from chalicelib.checkout import paying, placing
from chalicelib.checkout.rules import CheckoutRequest
from chalicelib.core.clock import utc_now
from chalicelib.core.errors import DomainError
from chalicelib.core.ids import new_id
from chalicelib.core.table.models import TableItem
from chalicelib.fulfilment import service as fulfilment
from chalicelib.fulfilment.tasks import NotYet
from chalicelib.orders.store import ORDER_SK, get_order, order_pk
from chalicelib.points import account_reads
from chalicelib.points import hooks as points_hooks
from tests.checkout.support import OPERATOR, buyer, platform_coupon, shop

KINDS = st.sampled_from([RequestKind.REFUND_ONLY, RequestKind.RETURN_AND_REFUND])
REASONS = st.sampled_from([Reason.NO_REASON, Reason.NOT_RECEIVED, Reason.DAMAGED])
PHASES = st.sampled_from(["decision", "send_back", "receipt"])


def service_waiting() -> tuple[RequestState, ...]:
    return RequestState.AWAITING_DECISION, RequestState.AWAITING_RETURN, RequestState.RETURNING


class AfterSalesMachine(RuleBasedStateMachine):

    def __init__(self) -> None:
        super().__init__()
        self.provider = SimulatedPayments(b"after-sales-machine-key-0123456789")
        self.shop = shop(skus=2, price=1000)
        self.customer = buyer(self.shop, quantities=(2, 3), points=1000)
        coupon = platform_coupon(self.customer, off=700)  # 5000 − 700: shares that do not split evenly
        placed = placing.place_order(self.customer, CheckoutRequest(coupon_ids=(coupon,), points=400), new_id(),
                                     self.provider, "openid-x", utc_now())
        headers, body = self.provider.simulate_capture(placed.payment.id)
        self.now = utc_now()
        assert paying.apply_payment_event(self.provider.parse_notification(headers, body), self.now) == "applied"
        self.order = get_order(placed.orders[0].id)
        # What the stream does for a paid order: its pending points.
        paid = {}
        for line in self.order.lines:
            paid[line.product_id] = paid.get(line.product_id, 0) + line.total
        points_hooks.on_order_of_products_paid(self.customer.user_id, self.order.id, paid, self.now)
        self.state_of: dict[str, RequestState] = {}

    def _try(self, act) -> None:
        try:
            act()
        except DomainError:
            pass  # a typed refusal: the invariants say it changed nothing that matters

    # ---------------------------------------------------------------- the order
    @initialize(stage=st.sampled_from(["TO_SHIP", "SHIPPED", "COMPLETED"]), line=st.integers(0, 1))
    def start(self, stage: str, line: int) -> None:
        """Every run starts with the order at some stage and one request on it (runs are short)."""
        if stage != "TO_SHIP":
            fulfilment.ship_order(self.shop.merchant, self.order.id, "SF", "SF1234567890", self.now)
        if stage == "COMPLETED":
            fulfilment.confirm_receipt(self.customer, self.order.id, self.now)
        kind = RequestKind.REFUND_ONLY if stage != "COMPLETED" else RequestKind.RETURN_AND_REFUND
        made = asking.ask(self.customer, self.order.id, asking.Ask(
            kind, Reason.NO_REASON, ((self.order.lines[line].sku_id, 1),)), None, self.now)
        self.state_of[made.id] = made.state

    @rule(hours=st.sampled_from([1, 24, 24 * 3, 24 * 8]))
    def time_passes(self, hours: int) -> None:
        self.now += timedelta(hours=hours)

    @rule()
    def merchant_ships(self) -> None:
        self._try(lambda: fulfilment.ship_order(self.shop.merchant, self.order.id, "SF", "SF1234567890", self.now))

    @rule(by_timer=st.booleans())
    def delivered(self, by_timer: bool) -> None:
        if not by_timer:
            self._try(lambda: fulfilment.confirm_receipt(self.customer, self.order.id, self.now))
            return
        try:
            fulfilment.complete_when_due(self.order.id, self.now)
        except NotYet:
            pass

    # ---------------------------------------------------------------- requests
    # Each act picks a request in a state where it may succeed (as read after the last act), so
    # the machine gets far; it still meets refusals: another act or a deadline came first.
    def _in(self, *states: RequestState) -> list[str]:
        return [r for r, state in self.state_of.items() if state in states]

    def _act_on(self, data, states, act) -> None:
        request = data.draw(st.sampled_from(self._in(*states)))
        self._try(lambda: act(request))
        self._refresh()

    def _refresh(self) -> None:
        self.state_of = {r.id: r.state for r in self._requests()}

    @rule(kind=KINDS, reason=REASONS, line=st.integers(0, 1), units=st.integers(1, 3))
    def customer_asks(self, kind, reason, line, units) -> None:
        sku_id = self.order.lines[line].sku_id
        try:
            made = asking.ask(self.customer, self.order.id, asking.Ask(kind, reason, ((sku_id, units),)), None,
                               self.now)
        except DomainError:
            return
        self.state_of[made.id] = made.state

    @precondition(lambda self: self._in(RequestState.AWAITING_DECISION))
    @rule(data=st.data(), approve=st.sampled_from([True, True, True, False]))
    def merchant_decides(self, data, approve) -> None:
        self._act_on(data, (RequestState.AWAITING_DECISION,), lambda r: service.approve(
            self.shop.merchant, r, self.now) if approve else service.reject(self.shop.merchant, r, "不符合", self.now))

    @precondition(lambda self: self._in(RequestState.REJECTED))
    @rule(data=st.data(), escalate=st.booleans())
    def customer_escalates_or_withdraws(self, data, escalate) -> None:
        self._act_on(data, (RequestState.REJECTED,), lambda r: service.escalate(
            self.customer, r, "请平台处理", self.now) if escalate else service.withdraw(self.customer, r, self.now))

    @precondition(lambda self: self._in(RequestState.DISPUTED))
    @rule(data=st.data(), refund=st.booleans())
    def operator_decides(self, data, refund) -> None:
        self._act_on(data, (RequestState.DISPUTED,),
                     lambda r: service.decide_dispute(OPERATOR, r, refund, "裁决", self.now))

    @precondition(lambda self: self._in(RequestState.AWAITING_RETURN))
    @rule(data=st.data())
    def customer_sends_back(self, data) -> None:
        self._act_on(data, (RequestState.AWAITING_RETURN,),
                     lambda r: service.send_back(self.customer, r, "SF", "SF9876543210", self.now))

    @precondition(lambda self: self._in(RequestState.RETURNING))
    @rule(data=st.data())
    def merchant_receives(self, data) -> None:
        self._act_on(data, (RequestState.RETURNING,), lambda r: service.confirm_received(self.shop.merchant, r, self.now))

    @precondition(lambda self: self._in(*service_waiting()))
    @rule(data=st.data(), phase=PHASES)
    def deadline_passes(self, data, phase) -> None:
        self._act_on(data, service_waiting(), lambda r: deadlines.deadline_passed(r, phase, self.now))

    # ---------------------------------------------------------------- money
    @precondition(lambda self: self._in(RequestState.REFUNDING, RequestState.REFUNDED))
    @rule(data=st.data(), provider_fails=st.booleans(), give_up=st.booleans())
    def refund_workflow_runs(self, data, provider_fails, give_up) -> None:
        def run(request: str) -> None:
            if provider_fails:
                self.provider.fail_next_refunds(1)
            try:
                refunds.refund_request(request, self.provider, self.now)
            except (PaymentError, RefundNotPossible):
                if give_up:  # the workflow's retries ran out
                    refunds.mark_refund_failed(request, "PaymentError: simulated", self.now)
            finally:
                self.provider.clear_refund_faults()

        self._act_on(data, (RequestState.REFUNDING, RequestState.REFUNDED), run)

    @precondition(lambda self: self._in(RequestState.REFUND_FAILED))
    @rule(data=st.data())
    def operator_retries(self, data) -> None:
        self._act_on(data, (RequestState.REFUND_FAILED,), lambda r: service.retry_refund(OPERATOR, r, self.now))

    @precondition(lambda self: self._in(RequestState.REFUNDED))
    @rule(data=st.data())
    def stream_follows_a_refund(self, data) -> None:
        # The stream delivers at least once: sometimes twice.
        self._act_on(data, (RequestState.REFUNDED,), lambda r: follow_ups.after_refund(store.get_request(r), self.now))

    # ---------------------------------------------------------------- invariants
    def _requests(self):  # one BatchGetItem (the emulator reads consistently)
        return [r for r in store.requests_by_id(self.state_of).values() if r is not None]

    @invariant()
    def lines_hold_what_their_requests_hold(self) -> None:
        requests = self._requests()
        ledgers = store.line_ledgers(self.order.id, len(self.order.lines))
        for index, line in enumerate(self.order.lines):
            mine = [(r, ln) for r in requests for ln in r.lines if ln.index == index]
            held = sum(ln.quantity for r, ln in mine if r.state not in RELEASED_STATES)
            refunded = sum(ln.amount for r, ln in mine if r.state is RequestState.REFUNDED)
            open_ = [r.id for r, _ in mine if r.state not in RELEASED_STATES and r.state is not RequestState.REFUNDED]
            ledger = ledgers[index]
            assert held <= line.quantity and refunded <= line.total and len(open_) <= 1
            assert (ledger.units if ledger else 0) == held
            assert (ledger.refunded if ledger else 0) == refunded
            assert (ledger.open_request if ledger else None) == (open_[0] if open_ else None)
            refunded_units = sum(ln.quantity for r, ln in mine if r.state is RequestState.REFUNDED)
            if refunded_units == line.quantity:  # refunded in parts, exactly what it paid
                assert refunded == line.total

    @invariant()
    def refunded_is_what_the_provider_paid_back_and_never_more_than_paid(self) -> None:
        refunded = sum(r.amount for r in self._requests() if r.state is RequestState.REFUNDED)
        at_provider = sum(r.amount for r in self.provider.refunds_for(self.order.trade_no)
                          if r.refund_id.startswith(keys.REFUND_ID_PREFIX))
        order = get_order(self.order.id)
        assert order.delivery.after_sales_refunded == refunded == at_provider <= self.order.total

    @invariant()
    def a_held_order_never_ships(self) -> None:
        item = TableItem.get(order_pk(self.order.id), ORDER_SK, consistent_read=True)
        if item.after_sales_hold is not None:
            assert item.shipped_at is None

    @invariant()
    def the_points_ledger_holds(self) -> None:
        user = self.customer.user_id
        account = account_reads.get_account(user)
        view = account_reads.account_view(user)
        assert account.available >= 0 and account.pending >= 0 and account.growth >= 0
        assert account.balance == sum(e.amount for e in account_reads.all_entries(user))
        assert sum(n for _, n in view.lots) == account.available
        assert sum(p.amount for p in view.pending) == account.pending


def test_after_sales_state_machine(emulator):
    run_state_machine_as_test(AfterSalesMachine, settings=settings(
        max_examples=10,  # about 8 s alone: make test stays within its three minutes
        stateful_step_count=30, deadline=None, database=None,
        phases=[Phase.explicit, Phase.reuse, Phase.generate],
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]))
