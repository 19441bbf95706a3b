"""Referral through the API: sign up through an invite code, me.inviteCode, a page of me.referrals (exact
requests, the invitee's display name only), the operators' rule; the example operations as sent."""
from __future__ import annotations

import pathlib

from chalicelib.referrals import jobs, store
from tests.conftest import demo_token
from tests.referrals.support import CLOSES, deliver, first_order_completes, sign_in

OPERATIONS = (pathlib.Path(__file__).parents[2] / "graphql/operations/referrals.graphql").read_text()
ME_CODE = "query { me { id inviteCode } }"
PAGE = """query($first: Int, $after: String) { me { referrals(first: $first, after: $after) {
  edges { node { displayName status inviterRewarded } } pageInfo { hasNextPage endCursor } } } }"""
SIGN_UP = """mutation($code: String!, $inviteCode: String) { loginWithWechat(input: {code: $code, inviteCode: $inviteCode})
  { token user { id } errors { code field } } }"""


def test_a_friend_signs_up_through_the_code_and_the_inviter_sees_their_progress(gql, emulator):
    alice = demo_token(gql, "alice", "CUSTOMER")
    first = gql(ME_CODE, token=alice)["data"]["me"]
    code = first["inviteCode"]
    assert len(code) == 16 and gql(ME_CODE, token=alice)["data"]["me"]["inviteCode"] == code
    for n in range(3):
        signed = gql(SIGN_UP, {"code": f"demo:friend{n}", "inviteCode": code})["data"]["loginWithWechat"]
        assert signed["errors"] == []
    deliver(emulator)
    emulator.clear_log()
    page = gql(PAGE, {"first": 2}, token=alice)["data"]["me"]["referrals"]
    # The caller's user (role from the table), one Query of the referrals, one BatchGetItem of their names.
    assert emulator.dynamodb_counts() == {"GetItem": 1, "Query": 1, "BatchGetItem": 1}
    assert [e["node"]["status"] for e in page["edges"]] == ["BOUND", "BOUND"] and page["pageInfo"]["hasNextPage"]
    rest = gql(PAGE, {"first": 2, "after": page["pageInfo"]["endCursor"]}, token=alice)["data"]["me"]["referrals"]
    assert len(rest["edges"]) == 1 and not rest["pageInfo"]["hasNextPage"]
    assert set(rest["edges"][0]["node"]) == {"displayName", "status", "inviterRewarded"}


def test_a_malformed_invite_code_is_an_invalid_input_error(gql):
    answer = gql(SIGN_UP, {"code": "demo:zoe", "inviteCode": "short"})["data"]["loginWithWechat"]
    assert answer["token"] is None and answer["errors"] == [{"code": "INVALID", "field": ["inviteCode"]}]


def test_a_rewarded_referral_shows_rewarded(gql, emulator):
    alice = demo_token(gql, "alice", "CUSTOMER")
    code = gql(ME_CODE, token=alice)["data"]["me"]["inviteCode"]
    assert gql(SIGN_UP, {"code": "demo:dave", "inviteCode": code})["data"]["loginWithWechat"]["errors"] == []
    deliver(emulator)
    invitee = sign_in("dave").user.id  # signed in again: the same account, not bound again
    first_order_completes(invitee, "01J0000000000000000ORDER01")
    assert jobs.reward_due(CLOSES)["referralsRewarded"] == 1
    node = gql(PAGE, {}, token=alice)["data"]["me"]["referrals"]["edges"][0]["node"]
    assert (node["status"], node["inviterRewarded"]) == ("REWARDED", True)


def test_operators_read_and_set_the_rule_and_nobody_else(gql):
    operator, alice = demo_token(gql, "olga", "OPERATOR"), demo_token(gql, "alice", "CUSTOMER")
    rule = gql("query { referralRule { inviteeAmount { amount } inviterAmount { amount } validDays monthlyCap } }",
               token=operator)["data"]["referralRule"]
    assert rule == {"inviteeAmount": {"amount": 5000}, "inviterAmount": {"amount": 5000}, "validDays": 30,
                    "monthlyCap": 10}
    assert gql("query { referralRule { monthlyCap } }", token=alice)["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    set_rule = """mutation($input: SetReferralRuleInput!) { setReferralRule(input: $input) {
      rule { monthlyCap } errors { code field } } }"""
    good = {"inviteeAmount": 3000, "inviterAmount": 2000, "validDays": 15, "monthlyCap": 5}
    assert gql(set_rule, {"input": good}, token=operator)["data"]["setReferralRule"] == {
        "rule": {"monthlyCap": 5}, "errors": []}
    bad = gql(set_rule, {"input": {**good, "monthlyCap": -1}}, token=operator)["data"]["setReferralRule"]
    assert bad == {"rule": None, "errors": [{"code": "INVALID", "field": ["monthlyCap"]}]}
    assert store.get_rule().monthly_cap == 5  # the bad one changed nothing
    refused = gql(set_rule, {"input": good}, token=alice)["data"]["setReferralRule"]
    assert refused["errors"][0]["code"] == "FORBIDDEN"


def test_the_example_operations_run(gql, emulator):
    import json

    alice = demo_token(gql, "alice", "CUSTOMER")

    def run(name: str, variables: dict, token: str | None = None) -> dict:
        headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})}
        body = json.dumps({"query": OPERATIONS, "operationName": name, "variables": variables})
        answer = json.loads(gql._client.http.post("/graphql", headers=headers, body=body).body)
        assert "errors" not in answer, answer
        return answer["data"]

    code = run("MyInviteCode", {}, alice)["me"]["inviteCode"]
    assert run("SignUpThroughInvite", {"code": "demo:dave", "inviteCode": code})["loginWithWechat"]["errors"] == []
    deliver(emulator)
    assert len(run("MyReferrals", {"first": 5}, alice)["me"]["referrals"]["edges"]) == 1
