"""Every feed pages the way Apollo Client's `relayStylePagination` merges it: each
edge has its own cursor, paging may resume after any edge, and a client that
follows `endCursor` sees every post once, in order, whatever the page size."""
from __future__ import annotations

import pytest

from chalicelib.core.graphql.ids import from_global_id, to_global_id
from tests.conftest import demo_token
from tests.feeds import feed_support as fs

POSTS = 10
FEEDS = {
    "followingFeed": "followingFeed(first: $first, after: $after)",
    "discoverFeed": "discoverFeed(first: $first, after: $after)",
    "productPosts": "productPosts(productId: $product, first: $first, after: $after)",
    "authorPosts": "author(id: $author) { posts(first: $first, after: $after)",
}


def _query(feed: str) -> str:
    connection = "edges { cursor node { id } } pageInfo { hasNextPage endCursor }"
    body = f"{FEEDS[feed]} {{ {connection} }}" + (" }" if feed == "authorPosts" else "")
    extra = {"productPosts": ", $product: ID!", "authorPosts": ", $author: ID!"}.get(feed, "")
    return f"query($first: Int, $after: String{extra}) {{ {body} }}"


def _connection(data: dict, feed: str) -> dict:
    return data["author"]["posts"] if feed == "authorPosts" else data[feed]


def _variables(feed: str, ids: dict) -> dict:
    return {name: value for name, value in ids.items() if f"${name}" in _query(feed)}


def apollo_merge(existing: list[dict], incoming: list[dict], after: str | None) -> list[dict]:
    """relayStylePagination's merge for a forward page: the incoming edges go after
    the first existing edge whose cursor is `after` (all later ones are dropped)."""
    prefix = existing
    if after is not None:
        index = next((i for i, edge in enumerate(existing) if edge["cursor"] == after), -1)
        if index >= 0:
            prefix = existing[: index + 1]
    return prefix + incoming


@pytest.fixture
def feeds(gql):
    """A reader following an author who wrote POSTS posts linking one product, pushed to the reader."""
    token = demo_token(gql, "rita", "CUSTOMER")
    (reader,) = from_global_id(gql("{ me { id } }", token=token)["data"]["me"]["id"], "User")
    writer = demo_token(gql, "wendy", "CUSTOMER")
    (author,) = from_global_id(gql("{ me { id } }", token=writer)["data"]["me"]["id"], "User")
    (product,) = fs.user_ids(1)
    ids = []
    for minute in range(POSTS):
        post_id = fs.post(author, fs.at(minute), products=(product,), likes=minute)
        fs.push(reader, post_id, author, fs.at(minute))
        ids.append(post_id)
    newest_first = [to_global_id("Post", post_id) for post_id in reversed(ids)]
    return token, {"product": to_global_id("Product", product), "author": to_global_id("User", author)}, newest_first


@pytest.mark.parametrize("feed", sorted(FEEDS))
@pytest.mark.parametrize("first", [2, 3, 4])
def test_a_client_following_end_cursors_sees_every_post_once_in_order(gql, feeds, feed, first):
    token, ids, newest_first = feeds
    variables = _variables(feed, ids)
    edges: list[dict] = []
    after = None
    while True:
        answer = gql(_query(feed), {**variables, "first": first, "after": after}, token=token)
        assert "errors" not in answer, answer
        page = _connection(answer["data"], feed)
        edges = apollo_merge(edges, page["edges"], after)
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert [edge["node"]["id"] for edge in edges] == newest_first
    assert len({edge["cursor"] for edge in edges}) == POSTS
    assert page["pageInfo"]["endCursor"] == page["edges"][-1]["cursor"]  # a last page ends at its last edge


@pytest.mark.parametrize("feed", sorted(FEEDS))
def test_paging_resumes_after_any_edge(gql, feeds, feed):
    token, ids, newest_first = feeds
    variables = _variables(feed, ids)
    page = _connection(gql(_query(feed), {**variables, "first": 4}, token=token)["data"], feed)
    for index, edge in enumerate(page["edges"]):
        rest = _connection(gql(_query(feed), {**variables, "first": 100, "after": edge["cursor"]}, token=token)["data"],
                           feed)
        assert [e["node"]["id"] for e in rest["edges"]] == newest_first[index + 1:], (feed, index)
        assert not rest["pageInfo"]["hasNextPage"]


def test_the_authors_counters_on_a_page_cost_one_batch_read(gql, feeds, emulator):
    token, ids, newest_first = feeds
    demo_token(gql, "xena", "CUSTOMER")  # a second account, not an author: only authors are read
    emulator.clear_log()
    page = gql("""{ discoverFeed(first: 10) { edges { node { id author { id displayName followerCount postCount } } } } }""")
    authors = [edge["node"]["author"] for edge in page["data"]["discoverFeed"]["edges"]]
    assert len(authors) == POSTS and len({a["id"] for a in authors}) == 1
    assert {a["followerCount"] for a in authors} == {0}
    # The discover index, then every author's user and counters at once (not one read a post).
    assert emulator.dynamodb_counts() == {"Query": 1, "BatchGetItem": 1}
