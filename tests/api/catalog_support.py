"""Helpers for the catalog API tests: call as a client, check as a client, and
compare the whole table before and after a refused request ("nothing changed")."""
from __future__ import annotations

import json
import os

import pytest

from devstack.clients import emulator_client
from tests.api.catalog_ops import (
    CREATE_CATEGORY,
    CREATE_PRODUCT,
    PRODUCT_PAGE,
)
from tests.conftest import demo_token

# A read that shows every field a mutation could change, SKU counters included.
PRODUCT_FULL = """query($id: ID!) {
  product(id: $id) { id name description status green tags media { url kind } createdAt
    category { id }
    skus { id code price { amount currency } attributes { name value } stock { available reserved sold } inStock }
    priceRange { start { amount } stop { amount } } } }"""

NODE = """query($id: ID!) { node(id: $id) { id __typename ... on Product { name status } ... on Sku { code } } }"""

PRODUCTS_IDS = """query($categoryId: ID!, $first: Int, $after: String) {
  products(categoryId: $categoryId, first: $first, after: $after) {
    edges { cursor node { id name } } pageInfo { hasNextPage endCursor } } }"""

TAG_IDS = """query($tag: String!, $first: Int, $after: String) {
  productsByTag(tag: $tag, first: $first, after: $after) {
    edges { cursor node { id name } } pageInfo { hasNextPage endCursor } } }"""


@pytest.fixture
def other_merchant(gql) -> str:
    return demo_token(gql, "ming", "MERCHANT")


def table_snapshot() -> list[dict]:
    """Every item of the table, in a stable order (a strongly consistent scan)."""
    # The cached client: building one per call loaded the service model every time (~4 ms).
    client = emulator_client("dynamodb", os.environ["AWS_ENDPOINT_URL"], os.environ["AWS_REGION"])
    items: list[dict] = []
    kwargs = {"TableName": os.environ["TUANSTACK_TABLE"], "ConsistentRead": True}
    while True:
        page = client.scan(**kwargs)
        items.extend(page["Items"])
        if "LastEvaluatedKey" not in page:
            break
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    return sorted(items, key=lambda i: json.dumps(i, sort_keys=True))


def no_graphql_errors(result: dict) -> dict:
    assert "errors" not in result, result.get("errors")
    return result["data"]


def payload(result: dict, name: str) -> dict:
    return no_graphql_errors(result)[name]


def ok(result: dict, name: str) -> dict:
    data = payload(result, name)
    assert data["errors"] == [], data["errors"]
    return data


def refused(result: dict, name: str, code: str, field: list[str] | None = "any") -> dict:
    """The payload carries exactly one UserError with ``code`` (and ``field``) and no result."""
    data = payload(result, name)
    assert len(data["errors"]) == 1, data
    error = data["errors"][0]
    assert error["code"] == code, error
    if field != "any":
        assert error["field"] == field, error
    assert error["message"], error
    result_values = [v for k, v in data.items() if k != "errors"]
    assert result_values == [None] * len(result_values), data
    return error


def graphql_error(result: dict, code: str, field: list[str] | None = "any") -> dict:
    assert result.get("errors"), result
    error = result["errors"][0]
    assert error["extensions"]["code"] == code, error
    if field != "any":
        assert error["extensions"].get("field") == field, error
    return error


def create_category(gql, token: str, name: str = "Fruit", parent: str | None = None) -> str:
    return ok(gql(CREATE_CATEGORY, {"name": name, "parentId": parent}, token=token), "createCategory")["category"]["id"]


def product_input(category_id: str, **overrides) -> dict:
    value = {
        "categoryId": category_id,
        "name": "Mango",
        "description": "Hainan mango",
        "tags": ["summer", "fruit"],
        "media": [{"url": "https://img.example.cn/mango.jpg"}],
        "skus": [
            {"code": "M-L", "price": 1999, "stock": 10, "attributes": [{"name": "size", "value": "L"}]},
            {"code": "M-S", "price": 999, "stock": 5, "attributes": [{"name": "size", "value": "S"}]},
        ],
    }
    value.update(overrides)
    return value


def create_product(gql, token: str, category_id: str, **overrides) -> dict:
    return ok(gql(CREATE_PRODUCT, {"input": product_input(category_id, **overrides)}, token=token),
              "createProduct")["product"]


def read_product(gql, token: str | None, product_id: str) -> dict | None:
    return no_graphql_errors(gql(PRODUCT_FULL, {"id": product_id}, token=token))["product"]


def listing_ids(gql, category_id: str, token: str | None = None, first: int = 100) -> list[str]:
    data = no_graphql_errors(gql(PRODUCTS_IDS, {"categoryId": category_id, "first": first}, token=token))
    return [e["node"]["id"] for e in data["products"]["edges"]]


def tag_ids(gql, tag: str, token: str | None = None, first: int = 100) -> list[str]:
    data = no_graphql_errors(gql(TAG_IDS, {"tag": tag, "first": first}, token=token))
    return [e["node"]["id"] for e in data["productsByTag"]["edges"]]


def node(gql, global_id: str, token: str | None = None) -> dict | None:
    return no_graphql_errors(gql(NODE, {"id": global_id}, token=token))["node"]


def assert_no_traceback(body: str | bytes) -> None:
    text = body.decode() if isinstance(body, bytes) else body
    for marker in ("Traceback", 'File "/', '.py", line', "site-packages", "chalicelib/", "/work/"):
        assert marker not in text, text


__all__ = [
    "PRODUCT_FULL", "NODE", "PRODUCTS_IDS", "TAG_IDS", "PRODUCT_PAGE", "other_merchant", "table_snapshot",
    "no_graphql_errors", "payload", "ok", "refused", "graphql_error", "create_category", "product_input",
    "create_product", "read_product", "listing_ids", "tag_ids", "node", "assert_no_traceback",
]
