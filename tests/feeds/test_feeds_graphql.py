"""The 种草 stories through GraphQL, with the real table stream running (fan-out,
points for approved posts, verified purchases), as a mini-program and a moderator
use them."""
from __future__ import annotations

import os
import time

import pytest

import app as app_module
from chalicelib.core.graphql.ids import from_global_id, to_global_id
from chalicelib.core.ids import new_id
from tests.api.catalog_ops import CREATE_PRODUCT
from tests.conftest import demo_token
from tests.factories import create_category
from tests.waiting import eventually

PUBLISH = """mutation($input: PublishPostInput!) { publishPost(input: $input) {
  post { id state kind title body tags sponsored verifiedPurchase rejectionReason likeCount
         author { id displayName } products { productId name priceFrom { amount currency } imageUrl } }
  errors { code field message } } }"""
CARD = """id title state likeCount commentCount shareCount author { displayName }
  products { name priceFrom { amount } imageUrl }"""
FOLLOWING = f"""query($first: Int, $after: String) {{ followingFeed(first: $first, after: $after) {{
  edges {{ node {{ {CARD} }} }} pageInfo {{ hasNextPage endCursor }} }} }}"""
DISCOVER = f"""query($first: Int) {{ discoverFeed(first: $first) {{ edges {{ node {{ {CARD} }} }} }} }}"""
AUTHOR = f"""query($id: ID!) {{ author(id: $id) {{ displayName followerCount postCount followedByMe
  posts(first: 10) {{ edges {{ node {{ {CARD} }} }} }} }} }}"""
PRODUCT_POSTS = """query($id: ID!) { product(id: $id) { name posts(first: 10) { edges { node { id title } } } } }"""
FOLLOW = """mutation($id: ID!) { followAuthor(input: {authorId: $id}) { following changed
  author { followerCount } errors { code field message } } }"""
LIKE = """mutation($id: ID!) { likePost(input: {postId: $id}) { liked changed post { likeCount } errors { code } } }"""
UNLIKE = """mutation($id: ID!) { unlikePost(input: {postId: $id}) { liked changed post { likeCount } errors { code } } }"""
COMMENT = """mutation($id: ID!, $body: String!) { commentOnPost(input: {postId: $id, body: $body}) {
  comment { id body authorName } errors { code field message } } }"""
SHARE = """mutation($id: ID!) { sharePost(input: {postId: $id}) { post { shareCount } errors { code } } }"""
REPORT = """mutation($id: ID!) { reportPost(input: {postId: $id, reason: SPAM}) { counted hidden errors { code } } }"""
QUEUE = """{ reviewQueue(first: 10) { edges { node { id state decisions { action reason moderatorId toState } } } } }"""
MODERATE = """mutation($id: ID!, $reason: String!) { %s(input: {postId: $id, reason: $reason}) {
  post { id state } errors { code field message } } }"""
ADD_WORD = """mutation($word: String!, $action: ModerationWordAction!) {
  addModerationWord(input: {word: $word, action: $action}) { word { word action } errors { code field } } }"""
MY_POINTS = """{ me { points { available ledger(first: 5) { edges { node { points reason } } } } } }"""
ME = """{ me { id } }"""



@pytest.fixture
def stream(emulator):
    from devstack.streams import StreamPoller

    (poller,) = StreamPoller.for_app(app_module.app, emulator.endpoint_url, os.environ["TUANSTACK_TABLE"])
    poller.start()
    yield poller
    poller.stop()


@pytest.fixture
def products(gql, operator, merchant):
    category = create_category(gql, operator)
    made = []
    for name, price in (("Mango", 3990), ("Lychee", 2590)):
        made.append(gql(CREATE_PRODUCT, {"input": {
            "categoryId": category, "name": name, "status": "ACTIVE",
            "media": [{"url": f"https://img.example.com/{name.lower()}.jpg"}],
            "skus": [{"code": "A", "price": price, "stock": 5}, {"code": "B", "price": price + 1000, "stock": 5}]}},
            token=merchant)["data"]["createProduct"]["product"]["id"])
    return made


def _note(products, **extra) -> dict:
    return {"kind": "NOTE", "title": "今日种草", "body": "这个芒果太甜了 so sweet", "tags": ["#夏天", "Fruit"],
            "media": [{"url": "https://img.example.com/mine.jpg"}], "productIds": products, **extra}


def _me(gql, token) -> str:
    return gql(ME, token=token)["data"]["me"]["id"]


def test_a_note_reaches_followers_with_its_products_and_earns_points(gql, stream, products):
    alice, bob = demo_token(gql, "alice", "CUSTOMER"), demo_token(gql, "bob", "CUSTOMER")
    followed = gql(FOLLOW, {"id": _me(gql, alice)}, token=bob)["data"]["followAuthor"]
    assert followed["errors"] == [] and followed["following"] and followed["author"]["followerCount"] == 1
    assert gql(FOLLOW, {"id": _me(gql, alice)}, token=bob)["data"]["followAuthor"]["changed"] is False
    assert gql(FOLLOW, {"id": _me(gql, bob)}, token=bob)["data"]["followAuthor"]["errors"][0]["code"] == \
        "CANNOT_FOLLOW_SELF"

    published = gql(PUBLISH, {"input": _note(products, sponsored=True)}, token=alice)["data"]["publishPost"]
    assert published["errors"] == []
    post = published["post"]
    assert (post["state"], post["sponsored"], post["tags"]) == ("PUBLISHED", True, ["夏天", "fruit"])
    assert [(p["name"], p["priceFrom"]["amount"], p["imageUrl"]) for p in post["products"]] == [
        ("Mango", 3990, "https://img.example.com/mango.jpg"), ("Lychee", 2590, "https://img.example.com/lychee.jpg")]

    def in_bobs_feed():
        return [e["node"]["id"] for e in gql(FOLLOWING, {"first": 20}, token=bob)["data"]["followingFeed"]["edges"]]

    assert eventually(lambda: in_bobs_feed() == [post["id"]]), in_bobs_feed()
    card = gql(FOLLOWING, {"first": 20}, token=bob)["data"]["followingFeed"]["edges"][0]["node"]
    assert card["author"]["displayName"] == "Alice" and card["products"][1]["priceFrom"]["amount"] == 2590

    points = eventually(lambda: gql(MY_POINTS, token=alice)["data"]["me"]["points"]["available"] == 10)
    assert points, gql(MY_POINTS, token=alice)
    reason = gql(MY_POINTS, token=alice)["data"]["me"]["points"]["ledger"]["edges"][0]["node"]["reason"]
    assert reason.startswith("Post approved")

    profile = gql(AUTHOR, {"id": _me(gql, alice)}, token=bob)["data"]["author"]
    assert (profile["followerCount"], profile["postCount"], profile["followedByMe"]) == (1, 1, True)
    assert [e["node"]["id"] for e in profile["posts"]["edges"]] == [post["id"]]
    on_product = gql(PRODUCT_POSTS, {"id": products[0]})["data"]["product"]["posts"]["edges"]
    assert [e["node"]["id"] for e in on_product] == [post["id"]]


def test_bad_posts_are_refused_with_typed_errors_and_nothing_is_stored(gql, operator, products):
    alice = demo_token(gql, "alice", "CUSTOMER")
    added = gql(ADD_WORD, {"word": "傻逼", "action": "BLOCK"}, token=operator)["data"]["addModerationWord"]
    assert added["errors"] == []
    from chalicelib.core.graphql.ids import to_global_id
    from chalicelib.core.ids import new_id

    ten = [to_global_id("Product", new_id()) for _ in range(10)]
    cases = [
        ({"productIds": ten}, "INVALID", ["productIds"]),  # more than 9 products
        ({"body": "   "}, "INVALID", ["body"]),
        ({"body": "x" * 2001}, "INVALID", ["body"]),
        ({"media": [{"url": "http://img.example.com/a.jpg"}]}, "INVALID", ["media", "0", "url"]),
        ({"body": "太 傻*逼 了"}, "CONTENT_REJECTED", ["body"]),
    ]
    for change, code, field in cases:
        result = gql(PUBLISH, {"input": {**_note(products[:1]), **change}}, token=alice)["data"]["publishPost"]
        assert result["post"] is None, change
        assert (result["errors"][0]["code"], result["errors"][0]["field"][:len(field)]) == (code, field), result
    unknown = gql(PUBLISH, {"input": _note(["UHJvZHVjdDowMUowMDAwMDAwMDAwMDAwMDAwMDAwMDAwMA"])},
                  token=alice)["data"]["publishPost"]
    assert unknown["post"] is None and unknown["errors"]
    assert gql(AUTHOR, {"id": _me(gql, alice)})["data"]["author"]["postCount"] == 0
    assert gql(DISCOVER, {"first": 10})["data"]["discoverFeed"]["edges"] == []


def test_engagement_reports_and_moderation(gql, operator, stream, products):
    alice = demo_token(gql, "alice", "CUSTOMER")
    readers = [demo_token(gql, name, "CUSTOMER") for name in ("bob", "carol", "dave")]
    post = gql(PUBLISH, {"input": _note(products[:1])}, token=alice)["data"]["publishPost"]["post"]["id"]

    liked = gql(LIKE, {"id": post}, token=readers[0])["data"]["likePost"]
    hearts = """{ discoverFeed(first: 10) { edges { node { id likedByMe } } } }"""
    assert gql(hearts, token=readers[0])["data"]["discoverFeed"]["edges"][0]["node"]["likedByMe"] is True
    assert gql(hearts, token=readers[1])["data"]["discoverFeed"]["edges"][0]["node"]["likedByMe"] is False
    assert gql(hearts)["data"]["discoverFeed"]["edges"][0]["node"]["likedByMe"] is False
    again = gql(LIKE, {"id": post}, token=readers[0])["data"]["likePost"]
    assert (liked["changed"], again["changed"], again["post"]["likeCount"]) == (True, False, 1)
    assert gql(UNLIKE, {"id": post}, token=readers[0])["data"]["unlikePost"]["post"]["likeCount"] == 0
    gql(LIKE, {"id": post}, token=readers[1])
    comment = gql(COMMENT, {"id": post, "body": "想买！"}, token=readers[0])["data"]["commentOnPost"]
    assert comment["errors"] == [] and comment["comment"]["authorName"] == "Bob"
    assert gql(COMMENT, {"id": post, "body": " "}, token=readers[0])["data"]["commentOnPost"]["errors"][0][
        "field"] == ["body"]
    assert gql(SHARE, {"id": post}, token=readers[2])["data"]["sharePost"]["post"]["shareCount"] == 1

    outcomes = [gql(REPORT, {"id": post}, token=t)["data"]["reportPost"] for t in readers]
    assert [o["hidden"] for o in outcomes] == [False, False, True]  # the third distinct reporter hides it
    assert gql(REPORT, {"id": post}, token=readers[0])["data"]["reportPost"]["errors"][0]["code"] == \
        "POST_NOT_VISIBLE"
    assert gql(DISCOVER, {"first": 10})["data"]["discoverFeed"]["edges"] == []
    assert gql(COMMENT, {"id": post, "body": "还在吗"}, token=readers[1])["data"]["commentOnPost"]["errors"][0][
        "code"] == "POST_NOT_VISIBLE"

    assert gql(QUEUE, token=readers[0])["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    queue = gql(QUEUE, token=operator)["data"]["reviewQueue"]["edges"]
    assert [e["node"]["id"] for e in queue] == [post] and queue[0]["node"]["state"] == "HIDDEN"
    no_reason = gql(MODERATE % "approvePost", {"id": post, "reason": ""}, token=operator)["data"]["approvePost"]
    assert no_reason["errors"][0]["field"] == ["reason"]
    approved = gql(MODERATE % "approvePost", {"id": post, "reason": "reports unfounded"},
                   token=operator)["data"]["approvePost"]
    assert approved["post"]["state"] == "PUBLISHED"
    assert [e["node"]["id"] for e in gql(DISCOVER, {"first": 10})["data"]["discoverFeed"]["edges"]] == [post]

    removed = gql(MODERATE % "removePost", {"id": post, "reason": "counterfeit goods"},
                  token=operator)["data"]["removePost"]
    assert removed["post"]["state"] == "REMOVED"
    assert gql(DISCOVER, {"first": 10})["data"]["discoverFeed"]["edges"] == []
    assert gql(AUTHOR, {"id": _me(gql, alice)})["data"]["author"]["posts"]["edges"] == []
    trail = gql("""query($id: ID!) { post(id: $id) { decisions { action reason moderatorId toState } } }""",
                {"id": post}, token=operator)["data"]["post"]["decisions"]
    assert [(d["action"], d["toState"]) for d in trail] == [
        ("APPROVE", "PUBLISHED"), ("HIDE", "HIDDEN"), ("APPROVE", "PUBLISHED"), ("REMOVE", "REMOVED")]
    assert trail[1]["moderatorId"] == "system" and trail[3]["reason"] == "counterfeit goods"
    # Only one approval earns points: the first publication.
    assert eventually(lambda: gql(MY_POINTS, token=alice)["data"]["me"]["points"]["available"] == 10)


def test_a_review_word_holds_a_post_for_a_moderator(gql, operator, products):
    alice = demo_token(gql, "alice", "CUSTOMER")
    gql(ADD_WORD, {"word": "微信", "action": "REVIEW"}, token=operator)
    held = gql(PUBLISH, {"input": _note(products[:1], body="加我微 信 买")}, token=alice)["data"]["publishPost"]
    assert held["errors"] == [] and held["post"]["state"] == "PENDING_REVIEW"
    assert gql(DISCOVER, {"first": 10})["data"]["discoverFeed"]["edges"] == []
    rejected = gql(MODERATE % "rejectPost", {"id": held["post"]["id"], "reason": "off-platform trading"},
                   token=operator)["data"]["rejectPost"]
    assert rejected["post"]["state"] == "REJECTED"
    mine = gql("""query($id: ID!) { post(id: $id) { state rejectionReason } }""", {"id": held["post"]["id"]},
               token=alice)["data"]["post"]
    assert mine["state"] == "REJECTED"
    assert gql("""query($id: ID!) { post(id: $id) { id } }""", {"id": held["post"]["id"]})["data"]["post"] is None


TRAIL = """query($id: ID!) { post(id: $id) { decisions { action decidedBy moderatorId toState } } }"""
EDIT = """mutation($id: ID!) { editPost(input: {postId: $id, body: "mine now"}) { post { id } errors { code field message } } }"""
DELETE = """mutation($id: ID!) { deletePost(input: {postId: $id}) { post { id } errors { code field message } } }"""


def test_an_author_sees_a_role_not_the_moderator_and_operators_see_the_id(gql, operator, products):
    alice = demo_token(gql, "alice", "CUSTOMER")
    gql(ADD_WORD, {"word": "微信", "action": "REVIEW"}, token=operator)
    held = gql(PUBLISH, {"input": _note(products[:1], body="加我微 信 买")}, token=alice)["data"]["publishPost"]
    post = held["post"]["id"]
    gql(MODERATE % "approvePost", {"id": post, "reason": "fine"}, token=operator)
    gql(MODERATE % "removePost", {"id": post, "reason": "counterfeit goods"}, token=operator)
    clean = gql(PUBLISH, {"input": _note(products[:1])}, token=alice)["data"]["publishPost"]["post"]["id"]

    seen_by_author = gql(TRAIL, {"id": post}, token=alice)["data"]["post"]["decisions"]
    assert [(d["decidedBy"], d["moderatorId"]) for d in seen_by_author] == [("MODERATOR", None)] * 2
    [screened] = gql(TRAIL, {"id": clean}, token=alice)["data"]["post"]["decisions"]
    assert (screened["decidedBy"], screened["moderatorId"]) == ("SYSTEM", None)
    seen_by_operator = gql(TRAIL, {"id": post}, token=operator)["data"]["post"]["decisions"]
    (operator_id,) = from_global_id(_me(gql, operator), "User")
    assert [(d["decidedBy"], d["moderatorId"]) for d in seen_by_operator] == [("MODERATOR", operator_id)] * 2
    [screened] = gql(TRAIL, {"id": clean}, token=operator)["data"]["post"]["decisions"]
    assert (screened["decidedBy"], screened["moderatorId"]) == ("SYSTEM", "system")


def test_editing_or_deleting_a_hidden_post_tells_nothing_about_it(gql, operator, products):
    """A post someone else may not see answers as a missing id does: NOT_FOUND, the
    same message; FORBIDDEN only for a post they can see."""
    alice, bob = demo_token(gql, "alice", "CUSTOMER"), demo_token(gql, "bob", "CUSTOMER")
    gql(ADD_WORD, {"word": "微信", "action": "REVIEW"}, token=operator)
    held = gql(PUBLISH, {"input": _note(products[:1], body="加我微 信 买")}, token=alice)["data"]["publishPost"]
    hidden = held["post"]["id"]
    visible = gql(PUBLISH, {"input": _note(products[:1])}, token=alice)["data"]["publishPost"]["post"]["id"]
    for operation, name in ((EDIT, "editPost"), (DELETE, "deletePost")):
        absent = gql(operation, {"id": to_global_id("Post", new_id())}, token=bob)["data"][name]
        refused = gql(operation, {"id": hidden}, token=bob)["data"][name]
        assert refused == absent and refused["errors"][0]["code"] == "NOT_FOUND", (refused, absent)
        assert gql(operation, {"id": visible}, token=bob)["data"][name]["errors"][0]["code"] == "FORBIDDEN"


@pytest.mark.parametrize("page", [20, 100])
def test_a_feed_page_with_products_and_authors_costs_the_same_few_requests(gql, emulator, products, page):
    """Following feed: the reader's inbox and own posts (2 Queries) and one batch of
    posts carrying their product and author snapshots; discover: one Query."""
    from chalicelib.accounts import service as auth
    from chalicelib.core.clock import utc_now
    from chalicelib.core.graphql.ids import from_global_id
    from chalicelib.core.principal import Principal, Role
    from chalicelib.core.settings import settings
    from chalicelib.feeds import fanout as feed_fanout
    from chalicelib.feeds import posts, posts_store, social
    from chalicelib.feeds.rules import PostDraft, PostKind

    reader = demo_token(gql, "bob", "CUSTOMER")
    (reader_id,) = from_global_id(_me(gql, reader), "User", "id")
    product_ids = tuple(from_global_id(p, "Product", "productId")[0] for p in products)
    authors = []
    for i in range(3):
        created = auth.register_user(settings(), f"openid-author-{i}", Role.CUSTOMER, f"Author {i}", utc_now())
        authors.append(Principal(created.id, Role.CUSTOMER))
        social.follow(Principal(reader_id, Role.CUSTOMER), created.id, utc_now())
    for i in range(page + 5):  # pushed as the stream would (not running here)
        view = posts.publish(authors[i % 3], PostDraft(kind=PostKind.NOTE, body=f"note {i}", product_ids=product_ids),
                             utc_now())
        published_at = posts_store.get_post(view.post.id).post.published_at
        feed_fanout.push_post(view.post.id, view.post.author_id, published_at.strftime("%Y-%m-%dT%H:%M:%SZ"))
    emulator.clear_log()
    edges = gql(FOLLOWING, {"first": page}, token=reader)["data"]["followingFeed"]["edges"]
    assert len(edges) == page
    assert all(len(e["node"]["products"]) == 2 and e["node"]["author"]["displayName"] for e in edges)
    # The reader's user (one GetItem per authenticated request), inbox and pulls, the posts.
    assert emulator.dynamodb_counts() == {"GetItem": 1, "Query": 2, "BatchGetItem": 1}
    emulator.clear_log()
    assert len(gql(DISCOVER, {"first": page})["data"]["discoverFeed"]["edges"]) == page
    assert emulator.dynamodb_counts() == {"Query": 1}
    emulator.clear_log()  # the reader's hearts: one more batch for the whole page
    hearts = gql("query($n: Int) { discoverFeed(first: $n) { edges { node { likedByMe } } } }", {"n": page},
                 token=reader)["data"]["discoverFeed"]["edges"]
    assert len(hearts) == page and not any(e["node"]["likedByMe"] for e in hearts)
    assert emulator.dynamodb_counts() == {"GetItem": 1, "Query": 1, "BatchGetItem": 1}  # + the reader's user


def test_a_review_by_a_buyer_shows_verified_purchase(gql, stream):
    from chalicelib.core.clock import utc_now
    from chalicelib.core.graphql.ids import from_global_id, to_global_id
    from chalicelib.core.principal import Principal, Role
    from chalicelib.groupbuy import service as groupbuy
    from tests.groupbuy.support import RecordingPayments, capture, deal_setup

    deal, sku, _ = deal_setup(team_size=2)
    buyer_token, other_token = demo_token(gql, "alice", "CUSTOMER"), demo_token(gql, "bob", "CUSTOMER")
    (buyer_id,) = from_global_id(_me(gql, buyer_token), "User", "id")
    seat = groupbuy.open_team(Principal(buyer_id, Role.CUSTOMER), deal.id, sku, None, RecordingPayments(), utc_now())
    assert capture(seat.order) == "applied"
    product = to_global_id("Product", deal.terms.product_id)
    review = {"kind": "REVIEW", "body": "Sweet and fresh, arrived in two days.", "productIds": [product],
              "media": [{"url": "https://img.example.com/show.jpg"}]}

    def counted() -> bool:  # the stream counts the paid order as a purchase
        from chalicelib.purchases import keys
        from chalicelib.purchases.models import PurchaseItem

        found = list(PurchaseItem.query(keys.purchases_pk(buyer_id), consistent_read=True))
        return any(getattr(item, "paid_orders", 0) for item in found)

    assert eventually(counted)
    mine = gql(PUBLISH, {"input": review}, token=buyer_token)["data"]["publishPost"]["post"]
    assert mine["verifiedPurchase"] is True
    other = gql(PUBLISH, {"input": review}, token=other_token)["data"]["publishPost"]["post"]
    assert other["verifiedPurchase"] is False


def test_the_last_page_cursor_pages_on_to_an_empty_page_and_authors_see_their_decisions(gql, operator, products):
    alice, bob = demo_token(gql, "alice", "CUSTOMER"), demo_token(gql, "bob", "CUSTOMER")
    post = gql(PUBLISH, {"input": _note(products[:1])}, token=alice)["data"]["publishPost"]["post"]["id"]
    page = gql("""{ discoverFeed(first: 5) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }""")[
        "data"]["discoverFeed"]
    assert [e["node"]["id"] for e in page["edges"]] == [post] and page["pageInfo"]["hasNextPage"] is False
    after_last = gql("""query($a: String) { discoverFeed(first: 5, after: $a) { edges { node { id } }
      pageInfo { hasNextPage } } }""", {"a": page["edges"][-1]["cursor"]})
    assert "errors" not in after_last and after_last["data"]["discoverFeed"]["edges"] == []

    gql(MODERATE % "removePost", {"id": post, "reason": "counterfeit goods"}, token=operator)
    query = """query($id: ID!) { post(id: $id) { state decisions { action reason } } }"""
    mine = gql(query, {"id": post}, token=alice)["data"]["post"]
    assert mine["state"] == "REMOVED" and mine["decisions"][-1] == {"action": "REMOVE", "reason": "counterfeit goods"}
    assert gql(query, {"id": post}, token=bob)["data"]["post"] is None  # not hers: removed posts do not exist


def test_withdrawn_likes_do_not_move_a_post_back_down_discover(gql, stream, products):
    alice, bob = demo_token(gql, "alice", "CUSTOMER"), demo_token(gql, "bob", "CUSTOMER")
    older = gql(PUBLISH, {"input": _note(products[:1], title="older")}, token=alice)["data"]["publishPost"]["post"]["id"]
    newer = gql(PUBLISH, {"input": _note(products[:1], title="newer")}, token=alice)["data"]["publishPost"]["post"]["id"]

    def order() -> list[str]:
        return [e["node"]["id"] for e in gql(DISCOVER, {"first": 10})["data"]["discoverFeed"]["edges"]]

    carol = demo_token(gql, "carol", "CUSTOMER")
    assert eventually(lambda: order() == [newer, older]), order()  # equal engagement: the newer first
    for reader in (bob, carol):
        gql(LIKE, {"id": older}, token=reader)
    assert eventually(lambda: order() == [older, newer]), order()
    for reader in (bob, carol):  # back to no likes: a falling key would put it below the newer post again
        gql(UNLIKE, {"id": older}, token=reader)
    time.sleep(1.5)  # the stream has seen both unlikes
    assert order() == [older, newer]
