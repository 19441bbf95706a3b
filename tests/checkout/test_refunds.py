"""Refunding a checkout payment captured after its cancel, at the service level: in full,
once, under one refund id; operators' retries refused with typed errors that change
nothing when the payment is not waiting for one."""
from __future__ import annotations

import pytest

from chalicelib.adapters.payments import PaymentError
from chalicelib.checkout import paying, placing, refunds, store
from chalicelib.checkout.rules import CheckoutRequest, PaymentState
from chalicelib.core.clock import utc_now
from chalicelib.core.errors import Forbidden, InvalidState, NotFound
from chalicelib.core.ids import new_id
from tests.checkout.support import OPERATOR, PAYMENTS, buyer, shop


def _cancelled_then_captured():
    s = shop()
    customer = buyer(s, quantities=(1,))
    placed = placing.place_order(customer, CheckoutRequest(coupon_ids=()), new_id(), PAYMENTS, "openid-x", utc_now())
    paying.cancel_by_buyer(customer, placed.payment.id, utc_now())
    headers, body = PAYMENTS.simulate_capture(placed.payment.id)
    assert paying.apply_payment_event(PAYMENTS.parse_notification(headers, body), utc_now()) == "late"
    return customer, placed.payment


def test_a_late_capture_is_refunded_in_full_once_under_one_refund_id():
    _, payment = _cancelled_then_captured()
    PAYMENTS.process_next_refunds_slowly(1)
    with pytest.raises(PaymentError):  # PROCESSING: asked again later, never marked done early
        refunds.refund_payment(payment.id, PAYMENTS, utc_now())
    assert store.get_payment(payment.id).state is PaymentState.REFUNDING
    assert refunds.refund_payment(payment.id, PAYMENTS, utc_now())["status"] == "REFUNDED"
    assert refunds.refund_payment(payment.id, PAYMENTS, utc_now())["already"] is True
    (made,) = PAYMENTS.refunds_for(payment.id)
    assert (made.refund_id, made.amount) == (f"R{payment.id}", payment.amount)
    done = store.get_payment(payment.id)
    assert (done.state, done.captured, done.refunded) == (PaymentState.REFUNDED, payment.amount, payment.amount)


def test_a_payment_not_refunding_is_left_alone():
    s = shop()
    customer = buyer(s, quantities=(1,))
    placed = placing.place_order(customer, CheckoutRequest(coupon_ids=()), new_id(), PAYMENTS, "openid-x", utc_now())
    assert refunds.refund_payment(placed.payment.id, PAYMENTS, utc_now())["skipped"] is True
    assert PAYMENTS.refunds_for(placed.payment.id) == []
    with pytest.raises(NotFound):
        refunds.refund_payment("P" + new_id(), PAYMENTS, utc_now())


def test_only_an_operator_retries_and_only_a_failed_refund():
    customer, payment = _cancelled_then_captured()
    with pytest.raises(InvalidState):  # still refunding: nothing to retry
        refunds.retry_refund(OPERATOR, payment.id)
    refunds.mark_refund_failed(payment.id, "PaymentError: down")
    with pytest.raises(Forbidden):
        refunds.retry_refund(customer, payment.id)
    with pytest.raises(Forbidden):
        refunds.refund_failed_payments(customer, 10)
    with pytest.raises(NotFound):
        refunds.retry_refund(OPERATOR, "P" + new_id())
    failed = store.get_payment(payment.id)
    assert (failed.state, failed.refund_attempt, failed.refund_error) == (
        PaymentState.REFUND_FAILED, 0, "PaymentError: down")
    assert refunds.retry_refund(OPERATOR, payment.id).state is PaymentState.REFUNDING
    with pytest.raises(InvalidState):  # a second retry of the same failure
        refunds.retry_refund(OPERATOR, payment.id)
    assert store.get_payment(payment.id).refund_attempt == 1
