"""Catalog reads as a client sends them: who sees what, pagination, request limits,
authentication failures, introspection, and error hygiene."""
from __future__ import annotations

import base64
import json
from datetime import timedelta

import jwt
import pytest

from chalicelib.core.graphql.ids import parse_global_id, to_global_id
from chalicelib.core.ids import new_id
from tests.api.catalog_ops import (
    ARCHIVE_PRODUCT,
    CREATE_CATEGORY,
    CREATE_PRODUCT,
    PRODUCTS,
    PRODUCTS_BY_TAG,
    UPDATE_PRODUCT,
)
from tests.api.catalog_support import (  # noqa: F401  # other_merchant is a fixture
    TAG_IDS,
    assert_no_traceback,
    create_category,
    create_product,
    graphql_error,
    listing_ids,
    no_graphql_errors,
    node,
    ok,
    other_merchant,
    read_product,
    table_snapshot,
    tag_ids,
)
from tests.conftest import priced_answer


@pytest.fixture
def fruit(gql, operator) -> str:
    return create_category(gql, operator, "Fruit")


@pytest.fixture
def veg(gql, operator) -> str:
    return create_category(gql, operator, "Vegetables")


def _update(gql, token, product_id, **changes) -> dict:
    return ok(gql(UPDATE_PRODUCT, {"input": {"id": product_id, **changes}}, token=token), "updateProduct")["product"]


def _sees(gql, token, product: dict, category: str, tag: str) -> dict[str, bool]:
    """Where ``product`` shows up for the caller of ``token``."""
    sku = product["skus"][0]["id"]
    return {
        "product": read_product(gql, token, product["id"]) is not None,
        "node": node(gql, product["id"], token) is not None,
        "skuNode": node(gql, sku, token) is not None,
        "listing": product["id"] in listing_ids(gql, category, token),
        "tag": product["id"] in tag_ids(gql, tag, token),
    }


EVERYWHERE = {"product": True, "node": True, "skuNode": True, "listing": True, "tag": True}
NOWHERE = {"product": False, "node": False, "skuNode": False, "listing": False, "tag": False}
# Listings are the storefront: only active products, whoever asks.
MANAGER_OF_HIDDEN = {"product": True, "node": True, "skuNode": True, "listing": False, "tag": False}


# ====================================================================== visibility
def test_draft_is_seen_only_by_its_merchant_and_operators(gql, merchant, operator, customer, other_merchant, fruit):
    draft = create_product(gql, merchant, fruit, tags=["summer"])
    assert draft["status"] == "DRAFT"
    assert _sees(gql, customer, draft, fruit, "summer") == NOWHERE
    assert _sees(gql, None, draft, fruit, "summer") == NOWHERE
    assert _sees(gql, other_merchant, draft, fruit, "summer") == NOWHERE
    assert _sees(gql, merchant, draft, fruit, "summer") == MANAGER_OF_HIDDEN
    assert _sees(gql, operator, draft, fruit, "summer") == MANAGER_OF_HIDDEN
    assert read_product(gql, merchant, draft["id"])["status"] == "DRAFT"
    assert read_product(gql, operator, draft["id"])["status"] == "DRAFT"


def test_archived_is_seen_only_by_its_merchant_and_operators(gql, merchant, operator, customer, other_merchant, fruit):
    product = create_product(gql, merchant, fruit, tags=["summer"], status="ACTIVE")
    assert _sees(gql, customer, product, fruit, "summer") == EVERYWHERE
    ok(gql(ARCHIVE_PRODUCT, {"id": product["id"]}, token=merchant), "archiveProduct")
    assert _sees(gql, customer, product, fruit, "summer") == NOWHERE
    assert _sees(gql, None, product, fruit, "summer") == NOWHERE
    assert _sees(gql, other_merchant, product, fruit, "summer") == NOWHERE
    assert _sees(gql, merchant, product, fruit, "summer") == MANAGER_OF_HIDDEN
    assert _sees(gql, operator, product, fruit, "summer") == MANAGER_OF_HIDDEN
    assert read_product(gql, operator, product["id"])["status"] == "ARCHIVED"


def test_activating_and_deactivating_moves_a_product_in_and_out_of_listings(gql, merchant, customer, fruit):
    product = create_product(gql, merchant, fruit, tags=["summer"])
    assert _sees(gql, customer, product, fruit, "summer") == NOWHERE
    assert _update(gql, merchant, product["id"], status="ACTIVE")["status"] == "ACTIVE"
    assert _sees(gql, customer, product, fruit, "summer") == EVERYWHERE
    assert _sees(gql, None, product, fruit, "summer") == EVERYWHERE
    # what the anonymous storefront shows is the product and its SKUs
    page = no_graphql_errors(gql(PRODUCTS, {"categoryId": fruit, "first": 10}))["products"]
    assert [(e["node"]["id"], [s["code"] for s in e["node"]["skus"]]) for e in page["edges"]] == [
        (product["id"], ["M-L", "M-S"])
    ]
    _update(gql, merchant, product["id"], status="DRAFT")
    assert _sees(gql, customer, product, fruit, "summer") == NOWHERE


def test_moving_category_moves_the_product_between_listings(gql, merchant, customer, fruit, veg):
    product = create_product(gql, merchant, fruit, status="ACTIVE")
    stay = create_product(gql, merchant, fruit, name="Stays", status="ACTIVE")
    assert listing_ids(gql, fruit, customer) == [stay["id"], product["id"]]
    assert listing_ids(gql, veg, customer) == []
    moved = _update(gql, merchant, product["id"], categoryId=veg)
    assert moved["category"] == {"id": veg}
    assert listing_ids(gql, fruit, customer) == [stay["id"]]
    assert listing_ids(gql, veg, customer) == [product["id"]]
    # with its SKUs (the listing reads them by the category's SKU index)
    page = no_graphql_errors(gql(PRODUCTS, {"categoryId": veg, "first": 5}, token=customer))["products"]
    node_ = page["edges"][0]["node"]
    assert node_["category"] == {"name": "Vegetables"}
    assert [(s["code"], s["price"]["amount"]) for s in node_["skus"]] == [("M-L", 1999), ("M-S", 999)]
    page = no_graphql_errors(gql(PRODUCTS, {"categoryId": fruit, "first": 5}, token=customer))["products"]
    assert [[s["code"] for s in e["node"]["skus"]] for e in page["edges"]] == [["M-L", "M-S"]]
    # a draft moved while hidden stays hidden in both
    _update(gql, merchant, product["id"], status="DRAFT")
    _update(gql, merchant, product["id"], categoryId=fruit)
    assert listing_ids(gql, fruit, customer) == [stay["id"]]
    assert listing_ids(gql, veg, customer) == []


def test_tags_added_and_removed_follow_in_products_by_tag(gql, merchant, customer, fruit):
    product = create_product(gql, merchant, fruit, tags=["summer", "fruit"], status="ACTIVE")
    assert tag_ids(gql, "summer", customer) == [product["id"]]
    assert tag_ids(gql, "SUMMER", customer) == [product["id"]]  # the tag asked for is normalised too
    _update(gql, merchant, product["id"], tags=["fruit", "gift"])
    assert tag_ids(gql, "summer", customer) == []
    assert tag_ids(gql, "fruit", customer) == [product["id"]]
    assert tag_ids(gql, "gift", customer) == [product["id"]]
    _update(gql, merchant, product["id"], tags=[])
    assert tag_ids(gql, "fruit", customer) == [] and tag_ids(gql, "gift", customer) == []
    assert read_product(gql, customer, product["id"])["tags"] == []


def test_products_by_tag_refuses_a_bad_tag(gql):
    result = gql(PRODUCTS_BY_TAG, {"tag": "not a tag"})
    graphql_error(result, "INVALID", ["tag", "0"])


def test_node_resolves_categories_products_and_skus(gql, merchant, fruit):
    product = create_product(gql, merchant, fruit, status="ACTIVE")
    assert node(gql, fruit) == {"id": fruit, "__typename": "Category"}
    assert node(gql, product["id"]) == {"id": product["id"], "__typename": "Product", "name": "Mango",
                                        "status": "ACTIVE"}
    sku = product["skus"][1]
    assert node(gql, sku["id"]) == {"id": sku["id"], "__typename": "Sku", "code": "M-S"}
    # well-formed ids of nothing: null, not an error
    assert node(gql, to_global_id("Product", new_id())) is None
    assert node(gql, to_global_id("Category", new_id())) is None
    product_id = parse_global_id(product["id"])[1][0]
    assert node(gql, to_global_id("Sku", product_id, new_id())) is None


@pytest.mark.parametrize("bad", ["garbage", "", "%%%", base64.urlsafe_b64encode(b"Product:nope").decode()])
def test_malformed_ids_in_queries_are_invalid_id(gql, bad):
    for query in ("query($id: ID!) { product(id: $id) { id } }", "query($id: ID!) { node(id: $id) { id } }",
                  "query($id: ID!) { category(id: $id) { id } }"):
        result = gql(query, {"id": bad})
        graphql_error(result, "INVALID_ID", ["id"])
        assert_no_traceback(json.dumps(result))


def test_a_category_id_is_not_a_product_id(gql, merchant, fruit):
    product = create_product(gql, merchant, fruit, status="ACTIVE")
    graphql_error(gql("query($id: ID!) { product(id: $id) { id } }", {"id": fruit}), "INVALID_ID", ["id"])
    graphql_error(gql("query($id: ID!) { category(id: $id) { id } }", {"id": product["id"]}), "INVALID_ID", ["id"])
    graphql_error(gql(PRODUCTS, {"categoryId": product["id"]}), "INVALID_ID", ["categoryId"])
    graphql_error(gql("query($id: ID!) { node(id: $id) { id } }", {"id": to_global_id("Invoice", new_id())}),
                  "INVALID_ID", ["id"])


# ====================================================================== pagination
def _make_products(gql, merchant, category, count: int, tag: str) -> list[str]:
    ids = []
    for i in range(count):
        created = create_product(
            gql, merchant, category, name=f"P{i:02}", tags=[tag], media=[],
            skus=[{"code": f"C{i}", "price": 100 + i, "stock": i}], status="ACTIVE",
        )
        ids.append(created["id"])
    return ids


def _pages(gql, query, name, variables, token=None):
    pages, after = [], None
    while True:
        data = no_graphql_errors(gql(query, {**variables, "after": after}, token=token))[name]
        pages.append(data)
        if not data["pageInfo"]["hasNextPage"]:
            return pages
        after = data["pageInfo"]["endCursor"]
        assert after == data["edges"][-1]["cursor"]
        assert len(pages) < 10, "pagination does not end"


def test_paging_through_45_products(gql, merchant, customer, fruit, veg):
    created = _make_products(gql, merchant, fruit, 45, "bulk")
    create_product(gql, merchant, veg, name="Elsewhere", tags=["other"], status="ACTIVE")
    newest_first = list(reversed(created))

    pages = _pages(gql, PRODUCTS, "products", {"categoryId": fruit, "first": 20}, token=customer)
    assert [len(p["edges"]) for p in pages] == [20, 20, 5]
    assert [p["pageInfo"]["hasNextPage"] for p in pages] == [True, True, False]
    seen = [e["node"]["id"] for p in pages for e in p["edges"]]
    assert len(set(seen)) == 45
    assert seen == newest_first
    # each node carries its own SKU, read for the page
    for page in pages:
        for edge in page["edges"]:
            i = int(edge["node"]["name"][1:])
            assert edge["node"]["skus"] == [{"code": f"C{i}", "price": {"amount": 100 + i, "currency": "CNY"},
                                             "stock": {"available": i}}]

    tag_pages = _pages(gql, TAG_IDS, "productsByTag", {"tag": "bulk", "first": 20})
    assert [len(p["edges"]) for p in tag_pages] == [20, 20, 5]
    assert [p["pageInfo"]["hasNextPage"] for p in tag_pages] == [True, True, False]
    assert [e["node"]["id"] for p in tag_pages for e in p["edges"]] == newest_first

    # default page size and the largest page
    default = no_graphql_errors(gql(PRODUCTS, {"categoryId": fruit}))["products"]
    assert len(default["edges"]) == 20 and default["pageInfo"]["hasNextPage"] is True
    everything = no_graphql_errors(gql(PRODUCTS, {"categoryId": fruit, "first": 100}))["products"]
    assert [e["node"]["id"] for e in everything["edges"]] == newest_first
    assert everything["pageInfo"]["hasNextPage"] is False

    # the category's nested connection pages the same way
    nested = no_graphql_errors(gql(
        "query($id: ID!) { category(id: $id) { products(first: 45) { edges { node { id } } pageInfo { hasNextPage } } } }",
        {"id": fruit}))["category"]["products"]
    assert [e["node"]["id"] for e in nested["edges"]] == newest_first
    assert nested["pageInfo"]["hasNextPage"] is False


def test_a_page_exactly_at_the_end_has_no_next_page(gql, merchant, fruit):
    created = _make_products(gql, merchant, fruit, 4, "four")
    pages = _pages(gql, PRODUCTS, "products", {"categoryId": fruit, "first": 2})
    assert [len(p["edges"]) for p in pages] == [2, 2]
    assert [e["node"]["id"] for p in pages for e in p["edges"]] == list(reversed(created))
    # a well-formed id of no category lists nothing (not an error)
    empty = no_graphql_errors(gql(PRODUCTS, {"categoryId": to_global_id("Category", new_id()), "first": 5}))
    assert empty["products"] == {"edges": [], "pageInfo": {"hasNextPage": False, "endCursor": None}}


@pytest.mark.parametrize("first", [0, 101, -1, 1000])
def test_page_size_out_of_bounds(gql, fruit, first):
    for query, variables, name in [
        (PRODUCTS, {"categoryId": fruit, "first": first}, "products"),
        (PRODUCTS_BY_TAG, {"tag": "summer", "first": first}, "productsByTag"),
    ]:
        result = gql(query, variables)
        error = graphql_error(result, "PAGE_SIZE_EXCEEDED", ["first"])
        assert error["path"] == [name]
        assert list(result["data"].values()) == [None]  # the failing field alone is null


def _forge(cursor: str, position: str) -> str:
    body, _, signature = cursor.partition(".")
    scope, _ = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    forged = base64.urlsafe_b64encode(json.dumps([scope, position], separators=(",", ":")).encode()).decode()
    return f"{forged.rstrip('=')}.{signature}"


def test_cursors_are_checked(gql, merchant, fruit, veg):
    created = _make_products(gql, merchant, fruit, 3, "summer")
    create_product(gql, merchant, veg, status="ACTIVE", tags=["veg"])
    fruit_page = no_graphql_errors(gql(PRODUCTS, {"categoryId": fruit, "first": 1}))["products"]
    veg_page = no_graphql_errors(gql(PRODUCTS, {"categoryId": veg, "first": 1}))["products"]
    tag_page = no_graphql_errors(gql(PRODUCTS_BY_TAG, {"tag": "summer", "first": 1}))["productsByTag"]
    fruit_cursor = fruit_page["pageInfo"]["endCursor"]

    # the genuine cursor works
    nxt = no_graphql_errors(gql(PRODUCTS, {"categoryId": fruit, "first": 5, "after": fruit_cursor}))["products"]
    assert [e["node"]["id"] for e in nxt["edges"]] == [created[1], created[0]]

    position = parse_global_id(created[0])[1][0]
    bad_cursors = {
        "another category": veg_page["pageInfo"]["endCursor"],
        "another listing": tag_page["pageInfo"]["endCursor"],
        "forged position": _forge(fruit_cursor, position),
        "forged far position": _forge(fruit_cursor, "ZZZZZZZZZZZZZZZZZZZZZZZZZZ"),
        "garbage": "abc",
        "signature only": "." + fruit_cursor.partition(".")[2],
        "payload only": fruit_cursor.partition(".")[0],
        "flipped signature": fruit_cursor[:-2] + ("AA" if not fruit_cursor.endswith("AA") else "BB"),
    }
    for case, cursor in bad_cursors.items():
        result = gql(PRODUCTS, {"categoryId": fruit, "first": 5, "after": cursor})
        graphql_error(result, "INVALID_CURSOR", ["after"])
        assert list(result["data"].values()) == [None], case  # the failing field alone is null
    # and the other way round: a category cursor is not a tag cursor
    graphql_error(gql(PRODUCTS_BY_TAG, {"tag": "summer", "after": fruit_cursor}), "INVALID_CURSOR", ["after"])
    graphql_error(gql(PRODUCTS_BY_TAG, {"tag": "veg", "after": tag_page["pageInfo"]["endCursor"]}),
                  "INVALID_CURSOR", ["after"])


# ====================================================================== request limits
def _nested_categories(depth: int) -> str:
    return "{ categories " + "{ children " * depth + "{ id }" + " }" * depth + " }"


def test_a_query_deeper_than_the_limit_is_refused(gql, operator):
    root = create_category(gql, operator, "Root")
    parent = root
    for i in range(12):
        parent = create_category(gql, operator, f"Level {i}", parent=parent)
    assert no_graphql_errors(gql(_nested_categories(3)))["categories"][0]["children"][0]["children"][0]["children"]
    result = gql(_nested_categories(12))
    assert result["data"] is None
    error = graphql_error(result, "GRAPHQL_VALIDATION_FAILED")
    assert "depth" in error["message"]
    # depth through connections counts as well
    deep = ("{ categories { products { edges { node { category { products { edges { node { category { products {"
            " edges { node { id } } } } } } } } } } } } } }")
    result = gql(deep)
    assert result["data"] is None
    graphql_error(result, "GRAPHQL_VALIDATION_FAILED")


def test_the_product_page_query_is_within_the_limits(gql, merchant, fruit):
    product = create_product(gql, merchant, fruit, status="ACTIVE")
    assert read_product(gql, None, product["id"])["name"] == "Mango"


def test_more_than_15_aliases_are_refused(gql, operator):
    fifteen = "{ " + " ".join(f"a{i}: categories {{ id }}" for i in range(15)) + " }"
    assert len(no_graphql_errors(gql(fifteen))) == 15
    sixteen = "{ " + " ".join(f"a{i}: categories {{ id }}" for i in range(16)) + " }"
    result = gql(sixteen)
    assert result["data"] is None
    graphql_error(result, "GRAPHQL_VALIDATION_FAILED")


def test_aliased_mutations_over_the_limit_run_none_of_them(gql, operator):
    before = table_snapshot()
    mutation = "mutation { " + " ".join(
        f'c{i}: createCategory(input: {{name: "C{i}"}}) {{ category {{ id }} }}' for i in range(16)) + " }"
    result = gql(mutation, token=operator)
    assert result["data"] is None
    graphql_error(result, "GRAPHQL_VALIDATION_FAILED")
    assert table_snapshot() == before


def test_more_than_2000_tokens_are_refused(gql, operator):
    query = "{ " + " ".join("categories { id name }" for _ in range(450)) + " }"
    result = gql(query)
    assert result["data"] is None
    error = graphql_error(result, "GRAPHQL_VALIDATION_FAILED")
    assert "2000 tokens" in error["message"]
    # a mutation hidden behind the token limit does not run
    before = table_snapshot()
    filler = " ".join("category { id }" for _ in range(1000))
    mutation = 'mutation { createCategory(input: {name: "Sneaky"}) { category { id ' + filler + " } } }"
    result = gql(mutation, token=operator)
    assert result["data"] is None
    graphql_error(result, "GRAPHQL_VALIDATION_FAILED")
    assert table_snapshot() == before


# ====================================================================== authentication
def _user_id(gql, token) -> str:
    return parse_global_id(no_graphql_errors(gql("{ me { id } }", token=token))["me"]["id"])[1][0]


def _bad_tokens(gql, merchant) -> dict[str, str]:
    from chalicelib.core import tokens
    from chalicelib.core.clock import utc_now
    from chalicelib.core.principal import Role
    from chalicelib.core.settings import settings

    config = settings()
    user = _user_id(gql, merchant)
    expired, _ = tokens.issue(config, user, Role.MERCHANT, utc_now() - timedelta(seconds=config.token_ttl_seconds + 60))
    claims = jwt.decode(merchant, options={"verify_signature": False})
    return {
        "garbage": "not-a-token",
        "expired": expired,
        "other secret": jwt.encode(claims, "x" * 48, algorithm="HS256"),
        "alg none": jwt.encode({**claims, "role": "OPERATOR"}, None, algorithm="none"),
        "other audience": jwt.encode({**claims, "aud": "elsewhere"}, config.derived_key("access-token"),
                                     algorithm="HS256"),
        "truncated": merchant[:-5],
    }


def test_an_invalid_or_expired_token_reads_public_data_anonymously(gql, merchant, fruit):
    """Never HTTP 401: the request runs as anonymous (tests/api/test_signed_out.py covers the fields that need a user)."""
    anonymous = gql(PRODUCTS, {"categoryId": fruit})
    for case, token in _bad_tokens(gql, merchant).items():
        response = gql.raw(PRODUCTS, {"categoryId": fruit}, token=token)
        assert response.status_code == 200, case
        assert json.loads(response.body) == anonymous, case
        me = json.loads(gql.raw("{ me { id } }", token=token).body)
        assert me["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED", case
        if case == "expired":
            assert "expired" in me["errors"][0]["message"]
        assert_no_traceback(response.body)


def test_a_mutation_with_a_bad_token_changes_nothing(gql, operator):
    before = table_snapshot()
    forged = jwt.encode({**jwt.decode(operator, options={"verify_signature": False})}, "y" * 48, algorithm="HS256")
    refused = gql(CREATE_CATEGORY, {"name": "Forged"}, token=forged)["data"]["createCategory"]
    assert refused["category"] is None and [e["code"] for e in refused["errors"]] == ["UNAUTHENTICATED"]
    assert table_snapshot() == before


def test_no_token_is_anonymous_not_an_error(gql, merchant, fruit):
    response = gql.raw("{ categories { name } }")
    assert response.status_code == 200
    assert json.loads(response.body) == priced_answer({"categories": [{"name": "Fruit"}]})
    me = gql("{ me { id } }")
    graphql_error(me, "UNAUTHENTICATED")


# ====================================================================== introspection and errors
def test_introspection_is_on_in_the_local_stage(gql):
    result = no_graphql_errors(gql("{ __schema { queryType { name } mutationType { name } types { name } } }"))
    names = {t["name"] for t in result["__schema"]["types"]}
    assert {"Product", "Sku", "Category", "Node", "ProductConnection", "UserError", "ErrorCode"} <= names
    assert result["__schema"]["mutationType"] == {"name": "Mutation"}
    codes = no_graphql_errors(gql('{ __type(name: "ErrorCode") { enumValues { name } } }'))["__type"]["enumValues"]
    assert {"INVALID", "NOT_FOUND", "INVALID_ID", "INVALID_CURSOR", "PAGE_SIZE_EXCEEDED", "UNAUTHENTICATED",
            "FORBIDDEN", "OUT_OF_STOCK"} <= {c["name"] for c in codes}
    price = no_graphql_errors(gql('{ __type(name: "SkuInput") { inputFields { name type { name ofType { name } } } } }'))
    fields = {f["name"]: f["type"] for f in price["__type"]["inputFields"]}
    assert fields["price"]["ofType"]["name"] == "Int"  # money is never a Float


def test_errors_never_carry_a_traceback(gql, merchant, fruit):
    requests = [
        ("{ nosuch }", {}),
        ("{ categories { id ", {}),
        ("query($id: ID!) { product(id: $id) { id } }", {"id": "garbage"}),
        ("query($id: ID!) { product(id: $id) { id } }", {}),
        (PRODUCTS, {"categoryId": fruit, "after": "forged.cursor"}),
        (PRODUCTS, {"categoryId": fruit, "first": 1000}),
        (CREATE_PRODUCT, {"input": {"categoryId": fruit, "name": "X", "skus": [{"code": "A", "price": 19.99}]}}),
        (CREATE_PRODUCT, {"input": {"categoryId": "nope", "name": "X"}}),
        (CREATE_PRODUCT, {"input": "not an object"}),
        ("mutation { createCategory(input: {name: 5}) { category { id } } }", {}),
        ("{ me { id } }", {}),
        ("subscription { x }", {}),
    ]
    for query, variables in requests:
        response = gql.raw(query, variables, token=merchant)
        assert_no_traceback(response.body)
        for error in json.loads(response.body).get("errors", []):
            extensions = {k.lower() for k in error.get("extensions", {})}
            assert not extensions & {"stacktrace", "exception", "traceback", "trace"}, error
    response = gql._client.http.post("/graphql", headers={"Content-Type": "application/json"}, body="{not json")
    assert response.status_code == 400
    assert_no_traceback(response.body)


def test_an_unexpected_failure_is_reported_with_a_request_id_and_no_traceback(gql, fruit, monkeypatch):
    from chalicelib.catalog import store as catalog_store

    def broken():
        raise RuntimeError("the table fell over")

    monkeypatch.setattr(catalog_store, "category_tree", broken)
    response = gql.raw("{ categories { id } }")
    assert response.status_code == 200
    assert_no_traceback(response.body)
    body = json.loads(response.body)
    error = body["errors"][0]
    assert error["extensions"]["code"] == "INTERNAL_ERROR"
    assert error["extensions"]["requestId"] == response.headers["X-Request-Id"]
    assert body["data"] == {"categories": None}
