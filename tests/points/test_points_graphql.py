"""The points stories through GraphQL, as the mini-program and an operator use them."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.api.catalog_ops import CREATE_PRODUCT
from tests.conftest import demo_token
from tests.factories import create_category
from tests.groupbuy.ops import CREATE_DEAL

ACCOUNT = """query($first: Int, $after: String) { me { id points {
  available pending pendingReleases { points availableAt } expiringSoon { points on } lifetimeEarned spent expired
  growth tier { name multiplierPermille } nextTier { name minGrowth } growthToNextTier tierProgressPercent
  checkInStreak checkedInToday
  ledger(first: $first, after: $after) { edges { cursor node { kind points reason pending } }
    pageInfo { hasNextPage endCursor } } } } }"""

CHECK_IN = """mutation { checkIn { outcome day streak points account { available checkInStreak checkedInToday }
  errors { code field message } } }"""

ADJUST = """mutation($userId: ID!, $points: Int!, $reason: String!, $key: String) {
  adjustPoints(input: {userId: $userId, points: $points, reason: $reason, idempotencyKey: $key}) {
    applied account { available } errors { code field message } } }"""

OPEN_WITH_POINTS = """mutation($dealId: ID!, $skuId: ID!, $points: Int!) {
  openTeam(input: {dealId: $dealId, skuId: $skuId, points: $points}) {
    order { id state amount { amount } pointsUsed pointsDiscount { amount } } errors { code field message } } }"""

RULES = """{ pointsRules { checkInPoints teamSuccessPoints redeemMaxPercent tiers { name minGrowth multiplierPermille }
  expiryPolicy } }"""

UPDATE_RULES = """mutation($input: UpdatePointsRulesInput!) { updatePointsRules(input: $input) {
  rules { checkInPoints tiers { name minGrowth } } errors { code field message } } }"""


def _points(gql, token, **variables) -> dict:
    body = gql(ACCOUNT, variables, token=token)
    assert "errors" not in body, body
    return body["data"]["me"]["points"]


def _user_id(gql, token) -> str:
    return gql(ACCOUNT, {}, token=token)["data"]["me"]["id"]


def _fund(gql, operator, customer, amount: int, reason: str = "welcome gift") -> None:
    result = gql(ADJUST, {"userId": _user_id(gql, customer), "points": amount, "reason": reason},
                 token=operator)["data"]["adjustPoints"]
    assert result["errors"] == [] and result["applied"] is True


def test_a_new_member_sees_an_empty_bronze_account(gql, customer):
    account = _points(gql, customer)
    assert {k: account[k] for k in ("available", "pending", "lifetimeEarned", "growth", "checkInStreak")} == {
        "available": 0, "pending": 0, "lifetimeEarned": 0, "growth": 0, "checkInStreak": 0}
    assert account["tier"] == {"name": "bronze", "multiplierPermille": 1000}
    assert account["nextTier"] == {"name": "silver", "minGrowth": 1000}
    assert account["growthToNextTier"] == 1000 and account["tierProgressPercent"] == 0
    assert account["pendingReleases"] == [] and account["expiringSoon"] is None
    assert account["ledger"]["edges"] == [] and account["checkedInToday"] is False


def test_checking_in_twice_a_day_is_a_no_op_with_a_clear_result(gql, customer):
    first = gql(CHECK_IN, token=customer)["data"]["checkIn"]
    assert first["errors"] == [] and first["outcome"] == "CHECKED_IN"
    assert (first["points"], first["streak"]) == (5, 1)
    assert first["account"] == {"available": 5, "checkInStreak": 1, "checkedInToday": True}
    again = gql(CHECK_IN, token=customer)["data"]["checkIn"]
    assert again["outcome"] == "ALREADY_CHECKED_IN" and again["points"] == 0 and again["streak"] == 1
    assert [e["code"] for e in again["errors"]] == ["ALREADY_CHECKED_IN"]
    assert again["account"]["available"] == 5
    ledger = _points(gql, customer)["ledger"]["edges"]
    assert [(e["node"]["kind"], e["node"]["points"]) for e in ledger] == [("EARN", 5)]
    assert ledger[0]["node"]["reason"].startswith("Daily check-in")


def test_checking_in_needs_a_signed_in_member(gql):
    body = gql(CHECK_IN)
    assert body["data"]["checkIn"]["errors"][0]["code"] == "UNAUTHENTICATED"


def test_an_operator_adjusts_with_a_reason_and_the_customer_sees_it(gql, operator, customer):
    user = _user_id(gql, customer)
    _fund(gql, operator, customer, 1_000, "compensation for a late delivery")
    no_reason = gql(ADJUST, {"userId": user, "points": 50, "reason": "  "}, token=operator)["data"]["adjustPoints"]
    assert no_reason["errors"][0]["code"] == "INVALID" and no_reason["errors"][0]["field"] == ["reason"]
    too_much = gql(ADJUST, {"userId": user, "points": -1_001, "reason": "fraud"}, token=operator)["data"]["adjustPoints"]
    assert too_much["errors"][0]["code"] == "NOT_ENOUGH_POINTS"
    by_customer = gql(ADJUST, {"userId": user, "points": 10, "reason": "me"}, token=customer)["data"]["adjustPoints"]
    assert by_customer["errors"][0]["code"] == "FORBIDDEN"
    keyed = {"userId": user, "points": -200, "reason": "duplicate gift", "key": "ticket-42"}
    assert gql(ADJUST, keyed, token=operator)["data"]["adjustPoints"]["applied"] is True
    replay = gql(ADJUST, keyed, token=operator)["data"]["adjustPoints"]
    assert replay["applied"] is False and replay["account"]["available"] == 800
    fractional = gql(ADJUST, {"userId": user, "points": 1.5, "reason": "x"}, token=operator)
    assert fractional.get("data") is None and fractional["errors"]  # GraphQL's Int refuses it before any resolver
    account = _points(gql, customer)
    assert account["available"] == 800
    reasons = [e["node"]["reason"] for e in account["ledger"]["edges"]]
    assert reasons == ["Adjusted by Tuanstack: duplicate gift (客服调整)",
                       "Adjusted by Tuanstack: compensation for a late delivery (客服调整)"]


def test_the_ledger_pages_with_cursors(gql, operator, customer):
    for i in range(5):
        _fund(gql, operator, customer, 10 + i, f"gift {i}")
    seen, after = [], None
    while True:
        page = _points(gql, customer, first=2, after=after)["ledger"]
        seen += [e["node"]["points"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == [14, 13, 12, 11, 10]
    bad = gql(ACCOUNT, {"first": 2, "after": "forged"}, token=customer)
    assert bad["errors"][0]["extensions"]["code"] == "INVALID_CURSOR"
    too_big = gql(ACCOUNT, {"first": 101}, token=customer)
    assert too_big["errors"][0]["extensions"]["code"] == "PAGE_SIZE_EXCEEDED"


def test_operators_read_and_change_the_rules(gql, operator, customer):
    rules = gql(RULES)["data"]["pointsRules"]
    assert rules["checkInPoints"] == 5 and rules["redeemMaxPercent"] == 50
    assert [t["name"] for t in rules["tiers"]] == ["bronze", "silver", "gold", "diamond"]
    assert rules["expiryPolicy"] == "END_OF_NEXT_CALENDAR_YEAR"
    refused = gql(UPDATE_RULES, {"input": {"checkInPoints": 8}}, token=customer)["data"]["updatePointsRules"]
    assert refused["errors"][0]["code"] == "FORBIDDEN"
    bad_tiers = gql(UPDATE_RULES, {"input": {"tiers": [{"name": "a", "minGrowth": 10, "multiplierPermille": 1000}]}},
                    token=operator)["data"]["updatePointsRules"]
    assert bad_tiers["errors"][0]["field"] == ["tiers"]
    negative = gql(UPDATE_RULES, {"input": {"checkInPoints": -1}}, token=operator)["data"]["updatePointsRules"]
    assert negative["errors"][0]["code"] == "INVALID"
    assert gql(RULES)["data"]["pointsRules"]["checkInPoints"] == 5  # refused changes changed nothing
    changed = gql(UPDATE_RULES, {"input": {"checkInPoints": 8}}, token=operator)["data"]["updatePointsRules"]
    assert changed["errors"] == [] and changed["rules"]["checkInPoints"] == 8
    assert gql(CHECK_IN, token=customer)["data"]["checkIn"]["points"] == 8


@pytest.fixture
def deal(gql, operator, merchant):
    category = create_category(gql, operator)
    product = gql(CREATE_PRODUCT, {"input": {"categoryId": category, "name": "Mango", "status": "ACTIVE",
                                             "skus": [{"code": "M", "price": 3990, "stock": 100}]}},
                  token=merchant)["data"]["createProduct"]["product"]
    sku = product["skus"][0]["id"]
    now = datetime.now(UTC)
    result = gql(CREATE_DEAL, {"input": {"productId": product["id"], "prices": [{"skuId": sku, "price": 1990}],
                                         "stock": [{"skuId": sku, "quantity": 10}], "teamSize": 2,
                                         "startsAt": (now - timedelta(minutes=1)).isoformat(),
                                         "endsAt": (now + timedelta(days=1)).isoformat()}},
                 token=merchant)["data"]["createDeal"]
    assert result["errors"] == []
    return {"id": result["deal"]["id"], "sku": sku}


def test_points_at_checkout_take_units_of_100_up_to_half_the_price(gql, operator, customer, deal):
    _fund(gql, operator, customer, 1_000)
    ask = {"dealId": deal["id"], "skuId": deal["sku"]}
    refusals = {
        150: ("POINTS_WRONG_UNIT", ["points"]),
        1_000: ("POINTS_OVER_CAP", ["points"]),  # ¥10 off ¥19.90 is over half
        -100: ("INVALID", ["points"]),
    }
    for points, (code, field) in refusals.items():
        result = gql(OPEN_WITH_POINTS, {**ask, "points": points}, token=customer)["data"]["openTeam"]
        assert result["order"] is None and (result["errors"][0]["code"], result["errors"][0]["field"]) == (code, field)
    bob = demo_token(gql, "bob", "CUSTOMER")
    _fund(gql, operator, bob, 100)
    short = gql(OPEN_WITH_POINTS, {**ask, "points": 900}, token=bob)["data"]["openTeam"]
    assert short["errors"][0]["code"] == "NOT_ENOUGH_POINTS"
    assert _points(gql, customer)["available"] == 1_000 and _points(gql, bob)["available"] == 100  # nothing changed
    opened = gql(OPEN_WITH_POINTS, {**ask, "points": 900}, token=customer)["data"]["openTeam"]
    assert opened["errors"] == []
    assert opened["order"]["amount"]["amount"] == 1_090 and opened["order"]["pointsUsed"] == 900
    assert opened["order"]["pointsDiscount"]["amount"] == 900
    account = _points(gql, customer)
    assert (account["available"], account["spent"]) == (100, 900)
    assert account["ledger"]["edges"][0]["node"]["reason"] == "Used at checkout (下单抵扣)"


def test_points_at_checkout_cost_one_query_more_than_a_plain_seat(gql, emulator, operator, customer, deal):
    from chalicelib.points import rules_store as points_store

    _fund(gql, operator, customer, 1_000)
    points_store.get_rules()  # warm, as in a container that served a request this minute
    emulator.clear_log()
    opened = gql(OPEN_WITH_POINTS, {"dealId": deal["id"], "skuId": deal["sku"], "points": 900},
                 token=customer)["data"]["openTeam"]
    assert opened["errors"] == [] and opened["order"]["pointsUsed"] == 900
    # The caller's user (every authenticated request), the deal and the buyer's openid (one batch),
    # the lots the points come from, one transaction.
    assert emulator.dynamodb_counts() == {"GetItem": 1, "BatchGetItem": 1, "Query": 1, "TransactWriteItems": 1}


def test_rules_out_of_range_are_refused(gql, operator):
    for field, value in (("pendingDays", 2_000_000_000), ("expiringSoonDays", 10**9), ("greenMultiplier", 0),
                         ("redeemMaxPercent", 101)):
        refused = gql(UPDATE_RULES, {"input": {field: value}}, token=operator)["data"]["updatePointsRules"]
        assert (refused["errors"][0]["code"], refused["errors"][0]["field"]) == ("INVALID", [field]), field
    assert gql(RULES)["data"]["pointsRules"]["redeemMaxPercent"] == 50


def test_an_adjustment_key_is_checked(gql, operator, customer):
    user = _user_id(gql, customer)
    long_key = gql(ADJUST, {"userId": user, "points": 5, "reason": "x", "key": "k" * 65},
                   token=operator)["data"]["adjustPoints"]
    assert long_key["errors"][0]["field"] == ["idempotencyKey"]
    first = {"userId": user, "points": 5, "reason": "gift", "key": "ticket-7"}
    assert gql(ADJUST, first, token=operator)["data"]["adjustPoints"]["applied"] is True
    other = gql(ADJUST, {**first, "points": 500}, token=operator)["data"]["adjustPoints"]
    assert other["errors"][0]["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert _points(gql, customer)["available"] == 5
