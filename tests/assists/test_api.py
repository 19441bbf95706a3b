"""Friend assist through GraphQL, as a client sends it: the operations of
graphql/operations/assists.graphql, typed payload errors, and exact request counts."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from chalicelib.assists import service as assists
from chalicelib.core.clock import utc_now
from chalicelib.core.graphql.ids import to_global_id
from chalicelib.schema import schema
from tests.assists.support import product
from tests.conftest import demo_token
from tests.coupons.support import OPERATOR, template

OPERATIONS = (Path(__file__).parents[2] / "graphql" / "operations" / "assists.graphql").read_text(encoding="utf-8")


@pytest.fixture
def run(gql):
    import json

    def call(name: str, variables: dict, token: str | None = None) -> dict:
        body = json.dumps({"query": OPERATIONS, "operationName": name, "variables": variables})
        headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})}
        answer = json.loads(gql._client.http.post("/graphql", headers=headers, body=body).body)
        assert "errors" not in answer, answer
        return answer["data"]

    return call


def _campaign(tiers=(2, 3), product_id: str | None = None) -> str:
    now = utc_now()
    reward = template(OPERATOR, title="芒果券", public=False, now=now).id
    made = assists.create_campaign(OPERATOR, assists.NewCampaign(
        product_id=product_id or product(), title="Mango for friends", tiers=tuple((n, reward) for n in tiers),
        ends_at=now + timedelta(days=3)), now)
    return to_global_id("AssistCampaign", made.id)


def test_start_share_assist_and_reach_tiers_with_typed_refusals(gql, run, emulator):
    alice, bob, carol, dave = (demo_token(gql, n, "CUSTOMER") for n in ("alice", "bob", "carol", "dave"))
    started = run("StartAssist", {"campaignId": _campaign()}, alice)["startAssist"]
    code = started["assistInstance"]["shareCode"]
    assert started["errors"] == [] and started["assistInstance"]["mine"] and len(code) == 16
    assert run("StartAssist", {"campaignId": _campaign()}, alice)["startAssist"]["assistInstance"]["shareCode"] != code

    own = run("Assist", {"shareCode": code}, alice)["assist"]
    assert [e["code"] for e in own["errors"]] == ["CANNOT_ASSIST_SELF"] and own["assistInstance"] is None
    emulator.clear_log()
    first = run("Assist", {"shareCode": code}, bob)["assist"]
    assert emulator.dynamodb_counts() == {"GetItem": 1, "BatchGetItem": 1, "TransactWriteItems": 1}  # + the caller
    assert (first["assistInstance"]["assistCount"], first["reachedTier"]) == (1, False)
    again = run("Assist", {"shareCode": code}, bob)["assist"]
    assert [e["code"] for e in again["errors"]] == ["ALREADY_ASSISTED"]
    second = run("Assist", {"shareCode": code}, carol)["assist"]
    assert second["reachedTier"] and second["assistInstance"]["tiersReached"] == [{"assists": 2,
                                                                                  "rewardTitle": "芒果券"}]
    run("Assist", {"shareCode": code}, dave)
    closed = run("Assist", {"shareCode": code}, demo_token(gql, "erin", "CUSTOMER"))["assist"]
    assert [e["code"] for e in closed["errors"]] == ["ASSIST_CLOSED"]  # every tier reached
    coupons = gql("{ me { coupons { edges { node { id title } } } } }", token=alice)["data"]["me"]["coupons"]
    assert [e["node"]["title"] for e in coupons["edges"]] == ["芒果券", "芒果券"]

    emulator.clear_log()
    public = run("AssistByShareCode", {"shareCode": code})["assistByShareCode"]
    assert emulator.dynamodb_counts() == {"GetItem": 1, "BatchGetItem": 1}  # the instance; the product
    assert (public["assistCount"], public["assistsToNextTier"], public["mine"]) == (3, 0, False)
    assert public["campaign"]["product"]["name"] == "Mango"
    assert run("AssistByShareCode", {"shareCode": "0" * 16})["assistByShareCode"] is None


def test_the_public_progress_names_no_helper():
    fields = set(schema()._schema.type_map["AssistInstance"].fields)
    assert fields == {"id", "shareCode", "campaign", "assistCount", "tiersReached", "assistsToNextTier", "startedAt",
                      "mine", "flaggedAssists"}  # a count for review, the merchant's and operators' only


@pytest.mark.parametrize("started", [1, 10])
def test_a_page_of_my_assists_costs_the_same_for_1_and_10(gql, run, emulator, started):
    alice = demo_token(gql, "alice", "CUSTOMER")
    product_id = product()
    for _ in range(started):
        run("StartAssist", {"campaignId": _campaign(product_id=product_id)}, alice)
    emulator.clear_log()
    page = run("MyAssists", {"first": 10}, alice)["me"]["assists"]
    assert len(page["edges"]) == started and all(e["node"]["campaign"]["product"]["name"] for e in page["edges"])
    assert emulator.dynamodb_counts() == {"GetItem": 1, "Query": 1, "BatchGetItem": 1}  # caller, page, products


def test_a_merchant_creates_a_campaign_on_its_own_product_only(gql, run, merchant, operator):
    from tests.api.catalog_support import create_category, create_product

    category = create_category(gql, operator)
    own = create_product(gql, merchant, category)
    terms = {"kind": "AMOUNT_OFF", "amountOff": 500, "scope": "MERCHANT"}
    made = gql("""mutation($t: CreateCouponTemplateInput!) { createCouponTemplate(input: $t) {
      couponTemplate { id } errors { code } } }""", {"t": {"title": "样品券", "terms": terms, "total": 100,
                                                            "public": False, "validDays": 30}}, token=merchant)
    reward = made["data"]["createCouponTemplate"]["couponTemplate"]["id"]
    ends = (utc_now() + timedelta(days=2)).isoformat()
    given = {"productId": own["id"], "title": "3 friends, a sample", "endsAt": ends,
             "tiers": [{"assists": 3, "couponTemplateId": reward}]}
    created = run("CreateAssistCampaign", {"input": given}, merchant)["createAssistCampaign"]
    assert created["errors"] == [] and created["assistCampaign"]["dailyLimit"] == 3
    assert created["assistCampaign"]["tiers"] == [{"assists": 3, "rewardTitle": "样品券", "couponTemplateId": reward}]
    customer = demo_token(gql, "alice", "CUSTOMER")
    refused = run("CreateAssistCampaign", {"input": given}, customer)["createAssistCampaign"]
    assert [e["code"] for e in refused["errors"]] == ["FORBIDDEN"]


def test_assists_from_accounts_made_after_the_campaign_started_are_counted_for_review(gql, run, operator):
    """A helper account created after the campaign started may be the starter's second account: accepted (the
    campaign is not new-users-only) and counted on the instance, which its merchant and operators see."""
    alice = demo_token(gql, "alice", "CUSTOMER")
    code = run("StartAssist", {"campaignId": _campaign()}, alice)["startAssist"]["assistInstance"]["shareCode"]
    second_account = demo_token(gql, "alice-second-phone", "CUSTOMER")  # made after the campaign started
    assert run("Assist", {"shareCode": code}, second_account)["assist"]["errors"] == []
    assert run("AssistByShareCode", {"shareCode": code}, operator)["assistByShareCode"]["flaggedAssists"] == 1
    assert run("AssistByShareCode", {"shareCode": code}, alice)["assistByShareCode"]["flaggedAssists"] is None
    assert run("AssistByShareCode", {"shareCode": code})["assistByShareCode"]["flaggedAssists"] is None
