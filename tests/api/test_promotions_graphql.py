"""Promotions (满减) through the GraphQL API: merchants create and end their own,
refusals are typed payload errors that change nothing, storefronts read the running
ones per merchant and on Product (one BatchGetItem for a page of products)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.conftest import demo_token
from tests.factories import create_category, create_product

PROMOTION = "id merchantId title summary tiers { threshold { amount currency } amountOff { amount } summary } " \
            "allProducts productIds startsAt endsAt active"
CREATE = f"""mutation($input: CreatePromotionInput!) {{ createPromotion(input: $input) {{
  promotion {{ {PROMOTION} }} errors {{ code field message }} }} }}"""
END = """mutation($id: ID!) { endPromotion(input: {promotionId: $id}) {
  promotion { id endsAt active } errors { code field message } } }"""
MERCHANT_PROMOTIONS = "query($m: ID!) { promotions(merchantId: $m) { id summary } }"
PRODUCT_LIST = """query($c: ID!) { products(categoryId: $c, first: 50) {
  edges { node { id promotions { id summary } } } } }"""
ME = "{ me { id } }"


def _window(days: int = 7) -> dict:
    now = datetime.now(UTC)
    return {"startsAt": (now - timedelta(hours=1)).isoformat(), "endsAt": (now + timedelta(days=days)).isoformat()}


def _input(**fields) -> dict:
    return {"title": "夏日满减", "tiers": [{"threshold": 9900, "amountOff": 1000},
                                        {"threshold": 19900, "amountOff": 3000}], **_window(), **fields}


def _create(gql, token, **fields) -> dict:
    return gql(CREATE, {"input": _input(**fields)}, token=token)["data"]["createPromotion"]


def test_a_merchant_creates_a_promotion_on_its_product_and_the_storefront_shows_it(gql, merchant, operator):
    category = create_category(gql, operator)
    mango, apple = (create_product(gql, merchant, category, name=n)["id"] for n in ("Mango", "Apple"))
    created = _create(gql, merchant, productIds=[mango])
    assert created["errors"] == []
    promotion = created["promotion"]
    me = gql(ME, token=merchant)["data"]["me"]["id"]
    assert promotion["merchantId"] == me and promotion["productIds"] == [mango] and promotion["active"] is True
    assert promotion["summary"] == "满¥99减¥10，满¥199减¥30" and not promotion["allProducts"]
    assert promotion["tiers"][0] == {"threshold": {"amount": 9900, "currency": "CNY"}, "amountOff": {"amount": 1000},
                                     "summary": "满¥99减¥10"}

    listing = gql(PRODUCT_LIST, {"c": category})["data"]["products"]["edges"]
    by_product = {e["node"]["id"]: e["node"]["promotions"] for e in listing}
    assert by_product == {mango: [{"id": promotion["id"], "summary": promotion["summary"]}], apple: []}
    assert gql(MERCHANT_PROMOTIONS, {"m": me})["data"]["promotions"] == [
        {"id": promotion["id"], "summary": promotion["summary"]}]
    node = gql("query($id: ID!) { node(id: $id) { id ... on Promotion { title } } }", {"id": promotion["id"]})
    assert node["data"]["node"] == {"id": promotion["id"], "title": "夏日满减"}

    ended = gql(END, {"id": promotion["id"]}, token=merchant)["data"]["endPromotion"]
    assert ended["errors"] == [] and ended["promotion"]["active"] is False
    assert gql(MERCHANT_PROMOTIONS, {"m": me})["data"]["promotions"] == []
    node = gql("query($id: ID!) { node(id: $id) { id } }", {"id": promotion["id"]})
    assert node["data"]["node"] is None  # ended: gone from the merchant's current promotions


def test_refusals_are_typed_name_the_field_and_change_nothing(gql, merchant, operator, customer):
    category = create_category(gql, operator)
    other = demo_token(gql, "ming", "MERCHANT")
    theirs = create_product(gql, other, category, name="Their mango")["id"]
    cases = [
        (merchant, {"productIds": [theirs]}, "FORBIDDEN", ["productIds", "0"]),
        (merchant, {"tiers": [{"threshold": 9900, "amountOff": 9900}]}, "INVALID", ["tiers", "0", "amountOff"]),
        (merchant, {"tiers": [{"threshold": 19900, "amountOff": 1000}, {"threshold": 9900, "amountOff": 3000}]},
         "INVALID", ["tiers", "1", "threshold"]),
        (merchant, {"tiers": []}, "INVALID", ["tiers"]),
        (merchant, {"startsAt": _window()["endsAt"], "endsAt": _window()["startsAt"]}, "INVALID", ["endsAt"]),
        (merchant, {"endsAt": "2026-13-01"}, None, None),  # not a DateTime: refused before anything runs
        (merchant, {"productIds": ["nope"]}, "INVALID_ID", ["productIds", "0"]),
        (customer, {}, "FORBIDDEN", None),
        (operator, {}, "REQUIRED", ["merchantId"]),
    ]
    me = gql(ME, token=merchant)["data"]["me"]["id"]
    for token, fields, code, field in cases:
        answer = gql(CREATE, {"input": _input(**fields)}, token=token)
        if code is None:
            assert answer["errors"] and answer.get("data") is None, answer
            continue
        errors = answer["data"]["createPromotion"]["errors"]
        assert [(e["code"], e["field"]) for e in errors] == [(code, field)], (fields, errors)
    assert gql(MERCHANT_PROMOTIONS, {"m": me})["data"]["promotions"] == []
    # Another merchant cannot end Mei's promotion.
    mine = _create(gql, merchant)["promotion"]["id"]
    refused = gql(END, {"id": mine}, token=other)["data"]["endPromotion"]
    assert [e["code"] for e in refused["errors"]] == ["FORBIDDEN"]
    assert [p["id"] for p in gql(MERCHANT_PROMOTIONS, {"m": me})["data"]["promotions"]] == [mine]


def test_an_operator_creates_one_for_a_merchant_once_per_idempotency_key(gql, merchant, operator):
    me = gql(ME, token=merchant)["data"]["me"]["id"]
    window = _window()
    created = _create(gql, operator, merchantId=me, idempotencyKey="olga-promo-1", **window)
    assert created["errors"] == [] and created["promotion"]["merchantId"] == me
    assert created["promotion"]["allProducts"] is True and created["promotion"]["productIds"] == []
    retried = gql(CREATE.replace("errors {", "replayed errors {"),
                  {"input": _input(merchantId=me, idempotencyKey="olga-promo-1", **window)}, token=operator)
    assert retried["data"]["createPromotion"]["replayed"] is True
    assert retried["data"]["createPromotion"]["promotion"]["id"] == created["promotion"]["id"]
    reused = _create(gql, operator, merchantId=me, idempotencyKey="olga-promo-1", title="other", **window)
    assert [e["code"] for e in reused["errors"]] == ["IDEMPOTENCY_KEY_REUSED"]
    assert len(gql(MERCHANT_PROMOTIONS, {"m": me})["data"]["promotions"]) == 1


def test_a_page_of_products_reads_every_merchant_s_promotions_in_one_batch(gql, emulator, merchant, operator):
    category = create_category(gql, operator)
    other = demo_token(gql, "ming", "MERCHANT")
    for token in (merchant, other):
        for i in range(3):
            create_product(gql, token, category, name=f"P{i}")
        assert _create(gql, token)["errors"] == []
    emulator.clear_log()
    edges = gql(PRODUCT_LIST, {"c": category})["data"]["products"]["edges"]
    assert len(edges) == 6 and all(len(e["node"]["promotions"]) == 1 for e in edges)
    # The GSI1 page of products, one BatchGetItem of both merchants' promotions.
    assert emulator.dynamodb_counts() == {"Query": 1, "BatchGetItem": 1}
