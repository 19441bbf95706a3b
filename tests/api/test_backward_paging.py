"""Backward paging through GraphQL (`last`/`before`), the way Apollo Client's
`relayStylePagination` uses it: it prepends each page before the edge whose cursor
was `before`, and follows `pageInfo.startCursor` while `hasPreviousPage`."""
from __future__ import annotations

import pytest
from graphql import build_schema, get_named_type

from chalicelib.core.graphql.ids import from_global_id, to_global_id
from chalicelib.core.graphql.pagination import BOTH_WAYS, FORWARD_ONLY
from tests.api.catalog_support import graphql_error
from tests.conftest import demo_token
from tests.factories import seed_category_with_products
from tests.feeds import feed_support as fs

PAGE = "edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor }"
PRODUCTS = f"""query($c: ID!, $first: Int, $after: String, $last: Int, $before: String) {{
  products(categoryId: $c, first: $first, after: $after, last: $last, before: $before) {{ {PAGE} }} }}"""
AUTHOR_POSTS = f"""query($a: ID!, $last: Int, $before: String) {{
  author(id: $a) {{ posts(last: $last, before: $before) {{ {PAGE} }} }} }}"""
PRODUCT_POSTS = f"""query($p: ID!, $last: Int, $before: String) {{
  productPosts(productId: $p, last: $last, before: $before) {{ {PAGE} }} }}"""
LEDGER = f"""query($last: Int, $before: String) {{
  me {{ points {{ ledger(last: $last, before: $before) {{ {PAGE} }} }} }} }}"""


def apollo_prepend(existing: list[dict], incoming: list[dict], before: str | None) -> list[dict]:
    """relayStylePagination's merge for a backward page: the incoming edges go before
    the existing edge whose cursor is `before` (the ones before it are dropped; no
    such edge, as after a page whose edges were all skipped: before them all)."""
    if before is None:
        return incoming
    index = next((i for i, edge in enumerate(existing) if edge["cursor"] == before), 0)
    return incoming + existing[index:]


def page_backwards(gql, query: str, variables: dict, pick, last: int, token: str | None = None) -> list[dict]:
    """From the end to the start, following startCursor; the edges as Apollo merges them."""
    edges: list[dict] = []
    before = None
    while True:
        answer = gql(query, {**variables, "last": last, "before": before}, token=token)
        assert "errors" not in answer, answer
        page = pick(answer["data"])
        assert page["pageInfo"]["hasNextPage"] is (before is not None)  # items follow a page asked before a cursor
        edges = apollo_prepend(edges, page["edges"], before)
        if not page["pageInfo"]["hasPreviousPage"]:
            return edges
        before = page["pageInfo"]["startCursor"]


@pytest.mark.parametrize("last", [1, 2, 3])
def test_category_products_paged_from_the_end_meet_the_forward_order(gql, operator, merchant, last):
    category, _ = seed_category_with_products(gql, operator, merchant, count=5)
    forward = gql(PRODUCTS, {"c": category, "first": 100})["data"]["products"]
    backward = page_backwards(gql, PRODUCTS, {"c": category}, lambda d: d["products"], last)
    assert [e["node"]["id"] for e in backward] == [e["node"]["id"] for e in forward["edges"]]
    assert [e["cursor"] for e in backward] == [e["cursor"] for e in forward["edges"]]  # one cursor per position


def test_a_backward_page_is_one_query_as_a_forward_page_is(gql, operator, merchant, emulator):
    category, _ = seed_category_with_products(gql, operator, merchant, count=5)
    emulator.clear_log()
    last_two = gql(PRODUCTS, {"c": category, "last": 2})["data"]["products"]
    assert emulator.dynamodb_counts() == {"Query": 1}
    emulator.clear_log()
    before = gql(PRODUCTS, {"c": category, "last": 2, "before": last_two["pageInfo"]["startCursor"]})
    assert len(before["data"]["products"]["edges"]) == 2
    assert emulator.dynamodb_counts() == {"Query": 1}


@pytest.fixture
def posts(gql):
    """An author with 7 published posts linking one product."""
    writer = demo_token(gql, "wendy", "CUSTOMER")
    (author,) = from_global_id(gql("{ me { id } }", token=writer)["data"]["me"]["id"], "User")
    (product,) = fs.user_ids(1)
    ids = [fs.post(author, fs.at(minute), products=(product,)) for minute in range(7)]
    return to_global_id("User", author), to_global_id("Product", product), \
        [to_global_id("Post", post_id) for post_id in reversed(ids)]


@pytest.mark.parametrize("last", [1, 2, 3])
def test_author_and_product_posts_page_backwards_newest_first(gql, posts, last):
    author, product, newest_first = posts
    by_author = page_backwards(gql, AUTHOR_POSTS, {"a": author}, lambda d: d["author"]["posts"], last)
    by_product = page_backwards(gql, PRODUCT_POSTS, {"p": product}, lambda d: d["productPosts"], last)
    assert [e["node"]["id"] for e in by_author] == newest_first
    assert [e["node"]["id"] for e in by_product] == newest_first


def test_a_backward_cursor_pages_forward_again_and_requests_stay_as_forward(gql, posts, emulator):
    author, product, newest_first = posts
    emulator.clear_log()
    gql("query($a: ID!) { author(id: $a) { posts(first: 2) { edges { node { id } } } } }", {"a": author})
    forward_requests = emulator.dynamodb_counts()
    emulator.clear_log()
    oldest = gql(AUTHOR_POSTS, {"a": author, "last": 2})["data"]["author"]["posts"]
    # The author's profile, then ONE Query of their posts: the same requests as a forward page.
    assert emulator.dynamodb_counts() == forward_requests == {"Query": 2}
    assert [e["node"]["id"] for e in oldest["edges"]] == newest_first[-2:]
    newer = gql("query($a: ID!, $b: String) { author(id: $a) { posts(first: 100, before: $b) { edges { node { id } } } } }",
                {"a": author, "b": oldest["pageInfo"]["startCursor"]})
    graphql_error(newer, "INVALID", ["before"])  # `before` pages backwards: not with `first`
    rest = gql("query($a: ID!, $after: String) { author(id: $a) { posts(first: 100, after: $after) { edges { node { id } } } } }",
               {"a": author, "after": oldest["edges"][0]["cursor"]})["data"]["author"]["posts"]
    assert [e["node"]["id"] for e in rest["edges"]] == newest_first[-1:]  # a backward edge's cursor resumes forward
    emulator.clear_log()
    gql(PRODUCT_POSTS, {"p": product, "last": 2})
    assert emulator.dynamodb_counts() == {"Query": 1, "BatchGetItem": 1}  # as a forward product page (links, posts)


ADJUST = """mutation($u: ID!, $p: Int!) {
  adjustPoints(input: {userId: $u, points: $p, reason: "test"}) { errors { code } } }"""


def test_the_points_ledger_pages_backwards(gql, customer, operator):
    user = gql("{ me { id } }", token=customer)["data"]["me"]["id"]
    for n in range(4):
        assert not gql(ADJUST, {"u": user, "p": n + 1}, token=operator)["data"]["adjustPoints"]["errors"]
    forward = gql("{ me { points { ledger(first: 100) { edges { node { id } } } } } }", token=customer)
    backward = page_backwards(gql, LEDGER, {}, lambda d: d["me"]["points"]["ledger"], 3, token=customer)
    assert [e["node"]["id"] for e in backward] == [e["node"]["id"] for e in forward["data"]["me"]["points"]["ledger"]["edges"]]
    assert len(backward) == 4


def test_mixed_directions_and_foreign_cursors_are_refused(gql, operator, merchant):
    category, _ = seed_category_with_products(gql, operator, merchant, count=3)
    page = gql(PRODUCTS, {"c": category, "first": 1})["data"]["products"]
    cursor = page["pageInfo"]["endCursor"]
    graphql_error(gql(PRODUCTS, {"c": category, "first": 1, "last": 1}), "INVALID", ["last"])
    graphql_error(gql(PRODUCTS, {"c": category, "after": cursor, "before": cursor}), "INVALID", ["before"])
    graphql_error(gql(PRODUCTS, {"c": category, "last": 0}), "PAGE_SIZE_EXCEEDED", ["last"])
    deals = gql("query($b: String) { deals(last: 1, before: $b) { edges { cursor } } }", {"b": cursor})
    graphql_error(deals, "INVALID_CURSOR", ["before"])  # a cursor of another listing
    tampered = gql(PRODUCTS, {"c": category, "last": 1, "before": cursor[:-2] + "AA"})
    graphql_error(tampered, "INVALID_CURSOR", ["before"])


def test_every_connection_says_whether_it_pages_backwards_and_takes_last_exactly_then(gql):
    with open("graphql/schema.graphql") as exported:
        schema = build_schema(exported.read())
    both, forward_only = [], []
    for type_ in schema.type_map.values():
        for name, field in getattr(type_, "fields", {}).items() if not type_.name.startswith("__") else ():
            if not get_named_type(field.type).name.endswith("Connection"):
                continue
            description = field.description or ""
            if "last" in field.args:
                assert "before" in field.args and description.endswith(BOTH_WAYS.strip()), (type_.name, name)
                both.append(name)
            else:
                assert FORWARD_ONLY.strip() in description, (type_.name, name)
                forward_only.append(name)
    assert sorted(forward_only) == ["couponTemplates", "coupons", "discoverFeed", "followingFeed",
                                    "issuedCouponTemplates"]
    assert len(both) == 36  # me.assists, salesOrders (fulfilment), four after-sales, two community rounds and two
    # leaders listings, three of commissions (a beneficiary's entries and withdrawals, the failed withdrawals), a pick
    # list's orders, an inviter's referrals, a distributor's links, the distributor applications


def test_the_readme_states_the_backward_page_sizes_and_the_forward_only_feeds():
    from pathlib import Path

    from chalicelib.core.graphql.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE

    readme = " ".join((Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8").split())
    assert f"with `last` (1-{MAX_PAGE_SIZE}, default {DEFAULT_PAGE_SIZE})" in readme
    assert ("The 2 feeds `discoverFeed` and `followingFeed` and the 3 coupon lists `couponTemplates`, `me.coupons` and "
            "`issuedCouponTemplates` page forward only") in readme  # the schema test: exactly these


def test_a_post_the_index_still_holds_but_no_longer_visible_is_skipped_backwards_without_a_stall(gql, posts):
    from chalicelib.feeds import keys as feed_keys
    from chalicelib.feeds.models import PostItem

    author, product, newest_first = posts
    (removed,) = from_global_id(newest_first[3], "Post")
    item = PostItem.get(feed_keys.post_pk(removed), feed_keys.POST_SK, consistent_read=True)
    item.state = "REMOVED"  # the indexes lag the decision for an instant: their keys stay
    item.save()
    visible = newest_first[:3] + newest_first[4:]
    for query, variables, pick in [(AUTHOR_POSTS, {"a": author}, lambda d: d["author"]["posts"]),
                                   (PRODUCT_POSTS, {"p": product}, lambda d: d["productPosts"])]:
        assert [e["node"]["id"] for e in page_backwards(gql, query, variables, pick, 1)] == visible


def test_a_backward_page_costs_what_a_forward_page_of_the_same_size_does(gql):
    forward = gql("{ deals(first: 100) { edges { node { id } } } }")
    backward = gql("{ deals(last: 100) { edges { node { id } } } }")
    assert backward["extensions"]["cost"] == forward["extensions"]["cost"]
    assert forward["extensions"]["cost"]["requestedQueryCost"] > gql("{ deals(last: 2) { edges { node { id } } } }"
                                                                     )["extensions"]["cost"]["requestedQueryCost"]
