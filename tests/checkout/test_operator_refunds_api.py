"""Operators see checkout refunds that failed and run them again, through GraphQL."""
from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from chalicelib.checkout import paying, refunds, store
from chalicelib.checkout.rules import PaymentState
from tests.checkout.support import captured, shop
from tests.checkout.test_placing import buyer, place

OPERATIONS = (Path(__file__).parents[2] / "graphql" / "operations" / "checkout.graphql").read_text(encoding="utf-8")


def op(gql, name, variables, token):
    response = gql._client.http.post("/graphql", headers={"Content-Type": "application/json",
                                                          "Authorization": f"Bearer {token}"},
                                     body=json.dumps({"query": OPERATIONS, "operationName": name,
                                                      "variables": variables}))
    return json.loads(response.body)


def _failed_refund() -> str:
    s = shop()
    placed = place(buyer(s, quantities=(1,)), coupon_ids=())
    after = placed.payment.pay_by + timedelta(seconds=1)
    assert paying.apply_payment_event(captured(placed.payment.id, placed.payment.amount, after), after) == "late"
    refunds.mark_refund_failed(placed.payment.id, "provider said NOT_ENOUGH")
    return placed.payment.id


def test_an_operator_lists_a_failed_refund_and_retries_it(gql, operator, customer):
    payment_id = _failed_refund()
    listed = op(gql, "RefundFailedPayments", {"first": 10}, operator)["data"]["refundFailedPayments"]["edges"]
    (node,) = [e["node"] for e in listed]
    assert (node["reference"], node["outTradeNo"], node["error"], node["retries"]) == (
        payment_id, payment_id, "provider said NOT_ENOUGH", 0)
    assert node["amount"]["amount"] == store.get_payment(payment_id).captured
    retried = op(gql, "RetryPaymentRefund", {"reference": payment_id}, operator)["data"]["retryPaymentRefund"]
    assert retried["errors"] == [] and retried["refund"]["retries"] == 1
    assert store.get_payment(payment_id).state is PaymentState.REFUNDING
    again = op(gql, "RetryPaymentRefund", {"reference": payment_id}, operator)["data"]["retryPaymentRefund"]
    assert [e["code"] for e in again["errors"]] == ["INVALID_STATE"]  # running already: not twice


def test_customers_may_not_see_or_retry_refunds(gql, customer):
    payment_id = _failed_refund()
    listed = op(gql, "RefundFailedPayments", {"first": 10}, customer)
    assert listed["data"]["refundFailedPayments"] is None
    assert listed["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    retried = op(gql, "RetryPaymentRefund", {"reference": payment_id}, customer)["data"]["retryPaymentRefund"]
    assert [e["code"] for e in retried["errors"]] == ["FORBIDDEN"]
    assert store.get_payment(payment_id).state is PaymentState.REFUND_FAILED
