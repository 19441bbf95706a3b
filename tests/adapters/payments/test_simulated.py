"""The payment SIMULATION: the guarantees the group-buy flow relies on (one refund
per refund id, never more refunded than captured, signed notifications) and its
fault injection."""
from __future__ import annotations

import json
import sys
import threading
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from chalicelib.adapters.payments import (
    InvalidNotification,
    PaymentError,
    PaymentRejected,
    PaymentRequest,
    PaymentState,
    RefundRequest,
    RefundResult,
    RefundStatus,
)
from chalicelib.adapters.payments.simulated import SIGNATURE_HEADER, TIMESTAMP_HEADER, SimulatedPayments

KEY = b"simulated-payments-test-key-0123"
ORDER = "01JH8Y3V6Q9ZK2M4N5P7R8S9TA"


def payment_request(order_id: str = ORDER, amount: int = 2990) -> PaymentRequest:
    return PaymentRequest(order_id=order_id, amount=amount, currency="CNY", description="拼团",
                          payer_openid="local-openid-alice", expires_at=datetime(2030, 1, 1, tzinfo=UTC))


def refund_request(refund_id: str = "RF-1", amount: int = 2990, order_id: str = ORDER) -> RefundRequest:
    return RefundRequest(order_id=order_id, refund_id=refund_id, amount=amount, total=2990, currency="CNY",
                         reason="团购失败")


@pytest.fixture
def payments() -> SimulatedPayments:
    return SimulatedPayments(KEY, timeout_seconds=0.01)


@pytest.fixture
def captured(payments) -> SimulatedPayments:
    payments.create_jsapi_payment(payment_request())
    payments.simulate_capture(ORDER)
    return payments


# -- payments and notifications -----------------------------------------------------

def test_a_payment_is_created_then_captured_through_a_signed_notification(payments):
    params = payments.create_jsapi_payment(payment_request())
    assert params.sign_type == "RSA" and params.package.startswith("prepay_id=simulated_")
    assert payments.query_payment(ORDER).state is PaymentState.NOTPAY
    assert payments.captured(ORDER) == 0

    headers, body = payments.simulate_capture(ORDER)
    event = payments.parse_notification(headers, body)

    assert (event.order_id, event.state, event.amount, event.currency) == (ORDER, PaymentState.SUCCESS, 2990, "CNY")
    assert event.transaction_id and event.paid_at
    assert payments.captured(ORDER) == 2990
    assert payments.query_payment(ORDER) == event


def test_creating_the_same_payment_again_returns_the_same_prepay(payments):
    first = payments.create_jsapi_payment(payment_request())
    again = payments.create_jsapi_payment(payment_request())
    assert first.package == again.package
    with pytest.raises(PaymentRejected):
        payments.create_jsapi_payment(payment_request(amount=1))


def test_a_paid_order_cannot_be_prepaid_again(captured):
    with pytest.raises(PaymentRejected, match="ORDERPAID"):
        captured.create_jsapi_payment(payment_request())


def test_a_capture_can_carry_another_amount_than_the_order(payments):
    payments.create_jsapi_payment(payment_request())
    headers, body = payments.simulate_capture(ORDER, amount=1990)
    assert payments.parse_notification(headers, body).amount == 1990
    assert payments.captured(ORDER) == 1990


def test_a_notification_can_be_delivered_again(captured):
    first = captured.parse_notification(*captured.simulate_capture(ORDER))
    again = captured.parse_notification(*captured.simulate_capture(ORDER))
    assert first == again


def test_an_unknown_order_is_not_found(payments):
    assert payments.query_payment("no-such-order") is None


def _tampered(headers, body):
    document = json.loads(body)
    document["resource"]["amount"]["payer_total"] = 1
    return headers, json.dumps(document).encode()


def _forged(headers, body):
    forger = SimulatedPayments(b"another-key-of-sufficient-length")
    forger.create_jsapi_payment(payment_request())
    return forger.simulate_capture(ORDER)


def _unsigned(headers, body):
    return {k: v for k, v in headers.items() if k != SIGNATURE_HEADER}, body


def _stale(headers, body):
    old = SimulatedPayments(KEY, clock=lambda: 1_000_000.0)
    old.create_jsapi_payment(payment_request())
    return old.simulate_capture(ORDER)


def _retimed(headers, body):
    return {**headers, TIMESTAMP_HEADER: str(int(headers[TIMESTAMP_HEADER]) + 1)}, body


@pytest.mark.parametrize("forge", [_tampered, _forged, _unsigned, _stale, _retimed])
def test_a_forged_or_tampered_notification_is_refused(payments, forge):
    payments.create_jsapi_payment(payment_request())
    headers, body = forge(*payments.simulate_capture(ORDER))
    with pytest.raises(InvalidNotification):
        payments.parse_notification(headers, body)


def test_headers_are_read_in_any_case(captured):
    headers, body = captured.simulate_capture(ORDER)
    assert captured.parse_notification({k.upper(): v for k, v in headers.items()}, body).amount == 2990


# -- refunds ------------------------------------------------------------------------

def test_a_refund_is_applied_once_per_refund_id(captured):
    first = captured.refund(refund_request())
    again = captured.refund(refund_request())

    assert first == again and first.status is RefundStatus.SUCCESS
    assert [r.amount for r in captured.refunds_for(ORDER)] == [2990]
    assert captured.query_payment(ORDER).state is PaymentState.REFUND


def test_the_total_refunded_never_exceeds_the_captured_amount(captured):
    captured.refund(refund_request("RF-1", 2000))
    with pytest.raises(PaymentRejected):
        captured.refund(refund_request("RF-2", 1000))
    captured.refund(refund_request("RF-3", 990))
    assert sum(r.amount for r in captured.refunds_for(ORDER)) == 2990


@pytest.mark.parametrize("request_", [
    refund_request(order_id="never-paid"),
    refund_request(amount=0),
    replace(refund_request(), total=3000),
    replace(refund_request(), currency="USD"),
])
def test_refunds_that_cannot_be_right_are_refused(captured, request_):
    with pytest.raises(PaymentRejected):
        captured.refund(request_)
    assert captured.refunds_for(ORDER) == []


def test_a_refund_id_reused_for_another_amount_is_refused(captured):
    captured.refund(refund_request(amount=1000))
    with pytest.raises(PaymentRejected, match="another refund"):
        captured.refund(refund_request(amount=1500))


@pytest.fixture
def eager_thread_switches():
    """Switch threads as often as the interpreter can, so that a missing lock
    shows up as a double refund instead of passing by luck."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(before)


def race(threads: int, attempt) -> list:
    """Start ``threads`` calls of ``attempt(n)`` at once; their results (or exceptions)."""
    barrier = threading.Barrier(threads)
    results: list = [None] * threads

    def run(n: int) -> None:
        barrier.wait()
        try:
            results[n] = attempt(n)
        except Exception as error:  # noqa: BLE001 - the test inspects it
            results[n] = error

    workers = [threading.Thread(target=run, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return results


ROUNDS = 25  # a race lost once in a while still fails the test


def test_sixteen_threads_refunding_the_same_refund_id_refund_once(eager_thread_switches):
    for _ in range(ROUNDS):
        payments = SimulatedPayments(KEY)
        payments.simulate_capture(ORDER, amount=2990)

        results = race(16, lambda n: payments.refund(refund_request()))

        assert all(isinstance(r, RefundResult) for r in results) and len(set(results)) == 1
        assert len(payments.refunds_for(ORDER)) == 1


def test_sixteen_threads_with_different_refund_ids_never_refund_more_than_captured(eager_thread_switches):
    for _ in range(ROUNDS):
        payments = SimulatedPayments(KEY)
        payments.simulate_capture(ORDER, amount=2990)

        results = race(16, lambda n: payments.refund(refund_request(f"RF-{n}", amount=1000)))

        assert sum(isinstance(r, RefundResult) for r in results) == 2
        assert sum(isinstance(r, PaymentRejected) for r in results) == 14
        assert sum(r.amount for r in payments.refunds_for(ORDER)) == 2000


# -- fault injection ----------------------------------------------------------------

def test_failing_refunds_change_nothing_then_the_retry_succeeds(captured):
    captured.fail_next_refunds(2)
    for _ in range(2):
        with pytest.raises(PaymentError):
            captured.refund(refund_request())
    assert captured.refunds_for(ORDER) == []

    assert captured.refund(refund_request()).status is RefundStatus.SUCCESS
    assert len(captured.refunds_for(ORDER)) == 1


def test_refunds_can_fail_until_told_otherwise(captured):
    captured.fail_refunds_forever(True)
    for _ in range(3):
        with pytest.raises(PaymentError):
            captured.refund(refund_request())
    captured.fail_refunds_forever(False)
    assert captured.refund(refund_request()).status is RefundStatus.SUCCESS


def test_a_timeout_that_lost_the_refund_leaves_nothing_refunded(captured):
    captured.time_out_next_refunds(1)
    with pytest.raises(PaymentError, match="unknown"):
        captured.refund(refund_request())
    assert captured.refunds_for(ORDER) == []
    assert captured.refund(refund_request()).status is RefundStatus.SUCCESS


def test_a_timeout_after_the_refund_was_applied_is_not_refunded_twice_on_retry(captured):
    captured.time_out_next_refunds(1, applied=True)
    with pytest.raises(PaymentError, match="unknown"):
        captured.refund(refund_request())
    assert [r.status for r in captured.refunds_for(ORDER)] == [RefundStatus.SUCCESS]

    retried = captured.refund(refund_request())

    assert retried.status is RefundStatus.SUCCESS
    assert len(captured.refunds_for(ORDER)) == 1


def test_a_slow_refund_is_processing_then_successful(captured):
    captured.process_next_refunds_slowly(1)
    assert captured.refund(refund_request()).status is RefundStatus.PROCESSING
    assert captured.refund(refund_request()).status is RefundStatus.SUCCESS
    assert len(captured.refunds_for(ORDER)) == 1


def test_reset_forgets_payments_and_faults(captured):
    captured.fail_refunds_forever(True)
    captured.reset()
    assert captured.captured(ORDER) == 0 and captured.query_payment(ORDER) is None
    with pytest.raises(PaymentRejected):  # not a PaymentError: the fault is gone too
        captured.refund(refund_request())


def test_a_short_key_is_refused():
    with pytest.raises(ValueError):
        SimulatedPayments(b"short")


def test_its_state_is_exported_on_every_change_and_a_new_instance_takes_it_back():
    """What the local stack's --state-file keeps: payments and refunds (JSON), so a
    seat opened before a restart can be captured and refunded after it."""
    first = SimulatedPayments(KEY)
    exported: list[dict] = []
    first.watch(exported.append)
    first.create_jsapi_payment(payment_request())
    first.create_jsapi_payment(payment_request("01JH8Y3V6Q9ZK2M4N5P7R8S9TB", 1990))
    first.simulate_capture(ORDER)
    first.process_next_refunds_slowly(1)
    assert first.refund(refund_request()).status is RefundStatus.PROCESSING
    assert len(exported) == 4 and exported[-1] == first.export_state()
    json.dumps(exported[-1])  # plain JSON

    second = SimulatedPayments(KEY)
    second.import_state(json.loads(json.dumps(exported[-1])))
    assert second.captured(ORDER) == 2990
    assert second.refund(refund_request()).status is RefundStatus.SUCCESS  # the same refund, now paid
    assert [r.amount for r in second.refunds_for(ORDER)] == [2990]
    other = "01JH8Y3V6Q9ZK2M4N5P7R8S9TB"
    event = second.parse_notification(*second.simulate_capture(other))
    assert (event.order_id, event.amount) == (other, 1990)
