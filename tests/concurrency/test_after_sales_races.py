"""After-sales under concurrency on the serialised emulator, each race repeated: the same request
fired 10 times at once (with and without a retry key) makes one; a merchant's approval racing the
deadline's automatic one gives one outcome; 10 refund runs of one request pay it back once."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from chalicelib.aftersales import asking, deadlines, refunds, service, store
from chalicelib.aftersales.rules import AfterSalesInProgress, Reason, RequestKind, RequestState
from chalicelib.core.clock import utc_now
from chalicelib.core.errors import InvalidState
from chalicelib.core.idempotency import idempotent_request
from tests.aftersales.support import FAST, ask, paid_order
from tests.checkout.support import PAYMENTS

ROUNDS = 3


@pytest.mark.parametrize("with_key", [False, True])
def test_the_same_request_fired_ten_times_at_once_makes_one(with_key):
    for round_ in range(ROUNDS):
        _, customer, order = paid_order((2,))
        asked = asking.Ask(RequestKind.REFUND_ONLY, Reason.NO_REASON, ((order.lines[0].sku_id, 2),))

        def attempt(_):
            key = idempotent_request(customer.user_id, "requestAfterSales", f"key-{round_}-0001", order.id,
                                     asked) if with_key else None
            try:
                return asking.ask(customer, order.id, asked, key, utc_now(), FAST).id
            except AfterSalesInProgress:
                return None

        with ThreadPoolExecutor(10) as pool:
            made = [r for r in pool.map(attempt, range(10)) if r]
        listed = [r.id for r in store.user_requests(customer.user_id, 20).items]
        assert len(listed) == 1 and set(made) == set(listed), (round_, made)
        if with_key:
            assert len(made) == 10  # every retry answered with the one request


def test_a_merchant_s_approval_racing_the_automatic_one_gives_one_outcome():
    for _ in range(ROUNDS):
        s, customer, order = paid_order((1,))
        made = ask(customer, order)
        due = made.decide_by + timedelta(seconds=1)

        def merchant(_):
            try:
                return service.approve(s.merchant, made.id, due).state
            except InvalidState:
                return None

        with ThreadPoolExecutor(2) as pool:
            pool.submit(merchant, 0)
            pool.submit(deadlines.deadline_passed, made.id, "decision", due)
        approvals = [step for step in store.get_request(made.id).history if step.action == "APPROVED"]
        assert len(approvals) == 1
        assert store.get_request(made.id).state is RequestState.REFUNDING


def test_ten_refund_runs_of_one_request_pay_it_back_once():
    for _ in range(ROUNDS):
        s, customer, order = paid_order((2,))
        made = ask(customer, order, lines=((order.lines[0].sku_id, 1),))
        service.approve(s.merchant, made.id, utc_now())
        with ThreadPoolExecutor(10) as pool:
            list(pool.map(lambda _: refunds.refund_request(made.id, PAYMENTS, utc_now()), range(10)))
        (paid_back,) = PAYMENTS.refunds_for(order.trade_no)
        assert paid_back.amount == made.amount
        assert store.get_request(made.id).state is RequestState.REFUNDED
        assert [s.action for s in store.get_request(made.id).history].count("REFUNDED") == 1
