"""Pick lists through GraphQL, with graphql/operations/community_rounds.graphql as a client sends it: the leader
reads their own, an operator any leader's, anyone else NOT_FOUND; paging; the DynamoDB requests of a page."""
from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from chalicelib.checkout import paying
from chalicelib.community import closing, leaders
from chalicelib.community.rules import LeaderAction
from chalicelib.core.clock import utc_now
from chalicelib.core.graphql.ids import from_global_id, to_global_id
from chalicelib.core.principal import Principal, Role
from tests.checkout.support import captured
from tests.community import leader_support
from tests.community.pickup_support import customer, leader, open_round, pickup_request, place, stocked
from tests.conftest import demo_token

OPERATIONS = (Path(__file__).parents[2] / "graphql" / "operations" / "community_rounds.graphql").read_text("utf-8")


def _post(gql, variables: dict, token: str) -> dict:
    response = gql._client.http.post("/graphql", headers={"Content-Type": "application/json",
                                                          "Authorization": f"Bearer {token}"},
                                     body=json.dumps({"query": OPERATIONS, "operationName": "CommunityPickList",
                                                      "variables": variables}))
    assert response.status_code == 200, response.body
    return json.loads(response.body)


def _leader(gql) -> tuple[str, str]:
    """A customer who applied as a leader and was approved: (token, leader id)."""
    token = demo_token(gql, "lily", "CUSTOMER")
    (user_id,) = from_global_id(gql("{ me { id } }", token=token)["data"]["me"]["id"], "User")
    leaders.apply(Principal(user_id, Role.CUSTOMER), leader_support.application(1), leader_support.NOW)
    leaders.decide(leader_support.OPERATOR, user_id, LeaderAction.APPROVE, None,
                   leader_support.NOW + timedelta(minutes=1))
    return token, user_id


def test_the_leader_and_an_operator_read_a_pick_list_a_page_at_a_time_others_do_not(gql, emulator, operator,
                                                                                      customer):
    token, leader_id = _leader(gql)
    s, now = stocked(), utc_now()
    sold = open_round(s, [leader_id], limit=None, now=now, cutoff=now.replace(microsecond=0) + timedelta(hours=2))
    order_ids = []
    for quantities in ((2, 1), (1,), (3, 2)):
        placed = place(customer_principal(), pickup_request(sold.id, s, *quantities, leader_id=leader_id), now)
        paying.apply_payment_event(captured(placed.payment.id, placed.payment.amount, now), now)
        order_ids.append(to_global_id("Order", placed.orders[0].id))
    variables = {"roundId": to_global_id("CommunityRound", sold.id),
                 "leaderId": to_global_id("CommunityLeader", leader_id), "first": 2}
    emulator.clear_log()
    first = _post(gql, variables, token)["data"]["communityPickList"]
    # GetItem: the caller's account, the round; Query: the lines, the page; BatchGetItem: the page's orders, and
    # the catalog's two for the SKUs the operation shows.
    assert emulator.dynamodb_counts() == {"GetItem": 2, "Query": 2, "BatchGetItem": 3}
    assert first["round"]["id"] == variables["roundId"] and first["leaderId"] == variables["leaderId"]
    assert [(line["skuId"], line["units"]) for line in first["lines"]] == [
        (to_global_id("Sku", s.product_id, s.sku_ids[0]), 6), (to_global_id("Sku", s.product_id, s.sku_ids[1]), 3)]
    page = first["orders"]
    by_id = sorted(order_ids, key=lambda gid: from_global_id(gid, "Order")[0])  # oldest id first (not the base64)
    assert [e["node"]["orderId"] for e in page["edges"]] == by_id[:2] and page["pageInfo"]["hasNextPage"]
    assert {e["node"]["state"] for e in page["edges"]} == {"TO_SHIP"}
    rest = _post(gql, {**variables, "after": page["pageInfo"]["endCursor"]}, operator)["data"]["communityPickList"]
    assert [e["node"]["orderId"] for e in rest["orders"]["edges"]] == by_id[2:]
    refused = _post(gql, variables, customer)
    assert refused["data"]["communityPickList"] is None
    assert refused["errors"][0]["extensions"]["code"] == "NOT_FOUND"


def customer_principal() -> Principal:
    return customer()


def _gql_op(gql, name: str, variables: dict, token: str) -> dict:
    response = gql._client.http.post("/graphql", headers={"Content-Type": "application/json",
                                                          "Authorization": f"Bearer {token}"},
                                     body=json.dumps({"query": OPERATIONS, "operationName": name,
                                                      "variables": variables}))
    assert response.status_code == 200, response.body
    return json.loads(response.body)


def test_an_operator_lists_a_closed_round_s_batches_and_marks_one_delivered_once(gql, operator, customer):
    s, earlier = stocked(), utc_now() - timedelta(hours=2)
    mine = leader()
    sold = open_round(s, [mine], now=earlier, cutoff=earlier.replace(microsecond=0) + timedelta(hours=1))
    ids = {"roundId": to_global_id("CommunityRound", sold.id), "leaderId": to_global_id("CommunityLeader", mine)}
    not_served = {**ids, "leaderId": to_global_id("CommunityLeader", leader(2))}
    early = _gql_op(gql, "MarkCommunityBatchDelivered", not_served, operator)["data"]["markCommunityBatchDelivered"]
    assert [(e["code"], e["field"]) for e in early["errors"]] == [("NOT_FOUND", ["leaderId"])]  # not its leader
    assert closing.close_round(sold.id, utc_now()) == "closed"
    (listed,) = _gql_op(gql, "CommunityRoundBatches", {"roundId": ids["roundId"]}, operator)["data"][
        "communityRoundBatches"]
    assert (listed["roundId"], listed["leaderId"], listed["state"], listed["units"], listed["ordersCount"],
            listed["deliveredAt"]) == (ids["roundId"], ids["leaderId"], "AWAITING_DELIVERY", 0, 0, None)
    refused = _gql_op(gql, "MarkCommunityBatchDelivered", ids, customer)["data"]["markCommunityBatchDelivered"]
    assert [e["code"] for e in refused["errors"]] == ["FORBIDDEN"] and refused["batch"] is None
    done = _gql_op(gql, "MarkCommunityBatchDelivered", ids, operator)["data"]["markCommunityBatchDelivered"]
    assert done["errors"] == [] and done["batch"]["state"] == "DELIVERED" and done["batch"]["deliveredAt"]
    again = _gql_op(gql, "MarkCommunityBatchDelivered", ids, operator)["data"]["markCommunityBatchDelivered"]
    assert again == done
