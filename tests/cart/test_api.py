"""The cart through GraphQL, with the example operations of graphql/operations/cart.graphql:
add twice sums, update, remove, select, the status and price flags, typed errors that change
nothing, signed out, owner-only nodes, and the exact DynamoDB requests of the view."""
from __future__ import annotations

import json
from pathlib import Path

import jwt
import pytest

from chalicelib.cart import keys
from chalicelib.catalog import service as catalog
from chalicelib.core.clock import utc_now
from chalicelib.core.graphql.ids import to_global_id
from chalicelib.core.table.models import TableItem
from tests.cart.support import MERCHANT, fill_cart, sku_gid, skus

OPERATIONS = (Path(__file__).parents[2] / "graphql" / "operations" / "cart.graphql").read_text()


def op(gql, name: str, variables: dict | None = None, token: str | None = None) -> dict:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    response = gql._client.http.post("/graphql", headers=headers, body=json.dumps(
        {"query": OPERATIONS, "operationName": name, "variables": variables or {}}))
    assert response.status_code == 200, response.body
    return json.loads(response.body)


def _payload(answer: dict, field: str) -> dict:
    return answer["data"][field]


def _user_id(token: str) -> str:
    return jwt.decode(token, options={"verify_signature": False})["sub"]


def _cart_items(user_id: str) -> list[dict]:
    return [item.serialize() for item in TableItem.query(keys.cart_pk(user_id), consistent_read=True)]


def test_add_twice_sums_then_update_select_and_remove(gql, customer):
    (pair,) = skus(1, price=990)
    added = _payload(op(gql, "AddToCart", {"skuId": sku_gid(pair), "quantity": 2}, customer), "addToCart")
    assert added["errors"] == []
    again = _payload(op(gql, "AddToCart", {"skuId": sku_gid(pair), "quantity": 3}, customer), "addToCart")
    cart = again["cart"]
    [line] = cart["lines"]
    assert (line["quantity"], line["selected"], line["status"], line["skuId"]) == (5, True, "AVAILABLE", sku_gid(pair))
    assert line["lineTotal"] == {"amount": 4950, "currency": "CNY"}
    assert cart["selectedSubtotal"]["amount"] == 4950 and cart["lineCount"] == 1
    assert line["sku"]["id"] == sku_gid(pair) and line["product"]["id"] == to_global_id("Product", pair[0])
    assert cart["id"] == to_global_id("Cart", _user_id(customer))

    updated = _payload(op(gql, "UpdateCartLine", {"skuId": sku_gid(pair), "quantity": 4, "selected": False},
                          customer), "updateCartLine")["cart"]
    assert (updated["lines"][0]["quantity"], updated["lines"][0]["selected"], updated["selectedLineCount"]) == (
        4, False, 0)
    selected = _payload(op(gql, "SelectCartLines", {"all": True, "selected": True}, customer),
                        "selectCartLines")["cart"]
    assert (selected["selectedLineCount"], selected["selectedQuantity"], selected["selectedSubtotal"]["amount"]) == (
        1, 4, 3960)
    removed = _payload(op(gql, "RemoveFromCart", {"skuIds": [sku_gid(pair)]}, customer), "removeFromCart")
    assert removed["errors"] == [] and removed["cart"]["lines"] == [] and removed["cart"]["lineCount"] == 0


def test_price_change_archived_and_out_of_stock_lines_are_flagged(gql, customer):
    cheaper, archived, empty = skus(1, price=1000), skus(1), skus(1, stock=5)
    for (pair,) in (cheaper, archived, empty):
        assert _payload(op(gql, "AddToCart", {"skuId": sku_gid(pair)}, customer), "addToCart")["errors"] == []
    catalog.update_sku(MERCHANT, *cheaper[0], catalog.SkuChanges(price=800))
    catalog.archive_product(MERCHANT, archived[0][0], utc_now())
    catalog.set_stock(MERCHANT, *empty[0], 0)
    cart = op(gql, "MyCart", token=customer)["data"]["me"]["cart"]
    by_sku = {line["skuId"]: line for line in cart["lines"]}
    flagged = by_sku[sku_gid(cheaper[0])]
    assert (flagged["priceChanged"], flagged["unitPrice"]["amount"], flagged["unitPriceWhenAdded"]["amount"],
            flagged["status"]) == (True, 800, 1000, "AVAILABLE")
    assert by_sku[sku_gid(archived[0])]["status"] == "ARCHIVED"
    assert by_sku[sku_gid(archived[0])]["product"]["name"] == "Mango"  # still shown, not dropped
    assert by_sku[sku_gid(empty[0])]["status"] == "OUT_OF_STOCK"
    assert (cart["lineCount"], cart["selectedLineCount"], cart["selectedSubtotal"]["amount"]) == (3, 1, 800)


@pytest.mark.parametrize(("variables", "code", "field"), [
    ({"quantity": 100}, "INVALID", ["quantity"]),
    ({"quantity": 0}, "INVALID", ["quantity"]),
    ({"skuId": to_global_id("Product", "01J00000000000000000000000")}, "INVALID_ID", ["skuId"]),
    ({"skuId": to_global_id("Sku", "01J00000000000000000000000", "01J00000000000000000000001")}, "NOT_FOUND",
     ["skuId"]),
    ({"archived": True}, "PRODUCT_NOT_AVAILABLE", ["skuId"]),
])
def test_bad_input_is_a_typed_error_and_changes_nothing(gql, customer, variables, code, field):
    (pair,) = skus(1)
    assert _payload(op(gql, "AddToCart", {"skuId": sku_gid(pair), "quantity": 3}, customer), "addToCart")["errors"] == []
    if variables.pop("archived", False):
        catalog.archive_product(MERCHANT, pair[0], utc_now())
    before = _cart_items(_user_id(customer))
    answer = _payload(op(gql, "AddToCart", {"skuId": sku_gid(pair), **variables}, customer), "addToCart")
    assert answer["cart"] is None
    assert [(e["code"], e["field"]) for e in answer["errors"]] == [(code, field)]
    assert _cart_items(_user_id(customer)) == before


def test_update_of_a_sku_not_in_the_cart_and_a_101st_line_are_typed_errors(gql, customer):
    pairs = skus(101)
    fill_cart(_user_id(customer), pairs[:100])
    missing = _payload(op(gql, "UpdateCartLine", {"skuId": sku_gid(pairs[100]), "quantity": 2}, customer),
                       "updateCartLine")
    assert [(e["code"], e["field"]) for e in missing["errors"]] == [("NOT_FOUND", ["skuId"])]
    full = _payload(op(gql, "AddToCart", {"skuId": sku_gid(pairs[100])}, customer), "addToCart")
    assert [(e["code"], e["field"]) for e in full["errors"]] == [("CART_FULL", ["skuId"])]
    assert "100" in full["errors"][0]["message"]


def test_signed_out_is_unauthenticated_in_the_payload_and_on_me(gql):
    (pair,) = skus(1)
    answer = _payload(op(gql, "AddToCart", {"skuId": sku_gid(pair)}), "addToCart")
    assert [e["code"] for e in answer["errors"]] == ["UNAUTHENTICATED"] and answer["cart"] is None
    me = op(gql, "MyCart")
    assert me["data"]["me"] is None and me["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_cart_and_lines_are_nodes_for_their_owner_only(gql, customer):
    from tests.conftest import demo_token

    (pair,) = skus(1)
    cart = _payload(op(gql, "AddToCart", {"skuId": sku_gid(pair)}, customer), "addToCart")["cart"]
    query = "query($id: ID!) { node(id: $id) { id ... on CartLine { quantity } ... on Cart { lineCount } } }"
    line_id = cart["lines"][0]["id"]
    assert gql(query, {"id": line_id}, token=customer)["data"]["node"] == {"id": line_id, "quantity": 1}
    assert gql(query, {"id": cart["id"]}, token=customer)["data"]["node"] == {"id": cart["id"], "lineCount": 1}
    bob = demo_token(gql, "bob", "CUSTOMER")
    assert gql(query, {"id": line_id}, token=bob)["data"]["node"] is None
    assert gql(query, {"id": cart["id"]}, token=bob)["data"]["node"] is None


# 1 Query of the cart's partition + 1 BatchGetItem per 100 keys (distinct products + SKUs),
# besides the caller's user (one GetItem per authenticated request). With 50 SKUs a product,
# 100 lines are 2 products + 100 SKUs = 102 keys: 2 BatchGetItem.
@pytest.mark.parametrize(("lines", "batches"), [(1, 1), (10, 1), (100, 2)])
def test_the_cart_view_costs_one_query_and_one_batch_per_100_keys(gql, emulator, customer, lines, batches):
    fill_cart(_user_id(customer), skus(lines))
    emulator.clear_log()
    cart = op(gql, "MyCart", token=customer)["data"]["me"]["cart"]
    assert cart["lineCount"] == lines and all(line["sku"]["stock"]["available"] == 10 for line in cart["lines"])
    assert emulator.dynamodb_counts() == {"GetItem": 1, "Query": 1, "BatchGetItem": batches}


def test_100_lines_of_100_products_also_cost_two_batches(emulator):
    from chalicelib.cart import service
    from tests.cart.support import customer

    buyer = customer()
    pairs = [pair for _ in range(100) for pair in skus(1)]
    fill_cart(buyer.user_id, pairs)
    emulator.clear_log()
    assert service.own_cart(buyer).line_count == 100
    assert emulator.dynamodb_counts() == {"Query": 1, "BatchGetItem": 2}  # 200 keys: the most a cart can need

