"""After-sales through GraphQL as clients send it (graphql/operations/aftersales.graphql): who may do
what, typed errors with their field, exact DynamoDB requests per operation."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from chalicelib.aftersales import refunds
from chalicelib.checkout import paying, placing
from chalicelib.checkout.rules import CheckoutRequest
from chalicelib.core.clock import utc_now
from chalicelib.core.graphql.ids import from_global_id, to_global_id
from chalicelib.core.ids import new_id
from chalicelib.core.principal import Principal, Role
from chalicelib.orders.store import get_order
from tests.aftersales.support import move_order
from tests.checkout.orders_support import RECIPIENT, signed_in
from tests.checkout.support import PAYMENTS, shop
from tests.conftest import demo_token

OPERATIONS = (Path(__file__).parents[2] / "graphql" / "operations" / "aftersales.graphql").read_text(encoding="utf-8")


def op(gql, name: str, variables: dict, token: str | None) -> dict:
    headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})}
    response = gql._client.http.post("/graphql", headers=headers, body=json.dumps(
        {"query": OPERATIONS, "operationName": name, "variables": variables}))
    assert response.status_code == 200, response.body
    return json.loads(response.body)


@pytest.fixture
def story(gql):
    """A merchant with a token and a product; a customer who bought 2 units of it, paid."""
    merchant_token = demo_token(gql, "mei", "MERCHANT")
    (merchant_id,) = from_global_id(gql("{ me { id } }", token=merchant_token)["data"]["me"]["id"], "User")
    s = shop(price=2000, merchant=Principal(merchant_id, Role.MERCHANT))
    token, customer = signed_in(gql, "alice", s, quantities=(2,))
    placed = placing.place_order(customer, CheckoutRequest(coupon_ids=()), new_id(), PAYMENTS, "openid-x", utc_now())
    headers, body = PAYMENTS.simulate_capture(placed.payment.id)
    assert paying.apply_payment_event(PAYMENTS.parse_notification(headers, body), utc_now()) == "applied"
    order = get_order(placed.orders[0].id)
    return {"merchant": merchant_token, "customer": token, "order": order, "shop": s}


def _ask(gql, story, **overrides) -> dict:
    order = story["order"]
    body = {"orderId": to_global_id("Order", order.id), "kind": "REFUND_ONLY", "reason": "NO_REASON",
            "lines": [{"skuId": to_global_id("Sku", order.lines[0].product_id, order.lines[0].sku_id),
                       "quantity": 1}], **overrides}
    return op(gql, "RequestAfterSales", {"input": body}, story["customer"])["data"]["requestAfterSales"]


def test_a_customer_asks_the_merchant_approves_and_the_refund_lands(gql, story, emulator):
    emulator.clear_log()
    asked = _ask(gql, story, description="买多了", photos=["https://img.tuanstack.cn/a.jpg"])
    assert asked["errors"] == []
    # The caller, the order, its lines' ledgers (one Query), one transaction; then the payload's
    # `lines { sku }` reads the product and its SKUs (two loaders' batches).
    assert emulator.dynamodb_counts() == {"GetItem": 2, "Query": 1, "TransactWriteItems": 1, "BatchGetItem": 2}
    request = asked["request"]
    order = story["order"]
    assert (request["state"], request["amount"]["amount"], request["lines"][0]["quantity"]) == (
        "AWAITING_DECISION", order.lines[0].total // 2, 1)

    listed = op(gql, "AfterSalesToDecide", {"first": 10}, story["merchant"])["data"]["me"]["afterSalesToDecide"]
    assert [e["node"]["id"] for e in listed["edges"]] == [request["id"]]
    # The merchant sees the order to decide on, with where it ships (their own order's address).
    assert listed["edges"][0]["node"]["order"]["shippingAddress"]["recipient"] == RECIPIENT
    other = demo_token(gql, "someone-else", "MERCHANT")
    refused = op(gql, "ApproveAfterSales", {"input": {"requestId": request["id"]}}, other)["data"]
    assert refused["approveAfterSales"]["errors"][0]["code"] == "NOT_FOUND"
    assert op(gql, "AfterSalesRequest", {"id": request["id"]}, other)["data"]["node"] is None

    approved = op(gql, "ApproveAfterSales", {"input": {"requestId": request["id"]}}, story["merchant"])["data"]
    assert approved["approveAfterSales"]["request"]["state"] == "REFUNDING"
    refunds.refund_request(from_global_id(request["id"], "AfterSalesRequest")[0], PAYMENTS, utc_now())
    mine = op(gql, "MyAfterSales", {"first": 5}, story["customer"])["data"]["me"]["afterSales"]["edges"]
    (node,) = [e["node"] for e in mine]
    assert node["state"] == "REFUNDED" and node["order"]["refunded"]["amount"] == request["amount"]["amount"]
    history = op(gql, "AfterSalesRequest", {"id": request["id"]}, story["customer"])["data"]["node"]["history"]
    assert [(h["action"], h["actor"], h["toState"]) for h in history] == [
        ("CREATED", "CUSTOMER", "AWAITING_DECISION"), ("APPROVED", "MERCHANT", "REFUNDING"),
        ("REFUNDED", "SYSTEM", "REFUNDED")]


@pytest.mark.parametrize(("overrides", "code", "field"), [
    ({"photos": ["http://img.tuanstack.cn/a.jpg"]}, "INVALID", ["photos", "0"]),
    ({"photos": ["https://router.lan/a.jpg"]}, "INVALID", ["photos", "0"]),
    ({"kind": "RETURN_AND_REFUND"}, "INVALID_STATE", ["kind"]),  # not shipped yet
    ({"lines": []}, "INVALID", ["lines"]),
    ({"orderId": to_global_id("Order", "01J00000000000000000000000")}, "NOT_FOUND", ["orderId"]),
    ({"orderId": "not-an-id"}, "INVALID_ID", ["orderId"]),
])
def test_bad_input_is_a_typed_error_naming_its_field(gql, story, overrides, code, field):
    refused = _ask(gql, story, **overrides)
    assert refused["request"] is None
    assert (refused["errors"][0]["code"], refused["errors"][0]["field"]) == (code, field)
    assert op(gql, "MyAfterSales", {"first": 5}, story["customer"])["data"]["me"]["afterSales"]["edges"] == []


def test_too_many_units_and_a_second_open_request_are_refused(gql, story):
    order = story["order"]
    sku = to_global_id("Sku", order.lines[0].product_id, order.lines[0].sku_id)
    assert _ask(gql, story, lines=[{"skuId": sku, "quantity": 3}])["errors"][0]["code"] == "NOTHING_LEFT_TO_REFUND"
    assert _ask(gql, story)["errors"] == []
    assert _ask(gql, story)["errors"][0]["code"] == "AFTER_SALES_IN_PROGRESS"


def test_another_customer_cannot_ask_on_the_order_nor_see_the_request(gql, story):
    made = _ask(gql, story)["request"]
    bob = demo_token(gql, "bob", "CUSTOMER")
    story_bob = {**story, "customer": bob}
    assert _ask(gql, story_bob)["errors"][0]["code"] == "NOT_FOUND"
    assert op(gql, "AfterSalesRequest", {"id": made["id"]}, bob)["data"]["node"] is None
    withdrawn = op(gql, "WithdrawAfterSales", {"input": {"requestId": made["id"]}}, bob)["data"]["withdrawAfterSales"]
    assert withdrawn["errors"][0]["code"] == "NOT_FOUND"


def test_a_rejected_request_escalated_and_refunded_by_an_operator(gql, story, operator):
    move_order(story["order"].id, "SHIPPED")
    made = _ask(gql, story, reason="NOT_RECEIVED")["request"]
    rejected = op(gql, "RejectAfterSales", {"input": {"requestId": made["id"], "reason": "已签收"}}, story["merchant"])
    assert rejected["data"]["rejectAfterSales"]["request"]["decisionReason"] == "已签收"
    escalated = op(gql, "EscalateAfterSales", {"input": {"requestId": made["id"], "reason": "没收到"}},
                   story["customer"])["data"]["escalateAfterSales"]["request"]
    assert escalated["state"] == "DISPUTED"
    queue = op(gql, "AfterSalesDisputes", {"first": 10}, operator)["data"]["afterSalesDisputes"]["edges"]
    assert [e["node"]["id"] for e in queue] == [made["id"]]
    assert op(gql, "AfterSalesDisputes", {"first": 10}, story["customer"])["errors"][0]["extensions"]["code"] == \
        "FORBIDDEN"
    decided = op(gql, "DecideDispute", {"input": {"requestId": made["id"], "decision": "REFUND",
                                                  "reason": "快递未妥投"}}, operator)["data"]["decideDispute"]
    assert decided["request"]["platformPays"] is True and decided["request"]["state"] == "REFUNDING"


def test_an_operator_compensates_an_order_with_a_coupon(gql, story, operator):
    body = {"orderId": to_global_id("Order", story["order"].id), "reason": "系统故障",
            "couponAmountOff": 500, "couponValidDays": 7, "idempotencyKey": "compensate-key-01"}
    made = op(gql, "CompensateOrder", {"input": body}, operator)["data"]["compensateOrder"]
    assert made["errors"] == [] and made["request"]["kind"] == "COMPENSATION"
    assert made["request"]["amount"]["amount"] == story["order"].total and made["request"]["couponId"]
    again = op(gql, "CompensateOrder", {"input": body}, operator)["data"]["compensateOrder"]
    assert again["request"]["id"] == made["request"]["id"]
    refused = op(gql, "CompensateOrder", {"input": {**body, "idempotencyKey": "compensate-key-02"}},
                 story["customer"])["data"]["compensateOrder"]
    assert refused["errors"][0]["code"] == "FORBIDDEN"


def test_a_page_of_requests_reads_their_orders_in_one_batch(gql, story, emulator):
    order = story["order"]
    sku = to_global_id("Sku", order.lines[0].product_id, order.lines[0].sku_id)
    first = _ask(gql, story, lines=[{"skuId": sku, "quantity": 1}])["request"]
    op(gql, "WithdrawAfterSales", {"input": {"requestId": first["id"]}}, story["customer"])
    _ask(gql, story, lines=[{"skuId": sku, "quantity": 1}])
    emulator.clear_log()
    edges = op(gql, "MyAfterSales", {"first": 5}, story["customer"])["data"]["me"]["afterSales"]["edges"]
    assert len(edges) == 2 and all(e["node"]["order"]["id"] for e in edges)
    # The caller, one Query of the requests, one batch of their orders, the SKUs' product and SKUs.
    assert emulator.dynamodb_counts() == {"GetItem": 1, "Query": 1, "BatchGetItem": 3}


def test_the_merchant_sees_which_units_of_a_line_were_refunded_before_shipping(gql, story):
    from tests.fulfilment.support import fop

    made = _ask(gql, story)["request"]
    op(gql, "ApproveAfterSales", {"input": {"requestId": made["id"]}}, story["merchant"])
    refunds.refund_request(from_global_id(made["id"], "AfterSalesRequest")[0], PAYMENTS, utc_now())
    orders = fop(gql, "SalesOrders", {"first": 5}, story["merchant"])["data"]["me"]["salesOrders"]["edges"]
    (line,) = orders[0]["node"]["lines"]
    assert (line["quantity"], line["refundedQuantity"]) == (2, 1)  # ship the other one
