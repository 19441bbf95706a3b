"""The points mall (积分商城) through the GraphQL API: operators' items, customers'
redemptions, refusals as payload errors, replays, and who may see what."""
from __future__ import annotations

from datetime import UTC, datetime

from tests.factories import create_category, create_product

ITEM_FIELDS = """id kind title description imageUrl pointsPrice stock soldOut redeemedCount perUserLimit active
  skuId sku { code } product { name } coupon { value { amount currency } minOrder { amount } validDays }"""
CREATE = f"""mutation($input: CreateMallItemInput!) {{ createMallItem(input: $input) {{
  mallItem {{ {ITEM_FIELDS} }} errors {{ code field message }} }} }}"""
UPDATE = """mutation($input: UpdateMallItemInput!) { updateMallItem(input: $input) {
  mallItem { id title pointsPrice stock active coupon { value { amount } } } errors { code field message } } }"""
REDEEM = """mutation($itemId: ID!, $key: String!) { redeemMallItem(input: {itemId: $itemId, idempotencyKey: $key}) {
  redemption { id kind title points state statusText couponCode couponExpiresAt skuId
    issuedCoupon { id status validUntil terms { text } }
               coupon { value { amount } minOrder { amount } validDays } item { id stock } }
  replayed errors { code field message } } }"""
ITEMS = """query($first: Int, $after: String) { mallItems(first: $first, after: $after) {
  edges { node { id title stock soldOut } cursor } pageInfo { hasNextPage endCursor } } }"""
MY_REDEMPTIONS = """query($first: Int, $after: String) { me { mallRedemptions(first: $first, after: $after) {
  edges { node { id title points state couponCode item { title } } cursor } pageInfo { hasNextPage endCursor } } } }"""
NODE = """query($id: ID!) { node(id: $id) { id ... on MallItem { title active } ... on MallRedemption { points } } }"""

COUPON = {"kind": "COUPON", "title": "¥10 off orders over ¥99", "pointsPrice": 200, "stock": 5, "active": True,
          "description": "满99减10", "coupon": {"value": 1000, "minOrder": 9900, "validDays": 30}}
NOW = datetime(2025, 6, 1, 4, 0, tzinfo=UTC)


def _user_id(token: str) -> str:
    from chalicelib.core.settings import settings
    from chalicelib.core.tokens import verify

    return verify(settings(), token).user_id


def _fund(token: str, points: int = 1000) -> None:
    from chalicelib.points import store as points_store

    assert points_store.adjust(_user_id(token), "adjust:fund", points, "test", "01J0000000000000000000OPER", NOW)


def _available(token: str) -> int:
    from chalicelib.points import account_reads

    return account_reads.get_account(_user_id(token)).available


def _create(gql, operator, **fields) -> dict:
    result = gql(CREATE, {"input": {**COUPON, **fields}}, token=operator)["data"]["createMallItem"]
    assert result["errors"] == [], result["errors"]
    return result["mallItem"]


def _redeem(gql, token, item_id, key) -> dict:
    return gql(REDEEM, {"itemId": item_id, "key": key}, token=token)["data"]["redeemMallItem"]


def test_an_operator_creates_a_coupon_and_a_product_and_anyone_lists_the_active_ones(gql, operator, merchant):
    coupon = _create(gql, operator)
    assert coupon["kind"] == "COUPON" and coupon["coupon"] == {
        "value": {"amount": 1000, "currency": "CNY"}, "minOrder": {"amount": 9900}, "validDays": 30}
    assert (coupon["stock"], coupon["soldOut"], coupon["redeemedCount"], coupon["skuId"]) == (5, False, 0, None)
    product = create_product(gql, merchant, create_category(gql, operator))
    box = _create(gql, operator, kind="PRODUCT", title="A box of mangoes", pointsPrice=500, coupon=None,
                  skuId=product["skus"][0]["id"], imageUrl="https://img.example.com/mango.jpg")
    assert box["skuId"] == product["skus"][0]["id"] and box["sku"]["code"] == "SKU-0"
    assert box["product"]["name"] == "Mango" and box["coupon"] is None
    _create(gql, operator, title="Not yet", active=False)

    first = gql(ITEMS, {"first": 1})["data"]["mallItems"]  # no token needed to browse
    rest = gql(ITEMS, {"first": 1, "after": first["pageInfo"]["endCursor"]})["data"]["mallItems"]
    assert [e["node"]["id"] for e in first["edges"] + rest["edges"]] == [box["id"], coupon["id"]]
    assert first["pageInfo"]["hasNextPage"] and not rest["pageInfo"]["hasNextPage"]
    too_many = gql(ITEMS, {"first": 101})
    assert too_many["errors"][0]["extensions"]["code"] == "PAGE_SIZE_EXCEEDED"
    forged = gql(ITEMS, {"first": 1, "after": "bm9wZQ.bm9wZQ"})
    assert forged["errors"][0]["extensions"]["code"] == "INVALID_CURSOR"


def test_customers_and_merchants_cannot_create_or_change_items(gql, operator, merchant, customer):
    item = _create(gql, operator)
    for token in (customer, merchant):
        created = gql(CREATE, {"input": COUPON}, token=token)["data"]["createMallItem"]
        assert created["mallItem"] is None and created["errors"][0]["code"] == "FORBIDDEN"
        updated = gql(UPDATE, {"input": {"id": item["id"], "active": False}}, token=token)["data"]["updateMallItem"]
        assert updated["errors"][0]["code"] == "FORBIDDEN"
    assert [e["node"]["id"] for e in gql(ITEMS)["data"]["mallItems"]["edges"]] == [item["id"]]


def test_invalid_items_are_refused_field_by_field(gql, operator):
    cases = [({"title": "x" * 61}, "INVALID", ["title"]),
             ({"pointsPrice": 0}, "INVALID", ["pointsPrice"]),
             ({"stock": -1}, "INVALID", ["stock"]),
             ({"perUserLimit": 0}, "INVALID", ["perUserLimit"]),
             ({"imageUrl": "http://img.example.com/a.jpg"}, "INVALID", ["imageUrl"]),
             ({"coupon": None}, "REQUIRED", ["coupon"]),
             ({"coupon": {"value": 0}}, "INVALID", ["coupon", "value"]),
             ({"coupon": {"value": 1000, "minOrder": 500}}, "INVALID", ["coupon", "value"]),
             ({"kind": "PRODUCT", "coupon": None}, "REQUIRED", ["skuId"]),
             ({"kind": "PRODUCT", "coupon": None, "skuId": "bm9wZQ"}, "INVALID_ID", ["skuId"])]
    for fields, code, field in cases:
        result = gql(CREATE, {"input": {**COUPON, **fields}}, token=operator)["data"]["createMallItem"]
        assert result["mallItem"] is None, fields
        assert (result["errors"][0]["code"], result["errors"][0]["field"]) == (code, field), (fields, result)
    assert gql(ITEMS)["data"]["mallItems"]["edges"] == []


def test_a_customer_redeems_a_coupon_once_per_key_and_finds_it_under_me(gql, operator, customer):
    _fund(customer)
    item = _create(gql, operator, perUserLimit=2)
    first = _redeem(gql, customer, item["id"], "redeem-0001")
    assert first["errors"] == [] and not first["replayed"]
    redemption = first["redemption"]
    assert (redemption["kind"], redemption["state"], redemption["points"], redemption["title"]) == (
        "COUPON", "ISSUED", 200, "¥10 off orders over ¥99")
    assert len(redemption["couponCode"]) == 16 and redemption["couponExpiresAt"]
    assert redemption["item"] == {"id": item["id"], "stock": 4}
    assert _available(customer) == 800
    # A real coupon, in me.coupons and usable at checkout until the redemption's expiry.
    issued = redemption["issuedCoupon"]
    assert (issued["status"], issued["validUntil"][:19], issued["terms"]["text"]) == (
        "AVAILABLE", redemption["couponExpiresAt"][:19], "满99减10")
    coupons = gql("{ me { coupons { edges { node { id } } } } }", token=customer)["data"]["me"]["coupons"]["edges"]
    assert [e["node"]["id"] for e in coupons] == [issued["id"]]

    again = _redeem(gql, customer, item["id"], "redeem-0001")
    assert again["errors"] == [] and again["replayed"] and again["redemption"]["id"] == redemption["id"]
    assert again["redemption"]["couponCode"] == redemption["couponCode"]
    assert _available(customer) == 800  # charged once

    second = _redeem(gql, customer, item["id"], "redeem-0002")["redemption"]
    mine = gql(MY_REDEMPTIONS, {"first": 1}, token=customer)["data"]["me"]["mallRedemptions"]
    rest = gql(MY_REDEMPTIONS, {"first": 1, "after": mine["pageInfo"]["endCursor"]}, token=customer)
    rest = rest["data"]["me"]["mallRedemptions"]
    assert [e["node"]["id"] for e in mine["edges"] + rest["edges"]] == [second["id"], redemption["id"]]
    assert mine["edges"][0]["node"]["item"] == {"title": "¥10 off orders over ¥99"}
    assert mine["pageInfo"]["hasNextPage"] and not rest["pageInfo"]["hasNextPage"]

    limit = _redeem(gql, customer, item["id"], "redeem-0003")
    assert limit["redemption"] is None and limit["errors"][0] == {
        "code": "LIMIT_REACHED", "field": ["itemId"], "message": "at most 2 per person"}
    reused = _redeem(gql, customer, _create(gql, operator, title="Other")["id"], "redeem-0001")
    assert reused["errors"][0]["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert _available(customer) == 600


def test_refusals_are_payload_errors_and_take_nothing(gql, operator, customer):
    item = _create(gql, operator, stock=1)
    poor = _redeem(gql, customer, item["id"], "redeem-poor-1")
    assert poor["errors"][0]["code"] == "NOT_ENOUGH_POINTS" and poor["redemption"] is None
    _fund(customer)
    off = gql(UPDATE, {"input": {"id": item["id"], "active": False}}, token=operator)["data"]["updateMallItem"]
    assert off["errors"] == [] and off["mallItem"]["active"] is False
    assert gql(ITEMS)["data"]["mallItems"]["edges"] == []
    gone = _redeem(gql, customer, item["id"], "redeem-gone-1")
    assert gone["errors"][0] == {"code": "MALL_ITEM_GONE", "field": ["itemId"],
                                 "message": "this item is no longer offered"}
    bad_id = _redeem(gql, customer, "bm9wZQ", "redeem-bad-id-1")
    assert bad_id["errors"][0]["code"] == "INVALID_ID" and bad_id["errors"][0]["field"] == ["itemId"]
    assert _available(customer) == 1000
    unauthenticated = _redeem(gql, None, item["id"], "redeem-anon-1")
    assert unauthenticated["errors"][0]["code"] == "UNAUTHENTICATED"


def test_an_operator_edits_an_item_and_sells_it_out(gql, operator, customer):
    _fund(customer)
    item = _create(gql, operator, stock=1)
    edited = gql(UPDATE, {"input": {"id": item["id"], "title": "¥15 off", "pointsPrice": 300,
                                    "coupon": {"value": 1500}}}, token=operator)["data"]["updateMallItem"]
    assert edited["errors"] == [] and edited["mallItem"] == {
        "id": item["id"], "title": "¥15 off", "pointsPrice": 300, "stock": 1, "active": True,
        "coupon": {"value": {"amount": 1500}}}
    assert _redeem(gql, customer, item["id"], "redeem-last-1")["redemption"]["points"] == 300
    listed = gql(ITEMS)["data"]["mallItems"]["edges"]
    assert [(e["node"]["stock"], e["node"]["soldOut"]) for e in listed] == [(0, True)]
    sold_out = _redeem(gql, customer, item["id"], "redeem-last-2")
    assert sold_out["errors"][0]["code"] == "MALL_ITEM_GONE"
    assert _available(customer) == 700


def test_nodes_show_inactive_items_to_operators_and_redemptions_to_their_owner_only(gql, operator, customer):
    from tests.conftest import demo_token

    _fund(customer)
    hidden = _create(gql, operator, active=False)
    assert gql(NODE, {"id": hidden["id"]}, token=customer)["data"]["node"] is None
    assert gql(NODE, {"id": hidden["id"]}, token=operator)["data"]["node"] == {
        "id": hidden["id"], "title": COUPON["title"], "active": False}
    item = _create(gql, operator)
    redemption = _redeem(gql, customer, item["id"], "redeem-node-1")["redemption"]
    assert gql(NODE, {"id": redemption["id"]}, token=customer)["data"]["node"] == {"id": redemption["id"],
                                                                                    "points": 200}
    bob = demo_token(gql, "bob", "CUSTOMER")
    assert gql(NODE, {"id": redemption["id"]}, token=bob)["data"]["node"] is None
    assert gql(MY_REDEMPTIONS, {}, token=bob)["data"]["me"]["mallRedemptions"]["edges"] == []
