"""A buyer's checkouts as a state machine, against the emulator (issue 11, "What must hold").

One shop (two SKUs of one merchant), one buyer with points, and a coupon template per example.
The rules call the real services (cart, coupons, checkout's preview/placing/paying) on a fake
clock the machine drives forward; the invariants read the table after every step: every
order's money adds up, stock is conserved per SKU and held exactly by the awaiting payments,
a coupon is USED iff one live payment holds it, the points account matches its ledger, and
no payment is captured twice.
"""
from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

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

from chalicelib.cart import service as cart
from chalicelib.cart.published.checkout import selected_lines
from chalicelib.catalog import store as catalog_store
from chalicelib.checkout import paying, placing, store
from chalicelib.checkout.preview import preview
from chalicelib.checkout.rules import CheckoutRequest, Payment, PaymentState
from chalicelib.core.clock import utc_now
from chalicelib.core.errors import DomainError
from chalicelib.coupons import service as coupons
from chalicelib.coupons import store as coupons_store
from chalicelib.coupons.rules import CouponState, CouponTerms, DiscountKind, Validity
from chalicelib.points import account_reads
from chalicelib.points.rules import DEFAULT_RULES
from tests.checkout.support import OPERATOR, PAYMENTS, buyer, captured, shop
from tests.conftest import fresh_table

STOCK = 6
POINTS = 5000
COUPON_OFF = 1000
LIVE = (PaymentState.AWAITING, PaymentState.PAID)  # a cancelled payment gave its coupons and points back


class CheckoutMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.now = utc_now()
        self.payments: dict[str, Payment] = {}  # as placed; the stored state is read again
        self.coupon_ids: list[str] = []
        self.kept_expired: set[str] = set()  # cancelled after expiry: stays USED (never revived)
        self.captures: Counter[str] = Counter()  # 'applied' or 'late' answers per payment
        self.keys = 0
        self.in_cart: set[int] = set()  # which SKUs have a cart line (all selected: placing buys them all)

    # ---------------------------------------------------------------- set-up
    @initialize()
    def open_the_shop(self) -> None:
        fresh_table()  # moto copies the whole table per transaction: keep it small
        self.now = utc_now().replace(microsecond=0)
        self.shop = shop(skus=2, price=3000, stock=STOCK)
        self.customer = buyer(points=POINTS)
        self.template = coupons.create_template(OPERATOR, coupons.NewTemplate(
            title="¥10 off", terms=CouponTerms(DiscountKind.AMOUNT_OFF, amount_off=COUPON_OFF, threshold=0),
            validity=Validity(valid_days=1), total=1000, per_user_limit=20), self.now)
        self.add_to_cart(0, 1)
        self.claim_a_coupon()

    # ---------------------------------------------------------------- helpers
    def _stored(self, payment_id: str) -> Payment:
        payment = store.get_payment(payment_id)
        assert payment is not None
        return payment

    def _in(self, *states: PaymentState) -> list[str]:
        return sorted(p for p in self.payments if self._stored(p).state in states)

    def _usable_coupon(self) -> str | None:
        for coupon_id in self.coupon_ids:
            coupon = coupons_store.get_coupon(coupon_id, consistent=True)
            if coupon.state is CouponState.AVAILABLE and self.now < coupon.valid_until:
                return coupon_id
        return None

    def _about_to_cancel(self, payment_id: str) -> None:
        """Its coupons come back only while still valid: note the ones that cannot."""
        for coupon_id in self.payments[payment_id].coupon_ids:
            if coupons_store.get_coupon(coupon_id, consistent=True).valid_until <= self.now:
                self.kept_expired.add(coupon_id)

    def _request(self, use_coupon: bool, points: int) -> CheckoutRequest:
        coupon = self._usable_coupon() if use_coupon else None
        return CheckoutRequest(coupon_ids=(coupon,) if coupon else (), points=points)

    # ---------------------------------------------------------------- cart and coupons
    @rule(sku=st.integers(0, 1), quantity=st.integers(1, 3))
    def add_to_cart(self, sku: int, quantity: int) -> None:
        cart.add(self.customer, self.shop.product_id, self.shop.sku_ids[sku], quantity, self.now)
        self.in_cart.add(sku)

    @rule(sku=st.integers(0, 1), quantity=st.integers(1, 5))
    def change_quantity(self, sku: int, quantity: int) -> None:
        in_cart = {line.sku_id for line in selected_lines(self.customer.user_id)}
        assert in_cart == {self.shop.sku_ids[i] for i in self.in_cart}
        try:
            cart.update(self.customer, self.shop.sku_ids[sku], quantity=quantity, selected=None)
        except DomainError as error:
            assert self.shop.sku_ids[sku] not in in_cart, error
            assert error.code.value == "NOT_FOUND"

    @precondition(lambda self: len(self.coupon_ids) < 4)  # a few are plenty; the template's limit is 20
    @rule()
    def claim_a_coupon(self) -> None:
        self.coupon_ids.append(coupons.claim(self.customer, self.template.id, None, self.now).id)

    @rule(hours=st.integers(1, 20))
    def advance_the_clock(self, hours: int) -> None:
        self.now += timedelta(hours=hours)  # coupons expire after a day; payment windows pass

    # ---------------------------------------------------------------- checkout
    @rule(use_coupon=st.booleans(), points=st.sampled_from([0, 100, 1000, 3000]))
    def preview_checkout(self, use_coupon: bool, points: int) -> None:
        try:
            priced = preview(self.customer, self._request(use_coupon, points), self.now)
        except DomainError:
            return
        for order in priced.price.orders:
            items = sum(p.line.unit_price * p.line.quantity for p in order.lines)
            off = sum(p.promotion + p.merchant_coupon + p.platform_coupon + p.points for p in order.lines)
            assert items - off + order.shipping >= 0

    @precondition(lambda self: self.in_cart)  # an empty cart's refusal is tests/checkout's
    @rule(use_coupon=st.booleans(), points=st.sampled_from([0, 100, 1000, 3000]))
    def place(self, use_coupon: bool, points: int) -> None:
        request = self._request(use_coupon, points)
        lines_before = selected_lines(self.customer.user_id)
        self.keys += 1
        try:
            placed = placing.place_order(self.customer, request, f"machine-key-{self.keys:04d}", PAYMENTS, "o",
                                         self.now)
        except DomainError:  # refused: nothing taken (the invariants check stock, coupons, points)
            assert selected_lines(self.customer.user_id) == lines_before
            return
        payment = placed.payment
        assert not placed.replayed and payment.state is PaymentState.AWAITING
        assert payment.amount == sum(o.total for o in placed.orders) >= 0
        assert set(payment.coupon_ids) == set(request.coupon_ids or ())
        lines = [line for o in placed.orders for line in o.lines]
        # The payment-wide discounts are apportioned over its lines to the fen.
        assert sum(ln.platform_coupon for ln in lines) == (COUPON_OFF if payment.coupon_ids else 0)
        assert sum(ln.points for ln in lines) == (
            payment.points_used * DEFAULT_RULES.redeem_fen_per_unit // DEFAULT_RULES.redeem_points_per_unit)
        assert payment.points_used == points
        self.payments[payment.id] = payment
        self.in_cart.clear()
        assert selected_lines(self.customer.user_id) == []

    # ---------------------------------------------------------------- paying and cancelling
    def _capture(self, payment_id: str, at: datetime) -> str:
        payment = self.payments[payment_id]
        answer = paying.apply_payment_event(captured(payment_id, payment.amount, at), self.now)
        if answer in ("applied", "late"):
            self.captures[payment_id] += 1
        return answer

    @precondition(lambda self: self.payments)
    @rule(data=st.data())
    def pay_in_time(self, data) -> None:
        awaiting = [p for p in self._in(PaymentState.AWAITING) if self.now < self.payments[p].pay_by]
        if not awaiting:
            return
        payment_id = data.draw(st.sampled_from(awaiting))
        assert self._capture(payment_id, self.now) == "applied"
        assert self._stored(payment_id).state is PaymentState.PAID

    @precondition(lambda self: self.payments)
    @rule(data=st.data())
    def notify_again(self, data) -> None:
        done = sorted(p for p in self.payments if self._stored(p).captured)
        if not done:
            return
        payment_id = data.draw(st.sampled_from(done))
        before = self._stored(payment_id)
        assert self._capture(payment_id, self.now) == "duplicate"
        assert self._stored(payment_id) == before

    @precondition(lambda self: self.payments)
    @rule(data=st.data())
    def cancel_by_buyer(self, data) -> None:
        payment_id = data.draw(st.sampled_from(sorted(self.payments)))
        awaiting = self._stored(payment_id).state is PaymentState.AWAITING
        if awaiting:
            self._about_to_cancel(payment_id)
            assert paying.cancel_by_buyer(self.customer, payment_id, self.now).state is PaymentState.CANCELLED
            return
        try:
            paying.cancel_by_buyer(self.customer, payment_id, self.now)
        except DomainError as error:
            assert error.code.value == "INVALID_STATE"
        else:
            raise AssertionError("a payment not awaiting was cancelled")

    @precondition(lambda self: self.payments)
    @rule()
    def window_passes(self) -> None:
        awaiting = self._in(PaymentState.AWAITING)
        if awaiting:
            self.now = max(self.now, min(self.payments[p].pay_by for p in awaiting) + timedelta(seconds=1))
        for payment_id in sorted(self.payments):
            state, due = self._stored(payment_id).state, self.payments[payment_id].pay_by <= self.now
            if state is PaymentState.AWAITING and due:
                self._about_to_cancel(payment_id)
            expected = "not_yet" if state is PaymentState.AWAITING and not due else (
                "cancelled" if state is PaymentState.AWAITING else "already")
            assert paying.cancel_when_window_passed(payment_id, self.now) == expected

    @precondition(lambda self: self.payments)
    @rule(data=st.data())
    def capture_late(self, data) -> None:
        late = [p for p in self.payments if not self._stored(p).captured and (
            self._stored(p).state is PaymentState.CANCELLED or self.payments[p].pay_by <= self.now)]
        if not late:
            return
        payment_id = data.draw(st.sampled_from(sorted(late)))
        if self._stored(payment_id).state is PaymentState.AWAITING:
            self._about_to_cancel(payment_id)  # the late capture cancels it first
        assert self._capture(payment_id, self.now) == "late"
        assert self._stored(payment_id).state is PaymentState.REFUNDING

    # ---------------------------------------------------------------- invariants
    @invariant()
    def every_order_adds_up(self) -> None:
        for payment_id in self.payments:
            payment = self._stored(payment_id)
            orders = store.orders_of(payment)
            assert [o.id for o in orders] == list(payment.order_ids)
            for order in orders:
                items = sum(ln.unit_price * ln.quantity for ln in order.lines)
                off = sum(ln.promotion + ln.merchant_coupon + ln.platform_coupon + ln.points for ln in order.lines)
                assert order.total == items - off + order.shipping >= 0
                assert all(ln.paid >= 0 for ln in order.lines)
            assert payment.amount == sum(o.total for o in orders)

    @invariant()
    def stock_is_conserved_and_held_by_the_awaiting_payments(self) -> None:
        if not hasattr(self, "shop"):
            return
        units: dict[tuple[PaymentState, str], int] = Counter()
        for payment_id in self.payments:
            payment = self._stored(payment_id)
            for held in payment.stock:
                units[payment.state, held.sku_id] += held.quantity
        record = catalog_store.product_record(self.shop.product_id, consistent=True)
        for sku in record.skus:
            counters = sku.stock
            assert counters.available + counters.reserved + counters.sold == STOCK, sku.id
            assert counters.reserved == units[PaymentState.AWAITING, sku.id], sku.id
            assert counters.sold == units[PaymentState.PAID, sku.id], sku.id
            assert min(counters.available, counters.reserved, counters.sold) >= 0

    @invariant()
    def a_coupon_is_used_iff_one_live_payment_holds_it(self) -> None:
        live_payments = self._in(*LIVE)
        for coupon_id in self.coupon_ids:
            live = [p for p in live_payments if coupon_id in self.payments[p].coupon_ids]
            coupon = coupons_store.get_coupon(coupon_id, consistent=True)
            assert len(live) <= 1, coupon_id
            if live:
                assert (coupon.state, coupon.order_id) == (CouponState.USED, live[0]), coupon_id
            elif coupon_id in self.kept_expired:
                assert coupon.state is CouponState.USED, coupon_id  # expired before it could come back
            else:
                assert coupon.state is CouponState.AVAILABLE, coupon_id

    @invariant()
    def the_points_account_matches_its_ledger(self) -> None:
        if not hasattr(self, "customer"):
            return
        user_id = self.customer.user_id
        account = account_reads.get_account(user_id)
        spent = sum(self.payments[p].points_used for p in self._in(*LIVE))
        assert account.available == POINTS - spent - account.expired >= 0
        assert account.available + account.pending + account.spent + account.expired == account.earned + account.adjusted
        entries = account_reads.all_entries(user_id)
        assert sum(e.amount for e in entries) == account.balance
        assert sum(held for _, held in account_reads.lots(user_id)) == account.available

    @invariant()
    def a_payment_is_captured_at_most_once(self) -> None:
        for payment_id in self.payments:
            payment = self._stored(payment_id)
            assert self.captures[payment_id] <= 1
            assert payment.captured == (payment.amount if self.captures[payment_id] else 0)
            assert (payment.captured > 0) == (payment.state in (PaymentState.PAID, PaymentState.REFUNDING))


def test_checkout_state_machine(emulator):
    # No shrink phase: against the emulator, shrinking a failure can take minutes. A failure
    # still prints its (at most 25) steps; add Phase.shrink locally to minimise it.
    run_state_machine_as_test(
        CheckoutMachine,
        settings=settings(
            max_examples=14,  # about 9 s alone: make test stays within its three minutes
            stateful_step_count=25,
            deadline=None,
            database=None,
            phases=[Phase.explicit, Phase.reuse, Phase.generate],
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
