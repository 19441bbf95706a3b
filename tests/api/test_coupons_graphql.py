"""Coupons through GraphQL: templates, claims, grants, me.coupons, typed errors, node access,
and the exact DynamoDB requests of a claim and of a coupons page."""
from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from chalicelib.core.graphql.ids import to_global_id
from chalicelib.core.ids import new_id
from tests.conftest import demo_token

OPERATIONS = (Path(__file__).parents[2] / "graphql" / "operations" / "coupons.graphql").read_text(encoding="utf-8")


def _op(gql, name: str, variables: dict, token: str) -> dict:
    """Run one operation of graphql/operations/coupons.graphql, as a client would."""
    response = gql._client.http.post("/graphql", headers={"Content-Type": "application/json",
                                                          "Authorization": f"Bearer {token}"},
                                     body=json.dumps({"query": OPERATIONS, "operationName": name,
                                                      "variables": variables}))
    assert response.status_code == 200, response.body
    answer = json.loads(response.body)
    assert "errors" not in answer, answer["errors"]
    return answer["data"]


def _template(gql, token, **fields) -> dict:
    terms = fields.pop("terms", {"kind": "AMOUNT_OFF", "amountOff": 1000, "threshold": 9900, "scope": "PLATFORM"})
    data = _op(gql, "CreateCouponTemplate", {"input": {"title": "满99减10", "terms": terms, "total": 1000,
                                                        "validDays": 30, **fields}}, token)["createCouponTemplate"]
    assert data["errors"] == [], data["errors"]
    return data["couponTemplate"]


def _claim(gql, token, template_id, key=None) -> dict:
    return _op(gql, "ClaimCoupon", {"templateId": template_id, "key": key}, token)["claimCoupon"]


def _errors(payload) -> list[tuple[str, str]]:
    return [(e["code"], ".".join(e["field"] or [])) for e in payload["errors"]]


def _me(gql, token) -> str:
    return gql("{ me { id } }", token=token)["data"]["me"]["id"]


def test_an_operator_makes_a_template_a_customer_claims_it_and_finds_it_under_me(gql, operator, customer):
    template = _template(gql, operator)
    assert template["terms"]["text"] == "满99减10" and template["terms"]["platform"] is True
    centre = _op(gql, "CouponCentre", {"first": 10}, customer)["couponTemplates"]["edges"]
    assert [e["node"]["id"] for e in centre] == [template["id"]] and centre[0]["node"]["claimable"] is True
    claimed = _claim(gql, customer, template["id"], "claim-key-0001")
    assert claimed["errors"] == [] and claimed["coupon"]["status"] == "AVAILABLE"
    again = _claim(gql, customer, template["id"], "claim-key-0001")
    assert again["coupon"]["id"] == claimed["coupon"]["id"]  # same key: the same coupon, claimed once
    mine = _op(gql, "MyCoupons", {}, customer)["me"]["coupons"]["edges"]
    assert [e["node"]["id"] for e in mine] == [claimed["coupon"]["id"]]
    assert mine[0]["node"]["statusText"] == "Available (可使用)"
    node = gql("query($id: ID!) { node(id: $id) { id ... on Coupon { title } } }", {"id": claimed["coupon"]["id"]},
               token=operator)["data"]["node"]
    assert node is None  # a coupon is its owner's only


def test_me_coupons_lists_available_ones_expiring_soonest_first(gql, operator, customer):
    later = _template(gql, operator, validDays=30)
    sooner = _template(gql, operator, validDays=3)
    fixed = _template(gql, operator, validDays=None,
                      validFrom=datetime.now(UTC).isoformat(), validUntil=(datetime.now(UTC) + timedelta(days=10)).isoformat())
    ids = [_claim(gql, customer, t["id"])["coupon"]["id"] for t in (later, sooner, fixed)]
    mine = _op(gql, "MyCoupons", {"status": "AVAILABLE"}, customer)["me"]["coupons"]["edges"]
    assert [e["node"]["id"] for e in mine] == [ids[1], ids[2], ids[0]]
    assert _op(gql, "MyCoupons", {"status": "EXPIRED"}, customer)["me"]["coupons"]["edges"] == []


@pytest.mark.parametrize("case", ["ended", "grant-only", "foreign id", "over the limit", "signed out"])
def test_claim_refusals_are_typed_payload_errors_and_change_nothing(gql, operator, customer, case):
    template = _template(gql, operator, public=case != "grant-only")
    template_id = template["id"]
    if case == "ended":
        assert _op(gql, "EndCouponTemplate", {"id": template_id}, operator)["endCouponTemplate"]["errors"] == []
    if case == "over the limit":
        _claim(gql, customer, template_id)
    if case == "foreign id":
        template_id = to_global_id("MallItem", new_id())
    token = "" if case == "signed out" else customer
    payload = _op(gql, "ClaimCoupon", {"templateId": template_id}, token)["claimCoupon"] if token else \
        gql("mutation($t: ID!) { claimCoupon(input: {templateId: $t}) { coupon { id } errors { code field } } }",
            {"t": template_id})["data"]["claimCoupon"]
    expected = {"ended": ("COUPONS_GONE", "templateId"), "grant-only": ("FORBIDDEN", "templateId"),
                "foreign id": ("INVALID_ID", "templateId"), "over the limit": ("LIMIT_REACHED", "templateId"),
                "signed out": ("UNAUTHENTICATED", "")}[case]
    assert payload["coupon"] is None and _errors(payload) == [expected]
    mine = _op(gql, "MyCoupons", {}, customer)["me"]["coupons"]["edges"]
    assert len(mine) == (1 if case == "over the limit" else 0)


def test_an_operator_grants_with_a_reason_and_bad_grants_change_nothing(gql, operator, customer):
    bob = demo_token(gql, "bob", "CUSTOMER")
    template = _template(gql, operator, public=False, total=2)
    users = [_me(gql, customer), _me(gql, bob)]
    granted = _op(gql, "GrantCoupons", {"templateId": template["id"], "userIds": users,
                                        "reason": "sorry: late delivery"}, operator)["grantCoupons"]
    assert granted["errors"] == [] and granted["grantedCount"] == 2 and granted["couponTemplate"]["left"] == 0
    over = _op(gql, "GrantCoupons", {"templateId": template["id"], "userIds": users[:1], "reason": "again"},
               operator)["grantCoupons"]
    assert _errors(over) == [("COUPONS_GONE", "userIds")]
    by_customer = _op(gql, "GrantCoupons", {"templateId": template["id"], "userIds": users[:1], "reason": "x"},
                      customer)["grantCoupons"]
    assert _errors(by_customer) == [("FORBIDDEN", "")]
    for token in (customer, bob):
        assert len(_op(gql, "MyCoupons", {}, token)["me"]["coupons"]["edges"]) == 1


def test_invalid_templates_are_refused_field_by_field(gql, operator, merchant):
    cases = [
        ({"terms": {"kind": "PERCENT_OFF", "percentOff": 100, "cap": 100, "scope": "PLATFORM"}}, operator,
         ("INVALID", "terms.percentOff")),
        ({"terms": {"kind": "AMOUNT_OFF", "amountOff": 500, "scope": "PLATFORM"}}, merchant,
         ("INVALID", "terms.scope")),
        ({"validDays": None}, operator, ("INVALID", "validDays")),
        ({"total": 0}, operator, ("INVALID", "total")),
    ]
    for fields, token, expected in cases:
        terms = fields.pop("terms", {"kind": "AMOUNT_OFF", "amountOff": 1000, "threshold": 9900, "scope": "PLATFORM"})
        payload = _op(gql, "CreateCouponTemplate", {"input": {"title": "t", "terms": terms, "total": 10,
                                                              "validDays": 30, **fields}}, token)["createCouponTemplate"]
        assert _errors(payload) == [expected], fields
    assert _op(gql, "IssuedCouponTemplates", {}, operator)["issuedCouponTemplates"]["edges"] == []


def test_a_merchant_s_no_threshold_coupon_shows_on_its_product_page(gql, operator, merchant, customer):
    from tests.factories import create_category, create_product

    category = create_category(gql, operator)
    product = create_product(gql, merchant, category)
    own = _template(gql, merchant, terms={"kind": "AMOUNT_OFF", "amountOff": 500, "scope": "MERCHANT"})
    assert own["terms"]["text"] == "无门槛减5" and own["terms"]["platform"] is False
    shown = _op(gql, "ProductCoupons", {"productId": product["id"]}, customer)["claimableCoupons"]
    assert [t["id"] for t in shown] == [own["id"]]
    listed = _op(gql, "IssuedCouponTemplates", {}, merchant)["issuedCouponTemplates"]["edges"]
    assert [e["node"]["id"] for e in listed] == [own["id"]]


def test_a_claim_costs_three_requests_and_a_coupons_page_two(gql, emulator, operator, customer):
    template = _template(gql, operator)
    emulator.clear_log()
    _claim(gql, customer, template["id"])
    # The caller's user, the template (consistent GetItem), one transaction.
    assert emulator.dynamodb_counts() == {"GetItem": 2, "TransactWriteItems": 1}
    for _ in range(4):
        _claim(gql, customer, _template(gql, operator)["id"])
    emulator.clear_log()
    mine = _op(gql, "MyCoupons", {"first": 20}, customer)["me"]["coupons"]["edges"]
    assert len(mine) == 5
    # The caller's user, one Query of the coupons partition: the same for 5 coupons as for 100.
    assert emulator.dynamodb_counts() == {"GetItem": 1, "Query": 1}
