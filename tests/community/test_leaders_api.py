"""Community leaders through GraphQL as clients send it (graphql/operations/community.graphql): who may do what,
who sees the contact mobile, typed errors with their field, and the DynamoDB requests of each operation."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from chalicelib.core.graphql.ids import from_global_id, to_global_id
from tests.conftest import demo_token

OPERATIONS = (Path(__file__).parents[2] / "graphql" / "operations" / "community.graphql").read_text(encoding="utf-8")
POINT = {"displayName": "王姐", "pointName": "幸福里便利店", "provinceCode": "440000", "cityCode": "440300",
         "districtCode": "440305", "detail": "科技园测试路1号底商", "openingHours": "08:00-20:00",
         "location": {"latitude": "22.543096", "longitudeMicro": 113934201}, "contactMobile": "+86 138 0000 0001"}


def op(gql, name: str, variables: dict, token: str | None) -> dict:
    headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})}
    response = gql._client.http.post("/graphql", headers=headers, body=json.dumps(
        {"query": OPERATIONS, "operationName": name, "variables": variables}))
    assert response.status_code == 200, response.body
    return json.loads(response.body)


@pytest.fixture
def people(gql):
    return {"alice": demo_token(gql, "alice", "CUSTOMER"), "bob": demo_token(gql, "bob", "CUSTOMER"),
            "olga": demo_token(gql, "olga", "OPERATOR")}


def _user_id(gql, token: str) -> str:
    return from_global_id(gql("{ me { id } }", token=token)["data"]["me"]["id"], "User")[0]


def _apply(gql, token: str, **changes) -> dict:
    return op(gql, "LeaderApply", {"input": {**POINT, **changes}}, token)["data"]["applyAsLeader"]


def _approved(gql, people) -> dict:
    applied = _apply(gql, people["alice"])
    assert applied["errors"] == []
    approved = op(gql, "LeaderApprove", {"leaderId": applied["leader"]["id"]}, people["olga"])["data"]
    assert approved["approveLeader"]["errors"] == []
    return approved["approveLeader"]["leader"]


def test_a_customer_applies_an_operator_approves_and_anyone_reads_the_point_without_the_mobile(gql, people):
    applied = _apply(gql, people["alice"])
    leader = applied["leader"]
    assert applied["errors"] == [] and leader["state"] == "PENDING" and leader["code"] is None
    assert leader["id"] == to_global_id("CommunityLeader", _user_id(gql, people["alice"]))
    assert leader["contactMobile"] == "13800000001"  # the applicant sees it
    assert leader["location"] == {"latitudeMicro": 22543096, "longitudeMicro": 113934201,
                                  "latitude": "22.543096", "longitude": "113.934201"}
    queue = op(gql, "LeaderApplications", {}, people["olga"])["data"]["communityLeaderApplications"]
    assert [e["node"]["id"] for e in queue["edges"]] == [leader["id"]]
    assert queue["edges"][0]["node"]["contactMobile"] == "13800000001"  # operators see it
    approved = op(gql, "LeaderApprove", {"leaderId": leader["id"]}, people["olga"])["data"]["approveLeader"]
    code = approved["leader"]["code"]
    assert approved["leader"]["state"] == "APPROVED" and len(code) == 16
    for token in (people["bob"], None):
        public = op(gql, "LeaderByCode", {"code": code}, token)["data"]["communityLeaderByCode"]
        assert public["pointName"] == "幸福里便利店" and public["detail"] == "科技园测试路1号底商"
        assert public["contactMobile"] is None and public["history"] is None and public["decisionReason"] is None
        listed = op(gql, "LeadersOfDistrict", {"districtCode": "440305"}, token)["data"]["communityLeaders"]
        assert [e["node"]["id"] for e in listed["edges"]] == [leader["id"]]
        assert listed["edges"][0]["node"]["contactMobile"] is None
        node = gql("query($id: ID!) { node(id: $id) { id ... on CommunityLeader { contactMobile } } }",
                   {"id": leader["id"]}, token=token)["data"]["node"]
        assert node == {"id": leader["id"], "contactMobile": None}
    mine = op(gql, "LeaderLeadership", {}, people["alice"])["data"]["me"]["leadership"]
    assert mine["contactMobile"] == "13800000001"
    assert [(s["action"], s["toState"]) for s in mine["history"]] == [("APPLIED", "PENDING"),
                                                                      ("APPROVED", "APPROVED")]


def test_a_customer_cannot_approve_nor_read_the_queue_and_nothing_changes(gql, people):
    leader = _apply(gql, people["alice"])["leader"]
    refused = op(gql, "LeaderApprove", {"leaderId": leader["id"]}, people["bob"])["data"]["approveLeader"]
    assert refused["leader"] is None and [e["code"] for e in refused["errors"]] == ["FORBIDDEN"]
    queue = op(gql, "LeaderApplications", {}, people["bob"])
    assert queue["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert op(gql, "LeaderLeadership", {}, people["alice"])["data"]["me"]["leadership"]["state"] == "PENDING"
    # another customer sees nothing of a pending application
    assert gql("query($id: ID!) { node(id: $id) { id } }", {"id": leader["id"]},
               token=people["bob"])["data"]["node"] is None
    assert op(gql, "LeaderLeadership", {}, people["bob"])["data"]["me"]["leadership"] is None


def test_bad_input_is_a_typed_error_with_its_field(gql, people):
    cases = [({"openingHours": "20:00-08:00"}, ["openingHours"]),
             ({"contactMobile": "12345"}, ["contactMobile"]),
             ({"districtCode": "440405"}, ["districtCode"]),
             ({"pointName": "店\u202e"}, ["pointName"]),
             ({"location": {"latitude": "22.5", "latitudeMicro": 1, "longitude": "113"}}, ["location", "latitude"]),
             ({"location": {"latitude": "22.5430961", "longitude": "113"}}, ["location", "latitude"])]
    for changes, field in cases:
        refused = _apply(gql, people["alice"], **changes)
        assert refused["leader"] is None and [(e["code"], e["field"]) for e in refused["errors"]] == [
            ("INVALID", field)], changes
    assert op(gql, "LeaderLeadership", {}, people["alice"])["data"]["me"]["leadership"] is None


def test_reapplying_rules_and_rejection_reason_through_the_api(gql, people):
    leader = _apply(gql, people["alice"])["leader"]
    assert [e["code"] for e in _apply(gql, people["alice"])["errors"]] == ["APPLICATION_PENDING"]
    rejected = op(gql, "LeaderReject", {"leaderId": leader["id"], "reason": "地址不清楚"}, people["olga"])
    assert rejected["data"]["rejectLeader"]["leader"]["decisionReason"] == "地址不清楚"
    again = _apply(gql, people["alice"], detail="科技园测试路2号")
    assert again["errors"] == [] and again["leader"]["state"] == "PENDING"
    op(gql, "LeaderApprove", {"leaderId": leader["id"]}, people["olga"])
    assert [e["code"] for e in _apply(gql, people["alice"])["errors"]] == ["ALREADY_A_LEADER"]
    twice = op(gql, "LeaderApprove", {"leaderId": leader["id"]}, people["olga"])["data"]["approveLeader"]
    assert [e["code"] for e in twice["errors"]] == ["INVALID_STATE"]


def test_choosing_a_leader_and_a_suspended_one_reads_as_none_and_is_not_listed_nor_choosable(gql, people):
    leader = _approved(gql, people)
    assert op(gql, "LeaderMine", {}, people["bob"])["data"]["me"]["communityLeader"] is None
    chosen = op(gql, "LeaderChoose", {"code": leader["code"]}, people["bob"])["data"]["chooseCommunityLeader"]
    assert chosen["errors"] == [] and chosen["leader"]["id"] == leader["id"]
    assert chosen["leader"]["contactMobile"] is None  # the customer is not the leader
    assert op(gql, "LeaderMine", {}, people["bob"])["data"]["me"]["communityLeader"]["id"] == leader["id"]
    suspended = op(gql, "LeaderSuspend", {"leaderId": leader["id"], "reason": "投诉"}, people["olga"])
    assert suspended["data"]["suspendLeader"]["leader"]["state"] == "SUSPENDED"
    assert op(gql, "LeaderMine", {}, people["bob"])["data"]["me"]["communityLeader"] is None
    listed = op(gql, "LeadersOfDistrict", {"districtCode": "440305"}, None)["data"]["communityLeaders"]
    assert listed["edges"] == []
    refused = op(gql, "LeaderChoose", {"leaderId": leader["id"]}, people["bob"])["data"]["chooseCommunityLeader"]
    assert [(e["code"], e["field"]) for e in refused["errors"]] == [("LEADER_NOT_APPROVED", ["leaderId"])]
    op(gql, "LeaderReinstate", {"leaderId": leader["id"]}, people["olga"])
    assert op(gql, "LeaderMine", {}, people["bob"])["data"]["me"]["communityLeader"]["id"] == leader["id"]


def test_request_counts_of_the_operations(gql, people, emulator):
    emulator.clear_log()
    leader = _apply(gql, people["alice"])["leader"]
    # the caller's GetItem, then the service's GetItem, PutItem and the leader as stored
    assert emulator.dynamodb_operations() == ["GetItem", "GetItem", "PutItem", "GetItem"]
    emulator.clear_log()
    code = op(gql, "LeaderApprove", {"leaderId": leader["id"]}, people["olga"])["data"]["approveLeader"]["leader"][
        "code"]
    assert emulator.dynamodb_operations() == ["GetItem", "GetItem", "TransactWriteItems", "GetItem"]
    emulator.clear_log()
    op(gql, "LeaderChoose", {"code": code}, people["bob"])
    assert emulator.dynamodb_operations() == ["GetItem", "GetItem", "GetItem", "TransactWriteItems"]
    emulator.clear_log()
    op(gql, "LeaderMine", {}, people["bob"])
    assert emulator.dynamodb_operations() == ["GetItem", "GetItem", "GetItem"]
    emulator.clear_log()
    op(gql, "LeadersOfDistrict", {"districtCode": "440305"}, None)
    assert emulator.dynamodb_operations() == ["Query"]
