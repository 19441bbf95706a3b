"""Posts: publish, edit, delete and their stream hook, against the emulator.

Also the catalog's ``price_from`` (a post snapshots it from the product item), and
the helpers the other feed tests share (users, products, table snapshots)."""
from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.accounts import store as users_store
from chalicelib.catalog import service as catalog
from chalicelib.catalog.rules import Media, MediaKind, ProductStatus
from chalicelib.core.errors import Conflict, ErrorCode, InvalidId, NotFound, Unauthenticated, ValidationFailed
from chalicelib.core.ids import new_id
from chalicelib.core.principal import Principal, Role, User
from chalicelib.core.table.models import TableItem
from chalicelib.feeds import keys, moderation, post_items, posts, posts_store, social
from chalicelib.feeds.moderation import ContentRejected, WordAction
from chalicelib.feeds.posts import ProductNotAvailable
from chalicelib.feeds.ranking import discover_sort_key, feed_time
from chalicelib.feeds.rules import (
    SYSTEM_MODERATOR,
    InvalidPostTransition,
    NotPostAuthor,
    PostDraft,
    PostKind,
    PostState,
)
from chalicelib.purchases import service as purchases

NOW = datetime(2025, 6, 1, 4, 0, tzinfo=UTC)
OPERATOR = Principal("01J0000000000000000000OPER", Role.OPERATOR)
MERCHANT = Principal("01J0000000000000000000MRCH", Role.MERCHANT)
BLOCKED = ["傻逼", "fuck"]
REVIEWED = ["加微信"]


# ---------------------------------------------------------------- shared helpers
@pytest.fixture(autouse=True)
def _no_cached_words():
    """The table is fresh for every test; the container's word cache must be too."""
    moderation.forget_cached_words()
    yield
    moderation.forget_cached_words()


def make_user(name: str = "Alice", role: Role = Role.CUSTOMER, avatar: str | None = None) -> Principal:
    user = User(id=new_id(), role=role, display_name=name, avatar_url=avatar)
    digest = hashlib.sha256(user.id.encode()).hexdigest()
    assert users_store.create_user_with_identity(user, "WECHAT", digest, wechat_openid=None,
                                                 created_at="2025-01-01T00:00:00Z")
    return Principal(user.id, role)


def make_products(count: int = 1, *, prices: tuple[int, ...] = (1200, 990), status=ProductStatus.ACTIVE,
                  media: tuple[Media, ...] = (Media("https://cdn.example.com/v.mp4", MediaKind.VIDEO),
                                              Media("https://cdn.example.com/mango.jpg"))) -> list[str]:
    category = catalog.create_category(OPERATOR, "Fruit", None)
    return [catalog.create_product(MERCHANT, catalog.NewProduct(
        category_id=category.id, name=f"Mango {i}", status=status, media=media,
        skus=tuple(catalog.SkuInput(code=f"C{j}", price=p, stock=5) for j, p in enumerate(prices)),
    ), NOW).product.id for i in range(count)]


def list_words(blocked=BLOCKED, reviewed=REVIEWED) -> None:
    for word in blocked:
        moderation.add_word(OPERATOR, word, WordAction.BLOCK, NOW)
    for word in reviewed:
        moderation.add_word(OPERATOR, word, WordAction.REVIEW, NOW)


def draft(body: str = "Sweet and juicy", *, kind: PostKind = PostKind.NOTE, title: str | None = "My mango",
          products: tuple[str, ...] = (), tags: tuple[str, ...] = ("summer",),
          media: tuple[Media, ...] = (Media("https://cdn.example.com/p1.jpg"),)) -> PostDraft:
    return PostDraft(kind=kind, body=body, title=title, media=media, product_ids=products, tags=tags)


def published(author: Principal, products: tuple[str, ...] = (), when: datetime = NOW, **kw) -> post_items.PostView:
    view = posts.publish(author, draft(products=products, **kw), when)
    assert view.post.state is PostState.PUBLISHED
    return view


def table_snapshot() -> dict[tuple[str, str], dict]:
    """Every item of the table, serialised: a refusal must leave it as it was."""
    return {(i.PK, i.SK): i.serialize() for i in TableItem.scan(consistent_read=True)}


def raw_post(post_id: str):
    return posts_store.PostItem.get(keys.post_pk(post_id), keys.POST_SK, consistent_read=True)


def raw_links(post_id: str) -> dict[str, object]:
    return {i.product_id: i for i in TableItem.query(keys.post_pk(post_id), TableItem.SK.startswith(keys.LINK_PREFIX),
                                                     consistent_read=True)}


def profile_posts(user_id: str) -> int:
    profile = social.profile(user_id)
    return profile.posts if profile else 0


def assert_in_feeds(view: post_items.PostView) -> None:
    post = view.post
    item = raw_post(post.id)
    position = f"{feed_time(post.published_at)}#{post.id}"
    assert (item.GSI1PK, item.GSI1SK) == (keys.author_posts(post.author_id), position)
    assert (item.GSI2PK, item.GSI2SK) == (
        keys.DISCOVER, f"{discover_sort_key(post.engagement, post.published_at)}#{post.id}")
    for product_id, link in raw_links(post.id).items():
        assert (link.GSI1PK, link.GSI1SK) == (keys.product_posts(product_id), position)


def assert_in_queue(post_id: str) -> None:
    item = raw_post(post_id)
    assert item.GSI1PK == keys.MODERATION_QUEUE and item.GSI1SK.endswith(f"#{post_id}")
    assert item.GSI2PK is None and item.GSI2SK is None
    assert all(link.GSI1PK is None and link.GSI1SK is None for link in raw_links(post_id).values())


def assert_unindexed(post_id: str) -> None:
    item = raw_post(post_id)
    assert (item.GSI1PK, item.GSI1SK, item.GSI2PK, item.GSI2SK) == (None, None, None, None)
    assert all(link.GSI1PK is None and link.GSI1SK is None for link in raw_links(post_id).values())


# ---------------------------------------------------------------- price_from
def test_price_from_follows_every_sku_write():
    product_id = make_products(prices=(1200, 990))[0]
    assert catalog.store.product_record(product_id).product.price_from == 990
    cheap = catalog.add_sku(MERCHANT, product_id, catalog.SkuInput(code="SMALL", price=500), NOW)
    assert catalog.store.product_record(product_id).product.price_from == 500
    catalog.update_sku(MERCHANT, product_id, cheap.id, catalog.SkuChanges(price=2000))
    record = catalog.store.product_record(product_id, consistent=True)
    assert record.product.price_from == 990 and record.version == 3  # add_sku and update_sku moved it
    catalog.update_product(MERCHANT, product_id, catalog.ProductChanges(name="Big mango"), NOW)
    assert catalog.store.product_record(product_id).product.price_from == 990


def test_a_product_without_skus_has_no_price_from():
    product_id = make_products(prices=(), status=ProductStatus.DRAFT)[0]
    assert catalog.store.product_record(product_id).product.price_from is None


def test_a_sku_price_change_is_one_transaction_with_the_product(emulator):
    product_id = make_products(prices=(1200, 990))[0]
    sku_id = catalog.store.product_record(product_id).product.sku_ids[1]
    emulator.clear_log()
    catalog.update_sku(MERCHANT, product_id, sku_id, catalog.SkuChanges(price=1500))
    assert emulator.dynamodb_operations() == ["Query", "TransactWriteItems"]
    assert catalog.store.product_record(product_id).product.price_from == 1200


def test_a_stale_sku_price_change_is_a_conflict_and_writes_nothing():
    product_id = make_products(prices=(1200, 990))[0]
    record = catalog.store.product_record(product_id, consistent=True)
    catalog.update_sku(MERCHANT, product_id, record.skus[1].id, catalog.SkuChanges(price=100))
    before = table_snapshot()
    stale = replace(record.skus[0], price=replace(record.skus[0].price, amount=50))
    with pytest.raises(Conflict):
        catalog.store.update_sku_details(record, stale, 50)
    assert table_snapshot() == before


# ---------------------------------------------------------------- publish
def test_a_clean_post_is_published_with_its_snapshots_keys_decision_and_count(emulator):
    alice = make_user("Alice", avatar="https://cdn.example.com/alice.jpg")
    first, second = make_products(2)
    list_words()
    moderation.screens()  # the container's screen is warm: a publish is then exactly two requests
    emulator.clear_log()
    view = posts.publish(alice, draft(products=(first, second, first)), NOW)
    assert emulator.dynamodb_counts() == {"BatchGetItem": 1, "TransactWriteItems": 1}

    post = view.post
    assert post.state is PostState.PUBLISHED and post.published_at == NOW and post.author_id == alice.user_id
    assert post.content.product_ids == (first, second)
    assert (view.author_name, view.author_avatar_url) == ("Alice", "https://cdn.example.com/alice.jpg")
    assert [(c.product_id, c.name, c.price_from, c.image_url) for c in view.products] == [
        (first, "Mango 0", 990, "https://cdn.example.com/mango.jpg"),
        (second, "Mango 1", 990, "https://cdn.example.com/mango.jpg")]
    assert posts_store.get_post(post.id) == view
    assert_in_feeds(view)
    assert set(raw_links(post.id)) == {first, second}
    [decision] = posts_store.decisions(post.id)
    assert (decision.moderator_id, decision.reason, decision.from_state, decision.to_state) == (
        SYSTEM_MODERATOR, "passed screening", PostState.PENDING_REVIEW, PostState.PUBLISHED)
    assert profile_posts(alice.user_id) == 1


def test_a_post_with_a_review_word_waits_in_the_queue(emulator):
    alice = make_user()
    [product] = make_products()
    list_words()
    moderation.screens()
    emulator.clear_log()
    view = posts.publish(alice, draft("加 微 信 mango123 for a discount", products=(product,)), NOW)
    assert emulator.dynamodb_counts() == {"BatchGetItem": 1, "TransactWriteItems": 1}
    assert view.post.state is PostState.PENDING_REVIEW and view.post.published_at is None
    assert_in_queue(view.post.id)
    assert posts_store.decisions(view.post.id) == []
    assert profile_posts(alice.user_id) == 0  # the count is of published posts only
    queue, _ = moderation.review_queue(OPERATOR, 10)
    assert [v.post.id for v in queue] == [view.post.id]


@pytest.mark.parametrize("fields, field", [
    ({"body": "you are a ｆ.u.c.k.i.n.g idiot, F U C K"}, ("body",)),
    ({"body": "真是个傻 * 逼"}, ("body",)),
    ({"title": "Ｆｕｃｋ this"}, ("title",)),
    ({"tags": ("summer", "f_u_c_k")}, ("tags", "1")),
    ({"title": "加微信", "body": "傻逼"}, ("body",)),  # a BLOCK word beats a REVIEW word
])
def test_a_post_with_a_banned_word_is_refused_with_the_reason_and_nothing_is_stored(fields, field):
    alice = make_user()
    [product] = make_products()
    list_words()
    before = table_snapshot()
    with pytest.raises(ContentRejected) as refused:
        posts.publish(alice, draft(products=(product,), **fields), NOW)
    assert refused.value.field == field and refused.value.message.startswith("contains a banned word")
    assert isinstance(refused.value, ValidationFailed)
    assert refused.value.code is ErrorCode.CONTENT_REJECTED
    assert table_snapshot() == before


def _refusal_cases():
    ok = Media("https://cdn.example.com/p1.jpg")
    return [
        ("too many products", lambda p, _i: draft(products=tuple(p[:1]) + tuple(new_id() for _ in range(9))),
         ValidationFailed, ("productIds",)),
        ("unknown product", lambda p, _i: draft(products=(new_id(),)), NotFound, ("productIds", "0")),
        ("inactive product", lambda p, i: draft(products=(p[0], i)), ProductNotAvailable, ("productIds", "1")),
        ("not a product id", lambda p, _i: draft(products=("mango",)), InvalidId, ("productIds", "0")),
        ("empty body", lambda p, _i: draft("   "), ValidationFailed, ("body",)),
        ("oversized body", lambda p, _i: draft("芒" * 2001), ValidationFailed, ("body",)),
        ("http media", lambda p, _i: draft(media=(ok, Media("http://cdn.example.com/a.jpg"))), ValidationFailed,
         ("media", "1", "url")),
        ("media on an IP", lambda p, _i: draft(media=(Media("https://10.0.0.1/a.jpg"),)), ValidationFailed,
         ("media", "0", "url")),
        ("review of two products", lambda p, i: draft(kind=PostKind.REVIEW, products=(p[0], p[1])),
         ValidationFailed, ("productIds",)),
    ]


@pytest.mark.parametrize("case, make, error, field", _refusal_cases(), ids=[c[0] for c in _refusal_cases()])
def test_bad_posts_are_refused_with_the_field_and_change_nothing(case, make, error, field):
    alice = make_user()
    products = make_products(2)
    [inactive] = make_products(status=ProductStatus.DRAFT)
    before = table_snapshot()
    with pytest.raises(error) as refused:
        posts.publish(alice, make(products, inactive), NOW)
    assert refused.value.field == field, refused.value.message
    assert table_snapshot() == before


def test_posting_needs_a_signed_in_user_that_exists():
    before = table_snapshot()
    with pytest.raises(Unauthenticated):
        posts.publish(None, draft(), NOW)
    with pytest.raises(Unauthenticated):
        posts.publish(Principal(new_id(), Role.CUSTOMER), draft(), NOW)
    assert table_snapshot() == before


def test_any_role_may_post():
    for role in Role:
        assert published(make_user(role.value, role)).post.author_id


def test_a_review_of_a_bought_product_is_a_verified_purchase_until_refunded():
    alice = make_user()
    [product] = make_products()
    order = new_id()
    review = draft(kind=PostKind.REVIEW, products=(product,))
    assert posts.publish(alice, review, NOW).post.verified_purchase is False
    assert purchases.on_order_paid(alice.user_id, order, product, NOW, 2990) is True
    assert purchases.on_order_paid(alice.user_id, order, product, NOW, 2990) is False  # redelivered: counted once
    assert posts.publish(alice, review, NOW).post.verified_purchase is True
    assert posts.publish(alice, replace(review, kind=PostKind.NOTE), NOW).post.verified_purchase is False
    assert purchases.on_order_refunded(alice.user_id, order, product) is True
    assert purchases.on_order_refunded(alice.user_id, order, product) is False
    assert posts.publish(alice, review, NOW).post.verified_purchase is False


def test_two_paid_orders_need_two_refunds():
    alice = make_user()
    [product] = make_products()
    orders = [new_id(), new_id()]
    for order in orders:
        purchases.on_order_paid(alice.user_id, order, product, NOW, 2990)
    purchases.on_order_refunded(alice.user_id, orders[0], product)
    review = draft(kind=PostKind.REVIEW, products=(product,))
    assert posts.publish(alice, review, NOW).post.verified_purchase is True
    purchases.on_order_refunded(alice.user_id, orders[1], product)
    assert posts.publish(alice, review, NOW).post.verified_purchase is False


# ---------------------------------------------------------------- edit
def test_an_edit_is_screened_again_and_rewrites_the_links():
    alice = make_user()
    first, second, third = make_products(3)
    list_words()
    view = published(alice, (first, second))
    later = NOW + timedelta(hours=1)
    edited = posts.edit(alice, view.post.id, draft("Even better", products=(second, third)), later)
    assert edited.post.state is PostState.PUBLISHED and edited.post.published_at == NOW  # keeps its place
    assert edited.version == view.version + 1 == posts_store.get_post(view.post.id).version
    assert posts_store.get_post(view.post.id) == edited
    assert set(raw_links(view.post.id)) == {second, third}
    assert_in_feeds(edited)
    assert [d.to_state for d in posts_store.decisions(view.post.id)] == [PostState.PUBLISHED, PostState.PUBLISHED]

    queued = posts.edit(alice, view.post.id, draft("加微信 for more", products=(third,)), later)
    assert queued.post.state is PostState.PENDING_REVIEW and queued.post.published_at == NOW
    assert set(raw_links(view.post.id)) == {third}
    assert_in_queue(view.post.id)


def test_refused_edits_change_nothing():
    alice, bob = make_user("Alice"), make_user("Bob")
    [product] = make_products()
    list_words()
    view = published(alice, (product,))
    before = table_snapshot()
    with pytest.raises(NotPostAuthor):
        posts.edit(bob, view.post.id, draft("mine now"), NOW)
    with pytest.raises(ContentRejected):
        posts.edit(alice, view.post.id, draft("傻逼"), NOW)
    with pytest.raises(Conflict):
        posts.edit(alice, view.post.id, draft("late"), NOW, expected_version=view.version - 1)
    with pytest.raises(ValidationFailed) as kind:
        posts.edit(alice, view.post.id, draft(kind=PostKind.VIDEO,
                                              media=(Media("https://cdn.example.com/v.mp4", MediaKind.VIDEO),)), NOW)
    assert kind.value.field == ("kind",)
    with pytest.raises(NotFound):
        posts.edit(alice, new_id(), draft(), NOW)
    assert table_snapshot() == before


def test_an_edit_of_a_post_changed_meanwhile_is_retried_on_what_is_there(monkeypatch):
    alice = make_user()
    view = published(alice)
    real = posts_store.save_edit
    calls = []

    def racing(before, after, decision):
        if not calls:  # a moderator removes the post between the edit's read and write
            calls.append(1)
            moderation.remove(OPERATOR, view.post.id, "spam", NOW)
        return real(before, after, decision)

    monkeypatch.setattr(posts_store, "save_edit", racing)
    with pytest.raises(InvalidPostTransition):
        posts.edit(alice, view.post.id, draft("sneaky"), NOW)
    assert posts_store.get_post(view.post.id).post.state is PostState.REMOVED


def test_a_hidden_post_edited_stays_for_a_moderator():
    alice = make_user()
    view = published(alice)
    for _ in range(3):
        social.report(make_user("R"), view.post.id, social.ReportReason.SPAM, None, NOW, threshold=3)
    assert posts_store.get_post(view.post.id).post.state is PostState.HIDDEN
    try:
        edited = posts.edit(alice, view.post.id, draft("clean now"), NOW)
    except InvalidPostTransition:
        return  # the domain may refuse editing a hidden post outright
    assert edited.post.state is not PostState.PUBLISHED
    assert_in_queue(view.post.id)


# ---------------------------------------------------------------- delete
def test_delete_takes_the_post_out_of_every_index_and_the_count():
    alice, bob = make_user("Alice"), make_user("Bob")
    [product] = make_products()
    view = published(alice, (product,))
    published(alice)
    with pytest.raises(NotPostAuthor):
        posts.delete(bob, view.post.id, NOW)
    deleted = posts.delete(alice, view.post.id, NOW + timedelta(minutes=5))
    assert deleted.post.state is PostState.DELETED == posts_store.get_post(view.post.id).post.state
    assert_unindexed(view.post.id)
    assert profile_posts(alice.user_id) == 1
    before = table_snapshot()
    with pytest.raises(NotFound):
        posts.delete(alice, view.post.id, NOW)
    with pytest.raises(NotFound):
        posts.edit(alice, view.post.id, draft(), NOW)
    assert table_snapshot() == before


def test_a_queued_post_deleted_leaves_the_queue():
    alice = make_user()
    list_words()
    view = posts.publish(alice, draft("加微信"), NOW)
    posts.delete(alice, view.post.id, NOW)
    assert moderation.review_queue(OPERATOR, 10) == ([], None)
    assert_unindexed(view.post.id)


# ---------------------------------------------------------------- the points hook
def _images(post_id: str):
    item = raw_post(post_id)
    return dict(item.attribute_values) | {"type": "Post"}


def test_a_post_earns_points_when_first_published_only():
    alice = make_user()
    list_words()
    clean = published(alice)
    new = _images(clean.post.id)
    assert posts.on_post_changed(new, {}) == 10
    assert posts.on_post_changed(new, {}) == 0  # redelivered

    queued = posts.publish(alice, draft("加微信"), NOW)
    waiting = _images(queued.post.id)
    assert posts.on_post_changed(waiting, {}) == 0
    moderation.approve(OPERATOR, queued.post.id, "fine", NOW)
    assert posts.on_post_changed(_images(queued.post.id), waiting) == 10

    reapproved = _images(clean.post.id)
    assert posts.on_post_changed(reapproved, reapproved | {"state": "HIDDEN"}) == 0  # kept its published_at
    assert posts.on_post_changed({"type": "Like"}, {}) == 0


# ---------------------------------------------------------------- the author's post count
def test_the_post_count_follows_published_posts_only():
    """Author.postCount counts what Author.posts lists: a post in review, rejected,
    hidden, removed or deleted is not counted; approval and re-approval count it once."""
    alice = make_user()
    list_words()
    queued = posts.publish(alice, draft("加微信"), NOW)
    rejected = posts.publish(alice, draft("加微信 too"), NOW)
    assert profile_posts(alice.user_id) == 0
    moderation.reject(OPERATOR, rejected.post.id, "spam", NOW)
    assert profile_posts(alice.user_id) == 0
    moderation.approve(OPERATOR, queued.post.id, "fine", NOW)
    assert profile_posts(alice.user_id) == 1
    posts.edit(alice, queued.post.id, draft("加微信 again"), NOW)  # back to the queue
    assert profile_posts(alice.user_id) == 0
    moderation.approve(OPERATOR, queued.post.id, "fine", NOW)
    clean = published(alice)
    assert profile_posts(alice.user_id) == 2
    for _ in range(3):
        social.report(make_user("R"), clean.post.id, social.ReportReason.SPAM, None, NOW, threshold=3)
    assert profile_posts(alice.user_id) == 1  # hidden by reports
    moderation.remove(OPERATOR, clean.post.id, "spam", NOW)
    assert profile_posts(alice.user_id) == 1
    posts.delete(alice, rejected.post.id, NOW)
    assert profile_posts(alice.user_id) == 1  # a rejected post was never counted
    posts.delete(alice, queued.post.id, NOW)
    assert profile_posts(alice.user_id) == 0


# ---------------------------------------------------------------- no existence leak
def test_someone_elses_hidden_post_is_not_found_like_a_missing_one():
    """Editing or deleting a post the caller cannot see answers exactly what a
    missing id answers (NOT_FOUND, same message), even with a stale version;
    FORBIDDEN only for a post they can see."""
    alice, bob = make_user("Alice"), make_user("Bob")
    list_words()
    queued = posts.publish(alice, draft("加微信"), NOW)
    rejected = posts.publish(alice, draft("加微信 too"), NOW)
    moderation.reject(OPERATOR, rejected.post.id, "spam", NOW)
    visible = published(alice)
    with pytest.raises(NotFound) as absent:
        posts.edit(bob, new_id(), draft(), NOW)
    before = table_snapshot()
    for hidden in (queued, rejected):
        for attempt in (lambda: posts.edit(bob, hidden.post.id, draft(), NOW),
                        lambda: posts.edit(bob, hidden.post.id, draft(), NOW, expected_version=hidden.version - 1),
                        lambda: posts.delete(bob, hidden.post.id, NOW)):
            with pytest.raises(NotFound) as refused:
                attempt()
            assert type(refused.value) is type(absent.value) and str(refused.value) == str(absent.value)
            assert refused.value.field == absent.value.field
    with pytest.raises(NotPostAuthor):  # an operator sees every post: told it is not theirs
        posts.delete(OPERATOR, queued.post.id, NOW)
    with pytest.raises(NotPostAuthor):
        posts.edit(bob, visible.post.id, draft(), NOW)
    with pytest.raises(NotPostAuthor):
        posts.delete(bob, visible.post.id, NOW)
    assert table_snapshot() == before
