"""Commissions through GraphQL: the example operations of graphql/operations/commissions.graphql."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from chalicelib.adapters.payments.factory import payment_provider_for
from chalicelib.core.graphql.ids import from_global_id
from chalicelib.core.settings import settings
from tests.commissions.helpers import settled
from tests.conftest import demo_token

OPERATIONS = (Path(__file__).parents[2] / "graphql" / "operations" / "commissions.graphql").read_text()


def _run(gql, name: str, variables: dict, token: str) -> dict:
    """One operation of the example file, by name; a GraphQL error fails the test."""
    response = gql._client.http.post(
        "/graphql", headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
        body=json.dumps({"query": OPERATIONS, "operationName": name, "variables": variables}))
    body = json.loads(response.body)
    assert response.status_code == 200 and "errors" not in body, body
    return body["data"]


@pytest.fixture
def lily(gql) -> tuple[str, str]:
    token = demo_token(gql, "lily", "CUSTOMER")
    (user_id,) = from_global_id(gql("{ me { id } }", token=token)["data"]["me"]["id"], "User")
    settled(user_id, 500)
    return token, user_id


def test_a_beneficiary_sees_totals_entries_and_withdraws(gql, lily, emulator):
    token, _ = lily
    emulator.clear_log()
    mine = _run(gql, "MyCommissions", {"first": 20}, token)["me"]["commissions"]
    assert [mine[k]["amount"] for k in ("pending", "available", "withdrawing", "paidOut")] == [0, 500, 0, 0]
    (edge,) = mine["entries"]["edges"]
    assert (edge["node"]["kind"], edge["node"]["state"], edge["node"]["amount"]["amount"]) == ("LEADER", "SETTLED", 500)
    # the caller's user, the account, a page of entries, a page of withdrawals
    assert emulator.dynamodb_operations() == ["GetItem", "GetItem", "Query", "Query"]

    done = _run(gql, "RequestCommissionWithdrawal", {"input": {"amount": 200, "idempotencyKey": "gql-withdraw-1"}},
                token)["requestCommissionWithdrawal"]
    assert done["errors"] == [] and done["withdrawal"]["state"] == "PAID"
    assert (done["account"]["available"]["amount"], done["account"]["paidOut"]["amount"]) == (300, 200)


@pytest.mark.parametrize("amount, code", [(301, "NOT_ENOUGH_COMMISSION"), (99, "INVALID")])
def test_refusals_are_typed_and_change_nothing(gql, lily, amount, code):
    token, _ = lily
    _run(gql, "RequestCommissionWithdrawal", {"input": {"amount": 200, "idempotencyKey": "gql-withdraw-1"}}, token)
    refused = _run(gql, "RequestCommissionWithdrawal", {"input": {"amount": amount, "idempotencyKey": "gql-2-key"}},
                   token)["requestCommissionWithdrawal"]
    assert [(e["code"], e["field"]) for e in refused["errors"]] == [(code, ["amount"])] and refused["withdrawal"] is None
    mine = _run(gql, "MyCommissions", {}, token)["me"]["commissions"]
    assert mine["available"]["amount"] == 300


def test_operators_see_failed_withdrawals_and_retry_one(gql, lily, operator):
    token, _ = lily
    payments = payment_provider_for(settings())
    payments.refuse_next_transfers(1, "ACCOUNT_FROZEN")
    failed = _run(gql, "RequestCommissionWithdrawal", {"input": {"amount": 100, "idempotencyKey": "gql-fails-1"}},
                  token)["requestCommissionWithdrawal"]["withdrawal"]
    assert (failed["state"], failed["failure"]) == ("FAILED", "ACCOUNT_FROZEN")
    refused = gql("query { failedCommissionWithdrawals { edges { node { id } } } }", token=token)
    assert [e["extensions"]["code"] for e in refused["errors"]] == ["FORBIDDEN"]
    queue = _run(gql, "FailedCommissionWithdrawals", {"first": 10}, operator)["failedCommissionWithdrawals"]
    assert [e["node"]["id"] for e in queue["edges"]] == [failed["id"]]
    retried = _run(gql, "RetryCommissionWithdrawal", {"input": {"withdrawalId": failed["id"]}},
                   operator)["retryCommissionWithdrawal"]
    assert (retried["errors"], retried["withdrawal"]["state"], retried["withdrawal"]["attempt"]) == ([], "PAID", 2)
    again = _run(gql, "RetryCommissionWithdrawal", {"input": {"withdrawalId": failed["id"]}},
                 operator)["retryCommissionWithdrawal"]
    assert [e["code"] for e in again["errors"]] == ["INVALID_STATE"]
    assert _run(gql, "FailedCommissionWithdrawals", {}, operator)["failedCommissionWithdrawals"]["edges"] == []


def test_entries_page_both_ways_newest_order_first(gql, lily):
    from chalicelib.commissions.published import Kind, accrue
    from tests.commissions.helpers import NOW, ORDER

    token, user_id = lily
    newer = "01J0000000000000000ORDERZZ"
    accrue(user_id, Kind.DISTRIBUTOR, newer, [(1, 1_000, 500)], NOW, NOW)
    query = "query($l: Int, $f: Int) { me { commissions { entries(first: $f, last: $l) { edges { node { id orderId } } } } } }"
    from chalicelib.core.graphql.ids import to_global_id

    first = gql(query, {"f": 2}, token=token)["data"]["me"]["commissions"]["entries"]["edges"]
    assert [e["node"]["orderId"] for e in first] == [to_global_id("Order", newer), to_global_id("Order", ORDER)]
    last = gql(query, {"l": 1}, token=token)["data"]["me"]["commissions"]["entries"]["edges"]
    assert [e["node"]["orderId"] for e in last] == [to_global_id("Order", ORDER)]
