"""Sale rounds through GraphQL, with graphql/operations/community_rounds.graphql as a client sends
it: opening, typed errors, a leader's listing by id or share code both ways, me.communityRoundsCreated,
cancelling, the node, and the exact DynamoDB requests of opening and of a listing page."""
from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from chalicelib.core.clock import iso, utc_now
from chalicelib.core.graphql.ids import from_global_id, to_global_id
from chalicelib.core.principal import Principal, Role
from tests.community.rounds_support import leader, product

OPERATIONS = (Path(__file__).parents[2] / "graphql" / "operations" / "community_rounds.graphql").read_text("utf-8")
CODE = "ABCDEFGHJKMNPQRS"


def _op(gql, name: str, variables: dict, token: str | None) -> dict:
    headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})}
    response = gql._client.http.post("/graphql", headers=headers, body=json.dumps(
        {"query": OPERATIONS, "operationName": name, "variables": variables}))
    assert response.status_code == 200, response.body
    answer = json.loads(response.body)
    assert "errors" not in answer, answer["errors"]
    return answer["data"]


def _merchant(gql, token) -> Principal:
    (user_id,) = from_global_id(gql("{ me { id } }", token=token)["data"]["me"]["id"], "User")
    return Principal(user_id, Role.MERCHANT)


def _leader_gid(n: int) -> str:
    return to_global_id("CommunityLeader", leader(n, code=CODE if n == 1 else None))


def _input(skus, leaders, *, price=800, hours=6) -> dict:
    cutoff = utc_now().replace(microsecond=0) + timedelta(hours=hours)
    return {"title": "周三水果团", "lines": [{"skuId": to_global_id("Sku", p, s), "price": price,
                                         "commissionRateBp": 1000, "perCustomerLimit": 3} for p, s in skus],
            "leaderIds": leaders, "cutoffAt": iso(cutoff), "pickupOn": (cutoff + timedelta(days=2)).date().isoformat()}


def _open(gql, token, skus, leaders, **fields) -> dict:
    return _op(gql, "OpenCommunityRound", {"input": _input(skus, leaders, **fields)}, token)["openCommunityRound"]


def _errors(payload) -> list[tuple[str, str]]:
    return [(e["code"], ".".join(e["field"] or [])) for e in payload["errors"]]


def _listed(gql, token, **variables) -> list[str]:
    found = _op(gql, "LeaderRounds", variables, token)["communityRounds"]
    return [edge["node"]["id"] for edge in found["edges"]]


def test_a_merchant_opens_a_round_a_customer_browses_it_by_leader_id_or_code(gql, merchant, customer):
    skus = product(_merchant(gql, merchant), price=1000)
    leaders = [_leader_gid(1), _leader_gid(2)]
    opened = _open(gql, merchant, skus, leaders)
    assert opened["errors"] == []
    card = opened["round"]
    assert card["state"] == "OPEN" and card["leadersServed"] == 2
    assert [(line["price"]["amount"], line["sku"]["price"]["amount"], line["perCustomerLimit"],
             line["commissionRateBp"]) for line in card["lines"]] == [(800, 1000, 3, 1000)] * 2
    assert _listed(gql, customer, leaderId=leaders[0]) == [card["id"]]
    assert _listed(gql, customer, leaderCode=CODE.lower()) == [card["id"]]
    assert _listed(gql, customer, leaderCode="0000000000000000") == []
    assert _listed(gql, None, leaderId=_leader_gid(3)) == []
    node = gql("query($id: ID!) { node(id: $id) { id ... on CommunityRound { title } } }", {"id": card["id"]},
               token=customer)["data"]["node"]
    assert node == {"id": card["id"], "title": "周三水果团"}
    mine = _op(gql, "MyCommunityRounds", {}, merchant)["me"]["communityRoundsCreated"]["edges"]
    assert [edge["node"]["id"] for edge in mine] == [card["id"]]


def test_typed_errors_and_nothing_opened(gql, merchant, operator, customer):
    skus = product(_merchant(gql, merchant), price=1000)
    assert _errors(_open(gql, customer, skus, [_leader_gid(1)])) == [("FORBIDDEN", "")]
    assert _errors(_open(gql, merchant, skus, [_leader_gid(1)], price=1001)) == [("INVALID", "lines.0.price")]
    assert _errors(_open(gql, merchant, skus, [_leader_gid(1)], hours=-1)) == [("INVALID", "cutoffAt")]
    pending = to_global_id("CommunityLeader", leader(4, "PENDING"))
    assert _errors(_open(gql, operator, skus, [pending])) == [("LEADER_NOT_APPROVED", "leaderIds.0")]
    assert _errors(_open(gql, merchant, skus, [_leader_gid(n) for n in range(51)])) == [
        ("INVALID", "leaderIds")]
    assert _op(gql, "MyCommunityRounds", {}, merchant)["me"]["communityRoundsCreated"]["edges"] == []


def test_the_listing_pages_both_ways_soonest_cutoff_first(gql, merchant, customer):
    skus = product(_merchant(gql, merchant))
    mine = _leader_gid(1)
    ids = [_open(gql, merchant, skus, [mine], hours=h)["round"]["id"] for h in (3, 1, 2)]
    soonest_first = [ids[1], ids[2], ids[0]]
    first = _op(gql, "LeaderRounds", {"leaderId": mine, "first": 2}, customer)["communityRounds"]
    after = _listed(gql, customer, leaderId=mine, first=2, after=first["pageInfo"]["endCursor"])
    assert [e["node"]["id"] for e in first["edges"]] + after == soonest_first
    last = _op(gql, "LeaderRounds", {"leaderId": mine, "last": 2}, customer)["communityRounds"]
    assert [e["node"]["id"] for e in last["edges"]] == soonest_first[1:] and last["pageInfo"]["hasPreviousPage"]
    assert _listed(gql, customer, leaderId=mine, last=2, before=last["pageInfo"]["startCursor"]) == soonest_first[:1]


def test_its_creator_or_an_operator_cancels_it(gql, merchant, operator, customer):
    skus = product(_merchant(gql, merchant))
    mine = _leader_gid(1)
    first, second = (_open(gql, merchant, skus, [mine])["round"]["id"] for _ in range(2))
    refused = _op(gql, "CancelCommunityRound", {"roundId": first}, customer)["cancelCommunityRound"]
    assert _errors(refused) == [("FORBIDDEN", "")]
    done = _op(gql, "CancelCommunityRound", {"roundId": first}, merchant)["cancelCommunityRound"]
    assert done == {"round": {"id": first, "state": "CANCELLED"}, "errors": []}
    again = _op(gql, "CancelCommunityRound", {"roundId": first}, operator)["cancelCommunityRound"]
    assert _errors(again) == [("COMMUNITY_ROUND_CLOSED", "roundId")]
    assert _op(gql, "CancelCommunityRound", {"roundId": second}, operator)["cancelCommunityRound"]["errors"] == []
    assert _listed(gql, customer, leaderId=mine) == []


def test_request_counts_of_opening_and_of_a_listing_page(gql, merchant, customer, emulator):
    skus = product(_merchant(gql, merchant))
    leaders = [_leader_gid(n) for n in range(10)]
    for count in (1, 10):
        emulator.clear_log()
        assert _open(gql, merchant, skus, leaders[:count])["errors"] == []
        # the caller's user; the SKUs, the leaders, the transaction; the answer's SKUs (products, then SKUs)
        assert emulator.dynamodb_counts() == {"GetItem": 1, "BatchGetItem": 2 + 2, "TransactWriteItems": 1}
    for _ in range(8):
        _open(gql, merchant, skus, leaders[:1])
    for leader_gid, count in ((leaders[1], 1), (leaders[0], 10)):
        emulator.clear_log()
        assert len(_listed(gql, customer, leaderId=leader_gid, first=20)) == count
        # the caller's user; the leader's state (a suspended leader's rounds are not shown); the page of the
        # leader's rounds, the rounds; their SKUs (products, then SKUs)
        assert emulator.dynamodb_counts() == {"GetItem": 1, "Query": 1, "BatchGetItem": 1 + 1 + 2}


def test_a_suspended_leader_s_rounds_are_not_listed_and_an_odd_code_lists_nothing(gql, merchant, customer):
    skus = product(_merchant(gql, merchant))
    mine = _leader_gid(1)
    assert _open(gql, merchant, skus, [mine])["errors"] == []
    assert len(_listed(gql, customer, leaderId=mine)) == 1
    leader(1, "SUSPENDED")  # an operator suspended them
    assert _listed(gql, customer, leaderId=mine) == []
    for code in ("X" * 5000, "lowercase-code!!"):
        assert _listed(gql, customer, leaderCode=code) == []
