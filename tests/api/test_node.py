"""Object identification: every type with an id implements Node, `node(id:)` fetches
it back as the same type, and one person is one `Author` wherever they appear."""
from __future__ import annotations

from graphql import GraphQLObjectType

from chalicelib.core.graphql.ids import parse_global_id
from chalicelib.core.graphql.relay import registered_node_types
from chalicelib.schema import schema
from tests.conftest import demo_token
from tests.feeds.test_feeds_graphql import COMMENT, PUBLISH, _note, products  # noqa: F401 - fixture

NODE = """query($id: ID!) { node(id: $id) { __typename id } }"""


def test_every_type_with_an_id_is_a_node_that_node_id_can_fetch():
    graphql_schema = schema()._schema
    with_id = sorted(name for name, t in graphql_schema.type_map.items()
                     if isinstance(t, GraphQLObjectType) and not name.startswith("__") and "id" in t.fields)
    assert "Author" in with_id and "Comment" in with_id
    not_nodes = [name for name in with_id if "Node" not in {i.name for i in graphql_schema.type_map[name].interfaces}]
    assert not_nodes == []
    assert sorted(set(with_id) - set(registered_node_types())) == []


def _node(gql, global_id: str, token: str | None = None) -> dict | None:
    answer = gql(NODE, {"id": global_id}, token=token)
    assert "errors" not in answer, answer
    return answer["data"]["node"]


def test_one_person_is_one_author_on_posts_comments_and_their_profile(gql, customer, products):
    post = gql(PUBLISH, {"input": _note(products[:1])}, token=customer)["data"]["publishPost"]["post"]
    reader = demo_token(gql, "rita", "CUSTOMER")
    comment = gql(COMMENT, {"id": post["id"], "body": "想买"}, token=reader)["data"]["commentOnPost"]["comment"]
    me = gql("{ me { id displayName } }", token=customer)["data"]["me"]
    author_id = post["author"]["id"]
    assert parse_global_id(author_id)[0] == "Author"
    profile = gql("""query($id: ID!) { author(id: $id) { id displayName } }""", {"id": author_id})["data"]["author"]
    assert profile == {"id": author_id, "displayName": me["displayName"]}
    assert me["id"] != author_id  # the account and the public profile are two objects, each its own id
    comments = gql("""query($id: ID!) { post(id: $id) { comments(first: 5) { edges { node {
        id authorId author { id displayName } } } } } }""", {"id": post["id"]})["data"]["post"]["comments"]["edges"]
    (node,) = [e["node"] for e in comments]
    assert node["authorId"] == node["author"]["id"] != author_id  # the reader's Author id
    assert node["id"] == comment["id"]

    assert _node(gql, author_id) == {"__typename": "Author", "id": author_id}
    assert _node(gql, comment["id"]) == {"__typename": "Comment", "id": comment["id"]}
    assert _node(gql, me["id"], customer) == {"__typename": "User", "id": me["id"]}
    assert _node(gql, me["id"], reader) is None  # an account is its owner's only
    assert _node(gql, me["id"]) is None
    # followAuthor and author(id:) take the person by either of their ids
    followed = gql("""mutation($id: ID!) { followAuthor(input: {authorId: $id}) { following errors { code } } }""",
                   {"id": author_id}, token=reader)["data"]["followAuthor"]
    assert followed == {"following": True, "errors": []}


def test_a_points_entry_is_fetched_back_by_its_owner_only(gql, customer):
    checked = gql("mutation { checkIn { errors { code } } }", token=customer)["data"]["checkIn"]
    assert checked["errors"] == []
    (entry,) = [e["node"] for e in gql("{ me { points { ledger(first: 1) { edges { node { id points } } } } } }",
                                       token=customer)["data"]["me"]["points"]["ledger"]["edges"]]
    assert _node(gql, entry["id"], customer) == {"__typename": "PointsEntry", "id": entry["id"]}
    assert _node(gql, entry["id"], demo_token(gql, "rita", "CUSTOMER")) is None
    assert _node(gql, entry["id"]) is None
