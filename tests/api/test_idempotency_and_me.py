"""Client idempotency keys on stock adjustments, and the merchant's own listing."""
from __future__ import annotations

import json
import threading

from tests.factories import create_category, create_product

ADJUST = """mutation($skuId: ID!, $delta: Int!, $key: String) {
  adjustStock(input: {skuId: $skuId, delta: $delta, idempotencyKey: $key}) {
    sku { stock { available } } errors { code field message } } }"""
STOCK = "query($id: ID!) { product(id: $id) { skus { stock { available } } } }"


def _sku(gql, operator, merchant, stock=10):
    product = create_product(gql, merchant, create_category(gql, operator), stock=stock)
    return product["id"], product["skus"][0]["id"]


def _available(gql, token, product_id):
    return gql(STOCK, {"id": product_id}, token=token)["data"]["product"]["skus"][0]["stock"]["available"]


def test_a_retried_adjustment_applies_once(gql, operator, merchant):
    product_id, sku_id = _sku(gql, operator, merchant)
    for _ in range(3):
        result = gql(ADJUST, {"skuId": sku_id, "delta": 5, "key": "restock-2026-11-21"}, token=merchant)
        assert result["data"]["adjustStock"]["errors"] == []
        assert result["data"]["adjustStock"]["sku"]["stock"]["available"] == 15
    assert _available(gql, merchant, product_id) == 15


def test_the_same_key_with_another_request_is_refused_and_changes_nothing(gql, operator, merchant):
    product_id, sku_id = _sku(gql, operator, merchant)
    gql(ADJUST, {"skuId": sku_id, "delta": 5, "key": "restock-0001"}, token=merchant)
    result = gql(ADJUST, {"skuId": sku_id, "delta": 7, "key": "restock-0001"}, token=merchant)["data"]["adjustStock"]
    assert result["errors"][0]["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert result["errors"][0]["field"] == ["idempotencyKey"]
    assert _available(gql, merchant, product_id) == 15


def test_keys_are_per_caller(gql, operator, merchant):
    product_id, sku_id = _sku(gql, operator, merchant)
    gql(ADJUST, {"skuId": sku_id, "delta": 5, "key": "shared-key-1"}, token=merchant)
    result = gql(ADJUST, {"skuId": sku_id, "delta": 5, "key": "shared-key-1"}, token=operator)
    assert result["data"]["adjustStock"]["errors"] == []
    assert _available(gql, merchant, product_id) == 20


def test_a_malformed_key_is_refused(gql, operator, merchant):
    product_id, sku_id = _sku(gql, operator, merchant)
    result = gql(ADJUST, {"skuId": sku_id, "delta": 5, "key": "short"}, token=merchant)["data"]["adjustStock"]
    assert result["errors"][0]["code"] == "INVALID" and result["errors"][0]["field"] == ["idempotencyKey"]
    assert _available(gql, merchant, product_id) == 10


def test_concurrent_retries_with_one_key_apply_once(client, gql, operator, merchant):
    from chalicelib.catalog import service as catalog
    from chalicelib.core.graphql.ids import from_global_id
    from chalicelib.core.settings import settings
    from chalicelib.core.tokens import verify

    product_id, sku_gid = _sku(gql, operator, merchant)
    pid, sid = from_global_id(sku_gid, "Sku")
    principal = verify(settings(), merchant)
    start = threading.Barrier(8)
    outcomes: list[str] = []

    def retry() -> None:
        start.wait()
        catalog.adjust_stock(principal, pid, sid, -4, "sale-0042-abc")
        outcomes.append("ok")

    threads = [threading.Thread(target=retry) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes == ["ok"] * 8
    assert _available(gql, merchant, product_id) == 6


def test_me_products_lists_a_merchant_s_drafts_and_refuses_customers(gql, operator, merchant, customer):
    category = create_category(gql, operator)
    draft = create_product(gql, merchant, category, name="Draft", status="DRAFT")
    active = create_product(gql, merchant, category, name="Live")
    query = "{ me { products(first: 10) { edges { node { id status } } pageInfo { hasNextPage } } } }"
    edges = gql(query, token=merchant)["data"]["me"]["products"]["edges"]
    assert [(e["node"]["id"], e["node"]["status"]) for e in edges] == [(active["id"], "ACTIVE"), (draft["id"], "DRAFT")]
    refused = gql(query, token=customer)
    assert refused["data"] == {"me": {"products": None}} and refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_bad_http_bodies_get_400_with_a_code(client):
    for body in (b"not json", b"[]", json.dumps({"query": ""}).encode(), json.dumps({"query": "{a}", "variables": 3}).encode()):
        response = client.http.post("/graphql", headers={"Content-Type": "application/json"}, body=body)
        assert response.status_code == 400
        assert json.loads(response.body)["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
