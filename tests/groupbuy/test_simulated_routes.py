"""The local-only routes of the SIMULATED payment provider: a capture of an order
that does not exist is a JSON 4xx that changes nothing, and refund faults can be
set over HTTP (the refund failure stories without Python)."""
from __future__ import annotations

import json

import pytest

from chalicelib.adapters.payments import PaymentError, RefundRequest, RefundStatus
from chalicelib.adapters.payments.factory import payment_provider_for
from chalicelib.core.graphql.ids import from_global_id, to_global_id
from chalicelib.core.settings import settings
from tests.conftest import demo_token
from tests.groupbuy.ops import OPEN_TEAM
from tests.groupbuy.test_api import deal  # noqa: F401 - the fixture


def _post(client, path: str, body) -> tuple[int, dict]:
    response = client.http.post(path, headers={"Content-Type": "application/json"},
                                body=body if isinstance(body, str) else json.dumps(body))
    return response.status_code, json.loads(response.body)


@pytest.fixture
def provider():
    simulation = payment_provider_for(settings())
    yield simulation
    simulation.clear_refund_faults()


@pytest.mark.parametrize("order_id", [
    "01JNOSUCHORDER0000000000000",            # a raw id nobody issued
    to_global_id("Order", "01JNOSUCHORDER0000000000000"),
    "not an id at all",
    "x" * 5000,
    "",
])
def test_capturing_an_unknown_or_malformed_order_is_not_found(client, provider, order_id):
    status, body = _post(client, "/payments/simulated/capture", {"orderId": order_id})
    assert (status, body["code"]) == (404, "NOT_FOUND")
    assert provider.query_payment(order_id) is None  # nothing was captured or created


@pytest.mark.parametrize("body", [{}, {"orderId": 12}, [1, 2], "null"])
def test_a_capture_without_an_order_id_is_refused(client, body):
    status, answer = _post(client, "/payments/simulated/capture", body)
    assert status == 400 and answer["code"] == "INVALID"


def test_capturing_a_seat_whose_payment_was_never_created_says_so(client, gql, deal, provider):
    alice = demo_token(gql, "alice", "CUSTOMER")
    order = gql(OPEN_TEAM, {"dealId": deal["id"], "skuId": deal["sku"]}, token=alice)["data"]["openTeam"]["order"]
    provider.reset()  # as if the provider had been unreachable when the seat was taken
    status, body = _post(client, "/payments/simulated/capture", {"orderId": order["id"]})
    assert (status, body["code"]) == (409, "INVALID_STATE") and "payOrder" in body["message"]


def _refund(order_id: str) -> RefundRequest:
    return RefundRequest(order_id=order_id, refund_id=f"R{order_id}", amount=1990, total=1990, currency="CNY",
                         reason="test")


def test_refund_faults_are_set_over_http_and_cleared(client, gql, deal, provider):
    alice = demo_token(gql, "alice", "CUSTOMER")
    order = gql(OPEN_TEAM, {"dealId": deal["id"], "skuId": deal["sku"]}, token=alice)["data"]["openTeam"]["order"]
    assert _post(client, "/payments/simulated/capture", {"orderId": order["id"]})[1]["message"] == "applied"
    (raw_id,) = from_global_id(order["id"], "Order", "orderId")
    request = _refund(raw_id)

    assert _post(client, "/payments/simulated/refund-faults", {"fault": "FAIL", "count": 2}) == (
        200, {"code": "SUCCESS", "message": "FAIL x2"})
    for _ in range(2):
        with pytest.raises(PaymentError):
            provider.refund(request)
    assert _post(client, "/payments/simulated/refund-faults", {"fault": "FAIL_FOREVER"})[0] == 200
    for _ in range(3):
        with pytest.raises(PaymentError):
            provider.refund(request)
    assert provider.refunds_for(raw_id) == []
    assert _post(client, "/payments/simulated/refund-faults", {"fault": "PROCESSING"})[0] == 200
    assert provider.refund(request).status is RefundStatus.PROCESSING
    assert provider.refund(request).status is RefundStatus.SUCCESS  # asked again: done, once
    assert _post(client, "/payments/simulated/refund-faults", {"fault": "NONE"})[0] == 200
    assert provider.refund(request).status is RefundStatus.SUCCESS
    assert len(provider.refunds_for(raw_id)) == 1


def test_a_timed_out_refund_that_was_applied_is_found_on_retry(client, gql, deal, provider):
    alice = demo_token(gql, "alice", "CUSTOMER")
    order = gql(OPEN_TEAM, {"dealId": deal["id"], "skuId": deal["sku"]}, token=alice)["data"]["openTeam"]["order"]
    _post(client, "/payments/simulated/capture", {"orderId": order["id"]})
    (raw_id,) = from_global_id(order["id"], "Order", "orderId")
    assert _post(client, "/payments/simulated/refund-faults", {"fault": "TIME_OUT_APPLIED", "count": 1})[0] == 200
    with pytest.raises(PaymentError, match="timeout"):
        provider.refund(_refund(raw_id))
    assert [r.status for r in provider.refunds_for(raw_id)] == [RefundStatus.SUCCESS]
    assert provider.refund(_refund(raw_id)).status is RefundStatus.SUCCESS


@pytest.mark.parametrize("body", [{"fault": "EXPLODE"}, {}, {"fault": "FAIL", "count": 0},
                                  {"fault": "FAIL", "count": 101}, {"fault": "FAIL", "count": "3"},
                                  {"fault": "FAIL", "count": True}])
def test_a_bad_refund_fault_is_refused_and_changes_nothing(client, provider, body):
    provider.fail_next_refunds(0)
    status, answer = _post(client, "/payments/simulated/refund-faults", body)
    assert status == 400 and answer["code"] == "INVALID"
    assert provider._fail_next == 0 and not provider._fail_forever
