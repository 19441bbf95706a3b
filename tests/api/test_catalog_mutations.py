"""Catalog mutations as a client sends them: who may do what, what bad input gets
back, and that a refused request changes nothing at all."""
from __future__ import annotations

import asyncio
import json
from dataclasses import replace

import pytest

from chalicelib.core.graphql.ids import to_global_id
from chalicelib.core.ids import new_id
from tests.api.catalog_ops import (
    ADD_SKU,
    ADJUST_STOCK,
    ARCHIVE_PRODUCT,
    CREATE_CATEGORY,
    CREATE_PRODUCT,
    SET_STOCK,
    UPDATE_PRODUCT,
    UPDATE_SKU,
)
from tests.api.catalog_support import (  # noqa: F401  # other_merchant is a fixture
    assert_no_traceback,
    create_category,
    create_product,
    no_graphql_errors,
    ok,
    other_merchant,
    product_input,
    read_product,
    refused,
    table_snapshot,
)

CATEGORY_TREE = """{ categories { id name parent { id } children { id name parent { id name }
  children { id name children { id } } } } }"""


@pytest.fixture
def category(gql, operator) -> str:
    return create_category(gql, operator, "Fruit")


@pytest.fixture
def product(gql, merchant, category) -> dict:
    return create_product(gql, merchant, category)


def _absent(type_name: str, parts: int = 1) -> str:
    return to_global_id(type_name, *(new_id() for _ in range(parts)))


# ====================================================================== categories
def test_operator_creates_a_category_tree(gql, operator):
    fruit = create_category(gql, operator, "Fruit")
    citrus = create_category(gql, operator, "Citrus", parent=fruit)
    oranges = create_category(gql, operator, "Oranges", parent=citrus)
    veg = create_category(gql, operator, "  Vegetables  ")

    result = gql(CREATE_CATEGORY, {"name": "Lemons", "parentId": citrus}, token=operator)
    lemons = ok(result, "createCategory")["category"]
    assert lemons["name"] == "Lemons" and lemons["parent"] == {"id": citrus}

    tree = no_graphql_errors(gql(CATEGORY_TREE))["categories"]
    assert {c["name"]: c["id"] for c in tree} == {"Fruit": fruit, "Vegetables": veg}
    fruit_node = next(c for c in tree if c["id"] == fruit)
    assert fruit_node["parent"] is None
    assert [(c["id"], c["parent"]) for c in fruit_node["children"]] == [(citrus, {"id": fruit, "name": "Fruit"})]
    grandchildren = fruit_node["children"][0]["children"]
    assert sorted(c["id"] for c in grandchildren) == sorted([oranges, lemons["id"]])

    one = no_graphql_errors(gql("query($id: ID!) { category(id: $id) { name parent { name parent { name } } } }",
                                {"id": oranges}))["category"]
    assert one == {"name": "Oranges", "parent": {"name": "Citrus", "parent": {"name": "Fruit"}}}


def test_unknown_parent_category_is_not_found(gql, operator, category):
    before = table_snapshot()
    result = gql(CREATE_CATEGORY, {"name": "Orphan", "parentId": _absent("Category")}, token=operator)
    refused(result, "createCategory", "NOT_FOUND", ["parentId"])
    assert table_snapshot() == before


@pytest.mark.parametrize("parent", ["garbage", "", "Q2F0ZWdvcnk6", "UHJvZHVjdDowMUo="])
def test_malformed_parent_id_is_invalid_id(gql, operator, category, parent):
    before = table_snapshot()
    refused(gql(CREATE_CATEGORY, {"name": "Orphan", "parentId": parent}, token=operator),
            "createCategory", "INVALID_ID", ["parentId"])
    assert table_snapshot() == before


def test_a_product_id_is_not_a_parent_category(gql, operator, merchant, product):
    before = table_snapshot()
    refused(gql(CREATE_CATEGORY, {"name": "Odd", "parentId": product["id"]}, token=operator),
            "createCategory", "INVALID_ID", ["parentId"])
    assert table_snapshot() == before


@pytest.mark.parametrize("name", ["", "   ", "x" * 65])
def test_category_name_is_required_and_bounded(gql, operator, name):
    before = table_snapshot()
    refused(gql(CREATE_CATEGORY, {"name": name}, token=operator), "createCategory", "INVALID", ["name"])
    assert table_snapshot() == before


@pytest.mark.parametrize("who,code", [("customer", "FORBIDDEN"), ("merchant", "FORBIDDEN"),
                                      (None, "UNAUTHENTICATED")])
def test_only_operators_create_categories(request, gql, operator, category, who, code):
    token = request.getfixturevalue(who) if who else None
    before = table_snapshot()
    result = gql(CREATE_CATEGORY, {"name": "Sneaky", "parentId": category}, token=token)
    refused(result, "createCategory", code, None)
    assert table_snapshot() == before
    assert [c["name"] for c in no_graphql_errors(gql(CATEGORY_TREE))["categories"]] == ["Fruit"]


# ====================================================================== the merchant's life cycle
def test_merchant_creates_updates_restocks_and_archives_a_product(gql, merchant, operator, category):
    created = create_product(
        gql, merchant, category,
        name="  Hainan Mango ", tags=["Summer", "fruit", "SUMMER", "热带"], green=True,
    )
    assert created["name"] == "Hainan Mango"
    assert created["status"] == "DRAFT"
    assert created["green"] is True
    assert created["tags"] == ["summer", "fruit", "热带"]
    assert created["category"]["id"] == category
    assert [(s["code"], s["price"], s["attributes"], s["stock"]) for s in created["skus"]] == [
        ("M-L", {"amount": 1999, "currency": "CNY"}, [{"name": "size", "value": "L"}],
         {"available": 10, "reserved": 0, "sold": 0}),
        ("M-S", {"amount": 999, "currency": "CNY"}, [{"name": "size", "value": "S"}],
         {"available": 5, "reserved": 0, "sold": 0}),
    ]
    pid = created["id"]
    page = read_product(gql, merchant, pid)
    assert page["name"] == "Hainan Mango" and page["description"] == "Hainan mango"
    assert page["media"] == [{"url": "https://img.example.cn/mango.jpg", "kind": "IMAGE"}]
    assert page["priceRange"] == {"start": {"amount": 999}, "stop": {"amount": 1999}}
    assert [s["id"] for s in page["skus"]] == [s["id"] for s in created["skus"]]

    # update some fields; the rest stay
    updated = ok(gql(UPDATE_PRODUCT, {"input": {"id": pid, "name": "Mango (5 kg)", "tags": ["Fruit", "gift"]}},
                     token=merchant), "updateProduct")["product"]
    assert updated == {"id": pid, "name": "Mango (5 kg)", "status": "DRAFT", "tags": ["fruit", "gift"],
                       "category": {"id": category}}
    page = read_product(gql, merchant, pid)
    assert page["description"] == "Hainan mango" and page["green"] is True and len(page["media"]) == 1

    # add a SKU
    sku = ok(gql(ADD_SKU, {"input": {"productId": pid, "sku": {"code": "M-XL", "price": 2999, "stock": 3,
                                                                 "attributes": [{"name": "size", "value": "XL"}]}}},
                 token=merchant), "addSku")["sku"]
    assert sku["code"] == "M-XL" and sku["price"] == {"amount": 2999, "currency": "CNY"}
    page = read_product(gql, merchant, pid)
    assert [s["code"] for s in page["skus"]] == ["M-L", "M-S", "M-XL"]
    assert page["skus"][2]["stock"] == {"available": 3, "reserved": 0, "sold": 0}
    assert page["priceRange"]["stop"] == {"amount": 2999}

    # change a SKU's price (and only its price)
    first = page["skus"][0]["id"]
    changed = ok(gql(UPDATE_SKU, {"input": {"id": first, "price": 1799}}, token=merchant), "updateSku")["sku"]
    assert changed == {"id": first, "code": "M-L", "price": {"amount": 1799, "currency": "CNY"}}
    after = read_product(gql, merchant, pid)["skus"][0]
    assert after["attributes"] == [{"name": "size", "value": "L"}] and after["stock"]["available"] == 10

    # stock: set, add, remove
    assert ok(gql(SET_STOCK, {"skuId": first, "quantity": 40}, token=merchant), "setStock")["sku"]["stock"] == {
        "available": 40}
    assert ok(gql(ADJUST_STOCK, {"skuId": first, "delta": 5}, token=merchant), "adjustStock")["sku"]["stock"] == {
        "available": 45}
    assert ok(gql(ADJUST_STOCK, {"skuId": first, "delta": -45}, token=merchant), "adjustStock")["sku"]["stock"] == {
        "available": 0}
    s = read_product(gql, merchant, pid)["skus"][0]
    assert s["stock"] == {"available": 0, "reserved": 0, "sold": 0} and s["inStock"] is False

    # activate, then archive (terminal)
    active = ok(gql(UPDATE_PRODUCT, {"input": {"id": pid, "status": "ACTIVE"}}, token=merchant), "updateProduct")
    assert active["product"]["status"] == "ACTIVE"
    archived = ok(gql(ARCHIVE_PRODUCT, {"id": pid}, token=merchant), "archiveProduct")["product"]
    assert archived == {"id": pid, "status": "ARCHIVED"}
    assert read_product(gql, merchant, pid)["status"] == "ARCHIVED"
    assert read_product(gql, operator, pid)["status"] == "ARCHIVED"

    before = table_snapshot()
    refused(gql(UPDATE_PRODUCT, {"input": {"id": pid, "status": "ACTIVE"}}, token=merchant), "updateProduct",
            "INVALID")
    refused(gql(UPDATE_PRODUCT, {"input": {"id": pid, "name": "Back again"}}, token=merchant), "updateProduct",
            "INVALID")
    refused(gql(ADD_SKU, {"input": {"productId": pid, "sku": {"code": "NEW", "price": 1}}}, token=merchant),
            "addSku", "INVALID", ["productId"])
    assert table_snapshot() == before


def test_a_product_can_be_created_active_when_it_has_skus(gql, merchant, category):
    created = create_product(gql, merchant, category, status="ACTIVE")
    assert created["status"] == "ACTIVE"


def test_a_product_without_skus_cannot_be_active(gql, merchant, category):
    before = table_snapshot()
    refused(gql(CREATE_PRODUCT, {"input": product_input(category, skus=[], status="ACTIVE")}, token=merchant),
            "createProduct", "INVALID", ["status"])
    assert table_snapshot() == before
    draft = create_product(gql, merchant, category, skus=[])
    before = table_snapshot()
    refused(gql(UPDATE_PRODUCT, {"input": {"id": draft["id"], "status": "ACTIVE"}}, token=merchant),
            "updateProduct", "INVALID", ["status"])
    assert table_snapshot() == before


def test_exactly_50_skus_is_the_most_a_product_has(gql, merchant, category):
    skus = [{"code": f"C{i}", "price": 100 + i} for i in range(50)]
    created = create_product(gql, merchant, category, skus=skus, tags=[f"t{i}" for i in range(10)])
    assert len(created["skus"]) == 50
    before = table_snapshot()
    refused(gql(ADD_SKU, {"input": {"productId": created["id"], "sku": {"code": "C50", "price": 1}}},
                token=merchant), "addSku", "INVALID", ["productId"])
    assert table_snapshot() == before


# ====================================================================== who may change a product
def _operations(category: str, product: dict) -> dict[str, tuple[str, dict]]:
    pid, sku = product["id"], product["skus"][0]["id"]
    return {
        "createProduct": (CREATE_PRODUCT, {"input": product_input(category, name="Not mine")}),
        "updateProduct": (UPDATE_PRODUCT, {"input": {"id": pid, "name": "Hijacked", "status": "ACTIVE"}}),
        "archiveProduct": (ARCHIVE_PRODUCT, {"id": pid}),
        "addSku": (ADD_SKU, {"input": {"productId": pid, "sku": {"code": "X", "price": 1, "stock": 9}}}),
        "updateSku": (UPDATE_SKU, {"input": {"id": sku, "price": 1}}),
        "setStock": (SET_STOCK, {"skuId": sku, "quantity": 0}),
        "adjustStock": (ADJUST_STOCK, {"skuId": sku, "delta": -1}),
    }


PRODUCT_OPERATIONS = ["createProduct", "updateProduct", "archiveProduct", "addSku", "updateSku", "setStock",
                      "adjustStock"]


@pytest.mark.parametrize("operation", PRODUCT_OPERATIONS)
def test_customer_cannot_change_the_catalog(gql, merchant, customer, category, product, operation):
    query, variables = _operations(category, product)[operation]
    before, seen_before = table_snapshot(), read_product(gql, merchant, product["id"])
    refused(gql(query, variables, token=customer), operation, "FORBIDDEN", None)
    assert read_product(gql, merchant, product["id"]) == seen_before
    assert table_snapshot() == before


@pytest.mark.parametrize("operation", PRODUCT_OPERATIONS)
def test_anonymous_caller_must_sign_in(gql, merchant, category, product, operation):
    query, variables = _operations(category, product)[operation]
    before, seen_before = table_snapshot(), read_product(gql, merchant, product["id"])
    response = gql.raw(query, variables)
    assert response.status_code == 200
    refused(json.loads(response.body), operation, "UNAUTHENTICATED", None)
    assert read_product(gql, merchant, product["id"]) == seen_before
    assert table_snapshot() == before


@pytest.mark.parametrize("operation", PRODUCT_OPERATIONS[1:])
def test_another_merchant_cannot_change_my_product(gql, merchant, other_merchant, category, product, operation):
    query, variables = _operations(category, product)[operation]
    before, seen_before = table_snapshot(), read_product(gql, merchant, product["id"])
    refused(gql(query, variables, token=other_merchant), operation, "FORBIDDEN", None)
    assert read_product(gql, merchant, product["id"]) == seen_before
    assert table_snapshot() == before


def test_another_merchant_cannot_even_see_my_draft(gql, merchant, other_merchant, product):
    assert read_product(gql, other_merchant, product["id"]) is None


def test_operator_can_change_any_merchants_product(gql, merchant, operator, category, product):
    pid, sku = product["id"], product["skus"][0]["id"]
    ok(gql(UPDATE_PRODUCT, {"input": {"id": pid, "name": "Fixed by ops", "status": "ACTIVE"}}, token=operator),
       "updateProduct")
    ok(gql(ADD_SKU, {"input": {"productId": pid, "sku": {"code": "OPS", "price": 5}}}, token=operator), "addSku")
    ok(gql(UPDATE_SKU, {"input": {"id": sku, "price": 1500}}, token=operator), "updateSku")
    ok(gql(SET_STOCK, {"skuId": sku, "quantity": 7}, token=operator), "setStock")
    ok(gql(ADJUST_STOCK, {"skuId": sku, "delta": -2}, token=operator), "adjustStock")
    page = read_product(gql, merchant, pid)  # still the merchant's product
    assert page["name"] == "Fixed by ops" and page["status"] == "ACTIVE"
    assert [s["code"] for s in page["skus"]] == ["M-L", "M-S", "OPS"]
    assert page["skus"][0]["price"]["amount"] == 1500 and page["skus"][0]["stock"]["available"] == 5
    ok(gql(ARCHIVE_PRODUCT, {"id": pid}, token=operator), "archiveProduct")
    assert read_product(gql, merchant, pid)["status"] == "ARCHIVED"


# ====================================================================== bad input to createProduct
def _sku(**overrides) -> dict:
    return {"code": "M-L", "price": 1999, "stock": 10, **overrides}


BAD_CREATE = [
    ("negative price", {"skus": [_sku(price=-1)]}, "INVALID", ["skus", "0", "price"]),
    ("negative price on the second SKU", {"skus": [_sku(), _sku(code="B", price=-500)]}, "INVALID",
     ["skus", "1", "price"]),
    ("empty name", {"name": ""}, "INVALID", ["name"]),
    ("blank name", {"name": "   "}, "INVALID", ["name"]),
    ("name too long", {"name": "x" * 121}, "INVALID", ["name"]),
    ("51 SKUs", {"skus": [_sku(code=f"C{i}") for i in range(51)]}, "INVALID", ["skus"]),
    ("duplicate SKU codes", {"skus": [_sku(code="A"), _sku(code="B"), _sku(code="A")]}, "INVALID",
     ["skus", "2", "code"]),
    ("duplicate SKU codes after trimming", {"skus": [_sku(code="A"), _sku(code=" A ")]}, "INVALID",
     ["skus", "1", "code"]),
    ("empty SKU code", {"skus": [_sku(code=" ")]}, "INVALID", ["skus", "0", "code"]),
    ("http media", {"media": [{"url": "http://img.example.cn/a.jpg"}]}, "INVALID", ["media", "0", "url"]),
    ("10 media", {"media": [{"url": f"https://img.example.cn/{i}.jpg"} for i in range(10)]}, "INVALID", ["media"]),
    ("11 tags", {"tags": [f"t{i}" for i in range(11)]}, "INVALID", ["tags"]),
    ("bad tag", {"tags": ["ok", "not ok"]}, "INVALID", ["tags", "1"]),
    ("negative stock", {"skus": [_sku(stock=-1)]}, "INVALID", ["skus", "0", "stock"]),
    ("stock over the maximum", {"skus": [_sku(stock=10_000_001)]}, "INVALID", ["skus", "0", "stock"]),
    ("duplicate attribute", {"skus": [_sku(attributes=[{"name": "size", "value": "L"}, {"name": "size", "value": "M"}])]},
     "INVALID", ["skus", "0", "attributes", "1", "name"]),
    ("six attributes", {"skus": [_sku(attributes=[{"name": f"a{i}", "value": "v"} for i in range(6)])]},
     "INVALID", ["skus", "0", "attributes"]),
    ("unknown category", {"categoryId": to_global_id("Category", "01J00000000000000000000000")}, "NOT_FOUND",
     ["categoryId"]),
    ("malformed category id", {"categoryId": "garbage"}, "INVALID_ID", ["categoryId"]),
    ("base64 garbage category id", {"categoryId": "Q2F0ZWdvcnk6bm9wZQ"}, "INVALID_ID", ["categoryId"]),
    ("a product id as category", {"categoryId": to_global_id("Product", "01J00000000000000000000000")}, "INVALID_ID",
     ["categoryId"]),
]


@pytest.mark.parametrize("case,overrides,code,field", BAD_CREATE, ids=[c[0] for c in BAD_CREATE])
def test_create_product_refuses_bad_input(gql, merchant, category, case, overrides, code, field):
    before = table_snapshot()
    result = gql(CREATE_PRODUCT, {"input": product_input(category, status="ACTIVE", **overrides)}, token=merchant)
    refused(result, "createProduct", code, field)
    assert table_snapshot() == before


@pytest.mark.parametrize("price", [19.99, 1999.5, 10**12 + 1, 2**31, "1999"], ids=repr)
def test_price_that_is_not_a_graphql_int_is_a_validation_error(gql, merchant, category, price):
    """GraphQL Int is a 32-bit whole number: a float (or a number beyond Int) is the
    client's mistake, reported as such before any resolver runs."""
    before = table_snapshot()
    response = gql.raw(CREATE_PRODUCT, {"input": product_input(category, skus=[_sku(price=price)])}, token=merchant)
    assert_no_traceback(response.body)
    result = json.loads(response.body)
    assert result.get("data") is None, result
    assert len(result["errors"]) == 1
    error = result["errors"][0]
    assert "price" in error["message"]
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED", error
    assert table_snapshot() == before


def test_bad_variable_message_is_not_masked_in_production(merchant):
    """Outside local, unexpected errors are masked; a client's bad variable is not
    unexpected and must still say what is wrong."""
    from chalicelib.core.graphql.context import RequestContext
    from chalicelib.core.settings import settings
    from chalicelib.schema import build_schema

    prod = replace(settings(), stage="prod")
    variables = {"input": {"categoryId": _absent("Category"), "name": "Mango", "skus": [_sku(price=19.99)]}}
    result = asyncio.run(build_schema(prod).execute(
        CREATE_PRODUCT, variable_values=variables,
        context_value=RequestContext(settings=prod, principal=None, request_id="req-1"),
    ))
    assert result.data is None
    error = result.errors[0]
    assert "19.99" in error.message, error.message
    assert error.extensions["code"] != "INTERNAL_ERROR"


# ====================================================================== bad input to the other mutations
def test_update_product_refuses_bad_input(gql, merchant, category, product):
    pid = product["id"]
    cases = [
        ({"name": ""}, "INVALID", ["name"]),
        ({"tags": [f"t{i}" for i in range(11)]}, "INVALID", ["tags"]),
        ({"media": [{"url": "http://img.example.cn/a.jpg"}]}, "INVALID", ["media", "0", "url"]),
        ({"categoryId": _absent("Category")}, "NOT_FOUND", ["categoryId"]),
        ({"categoryId": "nope"}, "INVALID_ID", ["categoryId"]),
        ({"categoryId": pid}, "INVALID_ID", ["categoryId"]),
    ]
    for changes, code, field in cases:
        before = table_snapshot()
        refused(gql(UPDATE_PRODUCT, {"input": {"id": pid, **changes}}, token=merchant), "updateProduct", code, field)
        assert table_snapshot() == before, changes


@pytest.mark.parametrize("bad_id,code", [
    ("garbage", "INVALID_ID"),
    ("", "INVALID_ID"),
    ("UHJvZHVjdDpub3BlCg", "INVALID_ID"),
    ("category", "INVALID_ID"),  # replaced by a real Category id below
    ("sku", "INVALID_ID"),  # replaced by a real Sku id below
    ("absent", "NOT_FOUND"),
])
def test_product_ids_are_checked(gql, merchant, category, product, bad_id, code):
    bad_id = {"category": category, "sku": product["skus"][0]["id"],
              "absent": _absent("Product")}.get(bad_id, bad_id)
    before = table_snapshot()
    refused(gql(UPDATE_PRODUCT, {"input": {"id": bad_id, "name": "X"}}, token=merchant), "updateProduct", code, ["id"])
    refused(gql(ARCHIVE_PRODUCT, {"id": bad_id}, token=merchant), "archiveProduct", code, ["id"])
    refused(gql(ADD_SKU, {"input": {"productId": bad_id, "sku": _sku(code="Z")}}, token=merchant), "addSku", code,
            ["productId"])
    assert table_snapshot() == before


@pytest.mark.parametrize("bad_id,code", [
    ("garbage", "INVALID_ID"),
    ("product", "INVALID_ID"),  # a Product id where a Sku id is expected
    ("category", "INVALID_ID"),
    ("absent-sku", "NOT_FOUND"),  # a well-formed Sku id of the real product, no such SKU
    ("absent-product", "NOT_FOUND"),  # a well-formed Sku id of no product
])
def test_sku_ids_are_checked(gql, merchant, category, product, bad_id, code):
    real = {
        "product": product["id"],
        "category": category,
        "absent-sku": to_global_id("Sku", _parts(product["id"])[0], new_id()),
        "absent-product": _absent("Sku", 2),
    }
    bad_id = real.get(bad_id, bad_id)
    before = table_snapshot()
    # the field named is always the input field that carried the bad id
    refused(gql(SET_STOCK, {"skuId": bad_id, "quantity": 3}, token=merchant), "setStock", code, ["skuId"])
    refused(gql(ADJUST_STOCK, {"skuId": bad_id, "delta": 3}, token=merchant), "adjustStock", code, ["skuId"])
    refused(gql(UPDATE_SKU, {"input": {"id": bad_id, "price": 3}}, token=merchant), "updateSku", code, ["id"])
    assert table_snapshot() == before


def _parts(global_id: str) -> tuple[str, ...]:
    from chalicelib.core.graphql.ids import parse_global_id

    return parse_global_id(global_id)[1]


def test_stock_changes_refuse_bad_quantities(gql, merchant, product):
    sku = product["skus"][1]["id"]  # 5 available
    cases = [
        (SET_STOCK, {"skuId": sku, "quantity": -1}, "setStock", "INVALID", ["quantity"]),
        (SET_STOCK, {"skuId": sku, "quantity": 10_000_001}, "setStock", "INVALID", ["quantity"]),
        (ADJUST_STOCK, {"skuId": sku, "delta": 0}, "adjustStock", "INVALID", ["delta"]),
        (ADJUST_STOCK, {"skuId": sku, "delta": -6}, "adjustStock", "OUT_OF_STOCK", ["delta"]),
        (ADJUST_STOCK, {"skuId": sku, "delta": -10_000_001}, "adjustStock", "INVALID", ["delta"]),
    ]
    for query, variables, name, code, field in cases:
        before = table_snapshot()
        refused(gql(query, variables, token=merchant), name, code, field)
        assert table_snapshot() == before, variables
    page = read_product(gql, merchant, product["id"])
    assert page["skus"][1]["stock"] == {"available": 5, "reserved": 0, "sold": 0}
    # removing exactly what is there is fine
    assert ok(gql(ADJUST_STOCK, {"skuId": sku, "delta": -5}, token=merchant), "adjustStock")["sku"]["stock"] == {
        "available": 0}
    before = table_snapshot()
    refused(gql(ADJUST_STOCK, {"skuId": sku, "delta": -1}, token=merchant), "adjustStock", "OUT_OF_STOCK", ["delta"])
    assert table_snapshot() == before


ADD_SKU_CASES = [
    ("duplicate code", {"code": "M-L", "price": 1}, "INVALID", ["sku", "code"]),  # M-L exists already
    ("negative price", {"code": "NEW", "price": -1}, "INVALID", ["sku", "price"]),
    ("negative stock", {"code": "NEW", "price": 1, "stock": -1}, "INVALID", ["sku", "stock"]),
    ("empty code", {"code": "", "price": 1}, "INVALID", ["sku", "code"]),
    ("duplicate attribute", {"code": "NEW", "price": 1, "attributes": [{"name": "a", "value": "1"},
                                                                       {"name": "a", "value": "2"}]},
     "INVALID", ["sku", "attributes", "1", "name"]),
]


@pytest.mark.parametrize("case,sku,code,field", ADD_SKU_CASES, ids=[c[0] for c in ADD_SKU_CASES])
def test_add_sku_refuses_bad_input(gql, merchant, product, case, sku, code, field):
    before = table_snapshot()
    refused(gql(ADD_SKU, {"input": {"productId": product["id"], "sku": sku}}, token=merchant), "addSku", code, field)
    assert table_snapshot() == before


UPDATE_SKU_CASES = [
    ("the other SKU's code", {"code": "M-L"}, "INVALID", ["code"]),
    ("blank code", {"code": " "}, "INVALID", ["code"]),
    ("negative price", {"price": -1}, "INVALID", ["price"]),
    ("duplicate attribute", {"attributes": [{"name": "a", "value": "1"}, {"name": "a", "value": "2"}]}, "INVALID",
     ["attributes", "1", "name"]),
]


@pytest.mark.parametrize("case,changes,code,field", UPDATE_SKU_CASES, ids=[c[0] for c in UPDATE_SKU_CASES])
def test_update_sku_refuses_bad_input(gql, merchant, product, case, changes, code, field):
    sku = product["skus"][1]["id"]
    before = table_snapshot()
    refused(gql(UPDATE_SKU, {"input": {"id": sku, **changes}}, token=merchant), "updateSku", code, field)
    assert table_snapshot() == before


@pytest.mark.parametrize("currency", ["EUR", "cny"])
def test_a_currency_outside_the_enum_is_refused_before_anything_runs(gql, merchant, product, category, currency):
    """Currency is an enum (a closed set): an unknown or lower-case code fails validation."""
    before = table_snapshot()
    attempts = [
        gql(CREATE_PRODUCT, {"input": product_input(category, skus=[_sku(currency=currency)])}, token=merchant),
        gql(ADD_SKU, {"input": {"productId": product["id"], "sku": {"code": "NEW", "price": 1, "currency": currency}}},
            token=merchant),
        gql(UPDATE_SKU, {"input": {"id": product["skus"][0]["id"], "currency": currency}}, token=merchant),
    ]
    for result in attempts:
        assert result["data"] is None
        (error,) = result["errors"]
        assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED" and "Currency" in error["message"]
    assert table_snapshot() == before


def test_update_sku_keeps_its_own_code(gql, merchant, product):
    sku = product["skus"][0]
    assert ok(gql(UPDATE_SKU, {"input": {"id": sku["id"], "code": "M-L", "currency": "HKD"}}, token=merchant),
              "updateSku")["sku"]["price"] == {"amount": 1999, "currency": "HKD"}
