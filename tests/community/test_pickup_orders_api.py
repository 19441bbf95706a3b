"""Ordering for pickup through GraphQL, with graphql/operations/community_rounds.graphql as a client sends it:
the preview shows the point and no shipping, placeOrder with `pickup` places at the round price for the chosen
leader, a retry with the same key is the same order, typed errors name the input's fields, and the exact DynamoDB
requests of placing (the same for 1 line as for 10)."""
from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

from chalicelib.checkout.rules import DEFAULT_TERMS
from chalicelib.community import choosing
from chalicelib.core.clock import utc_now
from chalicelib.core.graphql.ids import from_global_id, to_global_id
from chalicelib.core.ids import new_id
from chalicelib.core.principal import Principal, Role
from chalicelib.points.rules_store import forget_cached_rules
from tests.community.pickup_support import ROUND_PRICE, leader, open_round, stocked
from tests.conftest import demo_token

OPERATIONS = (Path(__file__).parents[2] / "graphql" / "operations" / "community_rounds.graphql").read_text("utf-8")


def _op(gql, name: str, variables: dict, token: str) -> dict:
    response = gql._client.http.post("/graphql", headers={"Content-Type": "application/json",
                                                          "Authorization": f"Bearer {token}"},
                                      body=json.dumps({"query": OPERATIONS, "operationName": name,
                                                       "variables": variables}))
    assert response.status_code == 200, response.body
    answer = json.loads(response.body)
    assert "errors" not in answer, answer["errors"]
    return answer["data"]


def _customer(gql, name: str) -> tuple[str, Principal]:
    token = demo_token(gql, name, "CUSTOMER")
    (user_id,) = from_global_id(gql("{ me { id } }", token=token)["data"]["me"]["id"], "User")
    return token, Principal(user_id, Role.CUSTOMER)


def _checkout(round_id: str, shop, *quantities: int, **pickup) -> dict:
    lines = [{"skuId": to_global_id("Sku", shop.product_id, sku), "quantity": q}
             for sku, q in zip(shop.sku_ids, quantities, strict=False)]
    return {"pickup": {"roundId": to_global_id("CommunityRound", round_id), "lines": lines, **pickup}}


def _place(gql, token, checkout: dict, key: str = "pickup-key-0001") -> dict:
    return _op(gql, "PlacePickupOrder", {"input": {"checkout": checkout, "idempotencyKey": key}},
               token)["placeOrder"]


def _round(lines: int = 2, minutes: int = 120):
    shop, leader_id = stocked(skus=lines), leader()
    now = utc_now()
    return shop, leader_id, open_round(shop, [leader_id], now=now,
                                       cutoff=now.replace(microsecond=0) + timedelta(minutes=minutes))


def test_a_customer_previews_and_places_an_order_for_pickup_at_their_chosen_leader(gql):
    shop, leader_id, sold = _round()
    token, buyer = _customer(gql, "pickup-buyer")
    choosing.choose(buyer, utc_now(), leader_id=leader_id)
    checkout = _checkout(sold.id, shop, 2, 1)
    preview = _op(gql, "PickupCheckoutPreview", {"input": checkout}, token)["checkoutPreview"]
    assert (preview["items"]["amount"], preview["shipping"]["amount"], preview["total"]["amount"]) == (
        3 * ROUND_PRICE, 0, 3 * ROUND_PRICE)
    assert preview["shippingAddress"] is None
    assert preview["pickup"]["leaderId"] == to_global_id("CommunityLeader", leader_id)
    placed = _place(gql, token, checkout)
    assert placed["errors"] == [] and placed["replayed"] is False
    (order,) = placed["orders"]
    assert (order["state"], order["total"]["amount"], order["shipping"]["amount"], order["shippingAddress"]) == (
        "AWAITING_PAYMENT", 3 * ROUND_PRICE, 0, None)
    assert order["pickup"] == preview["pickup"]
    assert order["pickup"]["pickupOn"] == sold.pickup_on.isoformat()
    assert datetime.fromisoformat(placed["payment"]["payBy"]) <= utc_now() + timedelta(seconds=DEFAULT_TERMS.payment_window_seconds)
    again = _place(gql, token, checkout)
    assert again["replayed"] is True and again["orders"][0]["id"] == order["id"]


def test_the_payment_is_due_at_the_cutoff_when_it_comes_first(gql):
    shop, leader_id, sold = _round(minutes=5)  # the cutoff sooner than the payment window's end
    token, _ = _customer(gql, "pickup-late")
    placed = _place(gql, token, _checkout(sold.id, shop, 1, leaderId=to_global_id("CommunityLeader", leader_id)))
    assert placed["errors"] == [] and datetime.fromisoformat(placed["payment"]["payBy"]) == sold.cutoff_at


def test_typed_errors_name_the_input_s_fields(gql):
    shop, leader_id, sold = _round()
    token, _ = _customer(gql, "pickup-errors")
    no_leader = _place(gql, token, _checkout(sold.id, shop, 1))
    assert [(e["code"], e["field"]) for e in no_leader["errors"]] == [("REQUIRED", ["pickup", "leaderId"])]
    over = _place(gql, token, _checkout(sold.id, shop, 4, leaderId=to_global_id("CommunityLeader", leader_id)))
    assert [(e["code"], e["field"]) for e in over["errors"]] == [("LIMIT_REACHED", ["pickup", "lines", "0",
                                                                                    "quantity"])]
    with_address = _place(gql, token, {**_checkout(sold.id, shop, 1), "addressId": to_global_id("Address", new_id())})
    assert [e["code"] for e in with_address["errors"]] == ["INVALID"]
    bad_round = _place(gql, token, {"pickup": {"roundId": "nope", "lines": []}})
    assert [(e["code"], e["field"]) for e in bad_round["errors"]] == [("INVALID_ID", ["pickup", "roundId"])]


# GetItems: the caller, the idempotency key, the chosen leader (none named), the points account and rules, the
# payer's openid (the user again). Queries: the coupons. BatchGetItems: the round with the leader, the SKUs with
# their products. Then ONE TransactWriteItems; the answer's lines: their products and SKUs (2 BatchGetItems).
PLACE_PICKUP_REQUESTS = {"GetItem": 6, "Query": 1, "BatchGetItem": 4, "TransactWriteItems": 1}


def test_placing_for_pickup_costs_the_same_requests_for_one_line_as_for_ten(gql, emulator):
    counts = []
    for lines in (1, 10):
        shop, leader_id, sold = _round(lines)
        token, buyer = _customer(gql, f"pickup-lines-{lines}")
        choosing.choose(buyer, utc_now(), leader_id=leader_id)
        forget_cached_rules()
        emulator.clear_log()
        placed = _place(gql, token, _checkout(sold.id, shop, *([1] * lines)))
        assert placed["errors"] == [] and len(placed["orders"][0]["lines"]) == lines
        counts.append(emulator.dynamodb_counts())
    assert counts[0] == counts[1] == PLACE_PICKUP_REQUESTS
