"""The checkout preview through GraphQL, on the demo data: alice's cart, the merchant's 满99减10
promotion, the two coupons of the coupon centre and her default address."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from chalicelib.core.graphql.ids import to_global_id
from devstack.seed import seed_demo

OPERATIONS = "\n".join((Path(__file__).parents[2] / "graphql" / "operations" / name).read_text(encoding="utf-8")
                       for name in ("checkout.graphql", "coupons.graphql"))


def op(gql, name: str, variables: dict, token: str) -> dict:
    response = gql._client.http.post("/graphql", headers={"Content-Type": "application/json",
                                                          "Authorization": f"Bearer {token}"},
                                     body=json.dumps({"query": OPERATIONS, "operationName": name,
                                                      "variables": variables}))
    assert response.status_code == 200, response.body
    return json.loads(response.body)


@pytest.fixture
def alice(gql) -> str:
    seed_demo()
    token = gql.login("demo:alice")
    centre = op(gql, "CouponCentre", {"first": 20}, token)["data"]["couponTemplates"]["edges"]
    for edge in centre:
        claimed = op(gql, "ClaimCoupon", {"templateId": edge["node"]["id"]}, token)["data"]["claimCoupon"]
        assert claimed["errors"] == []
    return token


def preview(gql, token: str, **input) -> dict:
    return op(gql, "CheckoutPreview", {"input": input}, token)


def amounts(node: dict, *names: str) -> tuple[int, ...]:
    return tuple(node[n]["amount"] for n in names)


def test_the_best_for_me_preview_of_alice_s_cart(gql, alice):
    answer = preview(gql, alice)
    assert "errors" not in answer, answer
    checkout = answer["data"]["checkoutPreview"]
    (order,) = checkout["orders"]
    # 2 × ¥39.90 + ¥45.90 = ¥125.70; the promotion 满99减10: ¥115.70 left; the merchant's ¥5
    # no-minimum coupon: ¥110.70; the platform 满99减10 (¥110.70 ≥ ¥99): ¥100.70; shipping
    # waived (≥ ¥99).
    assert amounts(order, "items", "promotion", "merchantCoupon", "platformCoupon", "points", "shipping", "total") == (
        12570, 1000, 500, 1000, 0, 0, 10070)
    assert amounts(checkout, "items", "discount", "shipping", "total") == (12570, 2500, 0, 10070)
    # Every discount is apportioned to the lines, exactly.
    for step in ("promotion", "merchantCoupon", "platformCoupon", "total"):
        assert sum(line[step]["amount"] for line in order["lines"]) == order[step]["amount"]
    assert all(line["total"]["amount"] >= 0 for line in order["lines"])
    assert [c["chosen"] for c in checkout["coupons"]] == [True, True]
    assert checkout["shippingAddress"]["mobile"] == "13800000001"
    assert checkout["points"]["max"] == 10070 // 2 // 100 * 100


def test_no_coupons_and_points_within_the_cap(gql, alice):
    points = preview(gql, alice, couponIds=[], points=0)["data"]["checkoutPreview"]
    assert points["total"]["amount"] == 12570 - 1000
    over = preview(gql, alice, couponIds=[], points=points["points"]["max"] + 100)
    assert over["data"]["checkoutPreview"] is None
    assert over["errors"][0]["extensions"]["code"] == "POINTS_OVER_CAP"


def test_a_coupon_that_is_not_yours_or_below_its_threshold_is_refused(gql, alice):
    foreign = to_global_id("Coupon", "01J00000000000000000000000")
    answer = preview(gql, alice, couponIds=[foreign])
    assert answer["errors"][0]["extensions"]["code"] == "COUPON_UNAVAILABLE"
    assert answer["errors"][0]["path"] == ["checkoutPreview"]
    # Buy one apple box now (¥45.90): the platform 满99减10 coupon does not reach its threshold.
    checkout = preview(gql, alice)["data"]["checkoutPreview"]
    apples = next(line["sku"]["id"] for line in checkout["orders"][0]["lines"] if line["quantity"] == 1)
    platform = next(c["coupon"]["id"] for c in checkout["coupons"] if c["coupon"]["title"].startswith("¥10"))
    below = preview(gql, alice, buyNow={"skuId": apples, "quantity": 1}, couponIds=[platform])
    assert below["errors"][0]["extensions"]["code"] == "COUPON_UNAVAILABLE"
    best = preview(gql, alice, buyNow={"skuId": apples, "quantity": 1})["data"]["checkoutPreview"]
    rows = {c["coupon"]["title"]: c for c in best["coupons"]}
    assert rows[next(t for t in rows if t.startswith("¥10"))]["reason"] == "BELOW_THRESHOLD"
    assert amounts(best, "items", "shipping", "total") == (4590, 1000, 4590 - 500 + 1000)


def test_signed_out_is_unauthenticated(gql):
    answer = json.loads(gql._client.http.post("/graphql", headers={"Content-Type": "application/json"}, body=json.dumps(
        {"query": OPERATIONS, "operationName": "CheckoutPreview", "variables": {"input": {}}})).body)
    assert answer["data"]["checkoutPreview"] is None
    assert answer["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_a_preview_costs_the_same_requests_for_one_line_as_for_the_whole_cart(gql, alice, emulator):
    checkout = preview(gql, alice)["data"]["checkoutPreview"]
    apples = next(line["sku"]["id"] for line in checkout["orders"][0]["lines"] if line["quantity"] == 1)
    emulator.clear_log()
    preview(gql, alice, buyNow={"skuId": apples, "quantity": 1})
    buy_now = emulator.dynamodb_counts()
    emulator.clear_log()
    preview(gql, alice)
    cart = emulator.dynamodb_counts()
    # The caller's GetItem; SKUs + products: 1 BatchGetItem; promotions: 1 BatchGetItem; coupons: 1
    # Query; points: 1 GetItem; the default address: 2 GetItems. The cart adds its one Query.
    assert buy_now == {"GetItem": 4, "BatchGetItem": 2, "Query": 1}
    assert cart == {"GetItem": 4, "BatchGetItem": 2, "Query": 2}


def test_the_readme_s_checkout_story_is_what_the_preview_says(gql, alice, emulator):
    from tests.devstack.test_readme import fen, said

    items, promotion, merchant_coupon, platform_coupon, shipping, free_from, fee, total = said(
        r"Her cart's ¥([\d.]+) becomes: the merchant's 满99减10 promotion −¥([\d.]+), the merchant's ¥5 coupon "
        r"−¥([\d.]+), the platform's 满99减10 coupon −¥([\d.]+), shipping ¥([\d.]+) \(free from ¥(\d+); else "
        r"¥([\d.]+) an order\): \*\*total ¥([\d.]+)\*\*")
    (order,) = preview(gql, alice)["data"]["checkoutPreview"]["orders"]
    assert amounts(order, "items", "promotion", "merchantCoupon", "platformCoupon", "shipping", "total") == tuple(
        fen(v) for v in (items, promotion, merchant_coupon, platform_coupon, shipping, total))
    from chalicelib.checkout.rules import DEFAULT_TERMS

    assert (fen(free_from), fen(fee)) == (DEFAULT_TERMS.free_shipping_from, DEFAULT_TERMS.shipping_fee)
    requests, buy_now = said(r"\*\*Cost\*\*: (\d+) DynamoDB requests for a cart of any size \((\d+) for buy-now\)")
    emulator.clear_log()
    apples = next(line["sku"]["id"] for line in order["lines"] if line["quantity"] == 1)
    preview(gql, alice, buyNow={"skuId": apples, "quantity": 1})
    measured_buy_now = sum(emulator.dynamodb_counts().values()) - 1  # less the caller's GetItem
    emulator.clear_log()
    preview(gql, alice)
    assert (int(requests), int(buy_now)) == (sum(emulator.dynamodb_counts().values()) - 1, measured_buy_now)
