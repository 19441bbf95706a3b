"""Checkout payments through the real chain on the emulator: the table's stream → the
stream consumer → payment_window / refund (infra ASL) → app.py's task handlers.

- an unpaid payment is cancelled when its window passes: stock, coupons and points back,
  once (a redelivered insert starts no second timer);
- a capture after the cancel is refunded exactly once, under one refund id, however
  often the provider answers PROCESSING;
- a refund that keeps failing ends REFUND_FAILED, listed for operators, and an
  operator's retry refunds it once;
- pay for me: when the buyer and a friend both pay, the second capture is refunded by the
  same workflow, under "R" + its own trade number.
"""
from __future__ import annotations

import json

from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

from chalicelib import payments as routed
from chalicelib.checkout import keys, paying, placing, refunds, sharing, store
from chalicelib.checkout.rules import CheckoutRequest, CheckoutTerms, OrderState, PaymentState
from chalicelib.core.clock import iso, utc_now
from chalicelib.core.ids import new_id
from chalicelib.core.principal import Principal, Role
from chalicelib.coupons.published.checkout import usable_coupons
from chalicelib.points.published.checkout import get_account
from chalicelib.stream import handle_record
from tests.checkout.support import OPERATOR, buyer, platform_coupon, shop
from tests.checkout.test_placing import stock
from tests.workflows.groupbuy_stack import execution_names, history, stack, wait_execution  # noqa: F401

SHORT_WINDOW = CheckoutTerms(payment_window_seconds=3)


def _place(stack, customer, terms: CheckoutTerms = SHORT_WINDOW, **request):
    request.setdefault("coupon_ids", ())
    return placing.place_order(customer, CheckoutRequest(**request), new_id(), stack.payments.provider, "openid-x",
                               utc_now(), terms)


def _capture(stack, payment_id: str) -> str:
    """The buyer pays at the provider; its signed notification is applied as /payments/notify does."""
    provider = stack.payments.provider
    headers, body = provider.simulate_capture(payment_id)
    return routed.apply_payment_event(provider.parse_notification(headers, body), utc_now())


def test_an_unpaid_payment_is_cancelled_when_its_window_passes_and_gives_everything_back_once(stack):
    s = shop()
    customer = buyer(s, quantities=(2,), points=5000)
    coupon = platform_coupon(customer)
    placed = _place(stack, customer, coupon_ids=(coupon,), points=2000)
    payment_id = placed.payment.id
    assert stock(s) == (8, 2, 0) and get_account(customer.user_id).available == 3000

    execution = wait_execution("payment_window", payment_id, timeout=20)
    assert execution["status"] == "SUCCEEDED", execution
    assert json.loads(execution["output"]) == {"paymentId": payment_id, "outcome": "cancelled"}
    assert store.get_payment(payment_id).state is PaymentState.CANCELLED
    assert [o.state for o in store.orders_of(placed.payment)] == [OrderState.CANCELLED]
    assert stock(s) == (10, 0, 0)
    assert [c.id for c in usable_coupons(customer.user_id, utc_now())] == [coupon]
    assert get_account(customer.user_id).available == 5000

    # Lambda may deliver the insert again: no second timer, nothing given back twice.
    image = {"type": {"S": "Payment"}, "payment_id": {"S": payment_id}, "state": {"S": "AWAITING"},
             "pay_by": {"S": iso(placed.payment.pay_by)}}
    handle_record(DynamoDBRecord({"eventName": "INSERT", "dynamodb": {"NewImage": image}}))
    assert execution_names("payment_window") == [payment_id]
    assert stock(s) == (10, 0, 0) and get_account(customer.user_id).available == 5000


def test_a_capture_after_the_cancel_is_refunded_once_under_one_refund_id(stack):
    s = shop()
    customer = buyer(s, quantities=(1,))
    placed = _place(stack, customer, terms=CheckoutTerms())  # the window has not passed: the buyer cancels
    payment_id = placed.payment.id
    paying.cancel_by_buyer(customer, payment_id, utc_now())
    stack.payments.provider.process_next_refunds_slowly(1)  # PROCESSING first, SUCCESS when asked again

    assert _capture(stack, payment_id) == "late"
    assert _capture(stack, payment_id) == "duplicate"  # a redelivered notification
    refund = wait_execution("refund", f"{payment_id}-0")
    assert refund["status"] == "SUCCEEDED", refund
    assert history("refund", f"{payment_id}-0").count("LambdaFunctionScheduled") == 2  # PROCESSING, then SUCCESS
    (made,) = stack.payments.refunds_for(payment_id)
    assert (made.refund_id, made.amount, made.status.value) == (f"R{payment_id}", placed.payment.amount, "SUCCESS")
    paid_back = store.get_payment(payment_id)
    assert (paid_back.state, paid_back.captured, paid_back.refunded) == (
        PaymentState.REFUNDED, placed.payment.amount, placed.payment.amount)
    assert stock(s) == (10, 0, 0)  # the cancel gave the unit back; the refund takes nothing more
    assert execution_names("refund") == [f"{payment_id}-0"]


def test_a_refund_that_keeps_failing_waits_for_an_operator_whose_retry_refunds_once(stack):
    s = shop()
    customer = buyer(s, quantities=(1,))
    placed = _place(stack, customer, terms=CheckoutTerms())
    payment_id = placed.payment.id
    paying.cancel_by_buyer(customer, payment_id, utc_now())
    stack.payments.fail_refunds_forever()

    assert _capture(stack, payment_id) == "late"
    first = wait_execution("refund", f"{payment_id}-0")
    assert first["status"] == "SUCCEEDED", first  # the machine ends, leaving the payment to an operator
    assert history("refund", f"{payment_id}-0").count("LambdaFunctionScheduled") == 4 + 1  # 4 refunds, 1 mark
    failed = store.get_payment(payment_id)
    assert failed.state is PaymentState.REFUND_FAILED and failed.refund_error.startswith("PaymentError")
    assert [p.id for p in refunds.refund_failed_payments(OPERATOR, 10).items] == [payment_id]
    assert stack.payments.refunds_for(payment_id) == []

    stack.payments.fail_refunds_forever(False)
    assert refunds.retry_refund(OPERATOR, payment_id).refund_attempt == 1
    second = wait_execution("refund", f"{payment_id}-1")
    assert second["status"] == "SUCCEEDED", second
    done = store.get_payment(payment_id)
    assert (done.state, done.refunded, done.refund_error) == (PaymentState.REFUNDED, placed.payment.amount, None)
    assert refunds.refund_failed_payments(OPERATOR, 10).items == []
    assert [r.refund_id for r in stack.payments.refunds_for(payment_id)] == [f"R{payment_id}"]
    assert execution_names("refund") == [f"{payment_id}-0", f"{payment_id}-1"]


def test_when_the_buyer_and_a_friend_both_pay_the_second_capture_is_refunded_under_its_trade_number(stack):
    s = shop()
    customer = buyer(s, quantities=(1,))
    placed = _place(stack, customer, terms=CheckoutTerms())
    payment_id = placed.payment.id
    friend = Principal(new_id(), Role.CUSTOMER)
    code = sharing.share_payment(customer, payment_id, utc_now())
    sharing.pay_for_other(friend, code, stack.payments.provider, utc_now())
    trade_no = store.get_payment(payment_id).trade_of(friend.user_id)

    assert _capture(stack, payment_id) == "applied"  # the buyer first: the orders ship
    assert _capture(stack, trade_no) == "extra"  # the friend too: never kept
    assert _capture(stack, trade_no) == "extra"  # redelivered: still one refund
    extra_id = keys.EXTRA_CAPTURE_PREFIX + trade_no
    refund = wait_execution("refund", f"{extra_id}-0")
    assert refund["status"] == "SUCCEEDED", refund
    (made,) = stack.payments.refunds_for(trade_no)
    assert (made.refund_id, made.amount, made.status.value) == (f"R{trade_no}", placed.payment.amount, "SUCCESS")
    assert stack.payments.refunds_for(payment_id) == []  # the buyer's capture is kept
    assert store.get_payment(extra_id).state is PaymentState.REFUNDED
    paid = store.get_payment(payment_id)
    assert (paid.state, paid.trade_no, paid.payer_id) == (PaymentState.PAID, payment_id, customer.user_id)
    assert stock(s) == (9, 0, 1)
    assert execution_names("refund") == [f"{extra_id}-0"]
