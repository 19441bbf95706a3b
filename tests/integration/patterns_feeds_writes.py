"""Access patterns of the content feeds' writes (posts, moderation, engagement,
follows, purchases), one function per row of docs/data-model.md;
test_access_patterns.py runs them. Helpers start with "_"."""
from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from chalicelib.accounts import store as users_store
from chalicelib.catalog import service as catalog
from chalicelib.catalog import store as catalog_store
from chalicelib.catalog.rules import Media
from chalicelib.core.ids import new_id
from chalicelib.core.money import Money
from chalicelib.core.principal import Principal, Role, User
from chalicelib.feeds import keys, moderation, post_items, posts, posts_store, rules, social, social_store, words_store
from chalicelib.feeds.moderation import WordAction
from chalicelib.feeds.rules import Comment, PostDraft, PostKind, PostState, Report, ReportReason
from chalicelib.purchases import service as purchases
from chalicelib.purchases import store as purchases_store
from tests.factories import pair

_NOW = datetime(2025, 6, 1, 4, 0, tzinfo=UTC)
_OPERATOR = Principal("01J0000000000000000000OPER", Role.OPERATOR)
_MERCHANT = Principal("01J0000000000000000000MRCH", Role.MERCHANT)


def _user(name: str) -> Principal:
    user = User(id=new_id(), role=Role.CUSTOMER, display_name=name)
    users_store.create_user_with_identity(user, "WECHAT", hashlib.sha256(user.id.encode()).hexdigest(),
                                          wechat_openid=None, created_at="2025-01-01T00:00:00Z")
    return Principal(user.id, Role.CUSTOMER)


def _product(category) -> str:
    return catalog.create_product(_MERCHANT, catalog.NewProduct(
        category_id=category.id, name="Mango", status=catalog.ProductStatus.ACTIVE,
        media=(Media("https://cdn.example.com/mango.jpg"),),
        skus=(catalog.SkuInput(code="S", price=990, stock=5), catalog.SkuInput(code="L", price=1290, stock=5)),
    ), _NOW).product.id


def _post(author: Principal, products: tuple[str, ...] = (), body: str = "Sweet and juicy",
          when: datetime = _NOW) -> post_items.PostView:
    moderation.forget_cached_words()  # this container's screen may hold another test's list
    return posts.publish(author, PostDraft(kind=PostKind.NOTE, body=body, product_ids=products), when)


def products_author_and_purchase_before_a_post_is_written(emulator, category):
    alice = _user("Alice")
    products = tuple(_product(category) for _ in range(3))
    purchases.on_order_paid(alice.user_id, new_id(), products[0], _NOW, 2990)
    emulator.clear_log()
    reads = posts_store.write_reads(products, alice.user_id, reviewed_product=products[0])
    assert set(reads.products) == set(products) and reads.author.display_name == "Alice" and reads.purchased
    assert emulator.dynamodb_operations() == ["BatchGetItem"]


def publish_a_post(emulator, category):
    alice = _user("Alice")
    product = _product(category)
    view = _post(alice, (product,))
    fresh = post_items.PostView(
        rules.create_post(new_id(), alice.user_id, view.post.content, _NOW), "Alice", None, view.products)
    emulator.clear_log()
    posts_store.create(fresh, None)  # waits for review: queue keys, unindexed link, not counted yet
    assert emulator.dynamodb_operations() == ["TransactWriteItems"]
    assert social_store.get_profile(alice.user_id).posts == 1  # the published one only


def change_a_post_s_state(emulator, category):
    alice = _user("Alice")
    view = _post(alice, (_product(category),))
    after, decision = rules.remove(view.post, _OPERATOR.user_id, "spam", _NOW)
    emulator.clear_log()
    posts_store.save_transition(view, after, decision, rejection_reason="spam")
    assert emulator.dynamodb_operations() == ["TransactWriteItems"]
    assert posts_store.get_post(view.post.id).post.state is PostState.REMOVED


def posts_waiting_for_review_oldest_first(emulator, category):
    alice = _user("Alice")
    moderation.add_word(_OPERATOR, "加微信", WordAction.REVIEW, _NOW)
    ids = [posts.publish(alice, PostDraft(kind=PostKind.NOTE, body=f"加微信 {i}"), _NOW + timedelta(minutes=i))
           .post.id for i in range(3)]
    moderation.forget_cached_words()
    emulator.clear_log()
    first = posts_store.review_queue(2)
    rest = posts_store.review_queue(2, first.end)
    assert [v.post.id for v in first.items + rest.items] == ids and first.has_more and not rest.has_more
    assert emulator.dynamodb_operations() == ["Query", "Query"]


def a_post_s_moderation_decisions(emulator, category):
    view = _post(_user("Alice"))
    moderation.remove(_OPERATOR, view.post.id, "spam", _NOW)
    emulator.clear_log()
    assert [d.moderator_id for d in posts_store.decisions(view.post.id)] == ["system", _OPERATOR.user_id]
    assert emulator.dynamodb_operations() == ["Query"]


def _image(post_id: str) -> dict:
    """The post as a stream record's image shows it."""
    return dict(_raw_post(post_id).attribute_values) | {"type": "Post"}


def _raw_post(post_id: str):
    return posts_store.PostItem.get(keys.post_pk(post_id), keys.POST_SK, consistent_read=True)


def like_or_unlike_a_post(emulator, category):
    view = _post(_user("Alice"))
    bob = _user("Bob")
    key = _raw_post(view.post.id).GSI2SK
    emulator.clear_log()
    assert social_store.like(view.post.id, bob.user_id, _NOW)
    assert social_store.unlike(view.post.id, bob.user_id)
    assert emulator.dynamodb_operations() == ["TransactWriteItems", "TransactWriteItems"]
    assert _raw_post(view.post.id).GSI2SK == key  # the counters' writes leave the key to the stream


def share_a_post(emulator, category):
    alice = _user("Alice")
    view = _post(alice)
    before = _image(view.post.id)
    emulator.clear_log()
    assert social.share(alice, view.post.id).post.engagement.shares == 1  # the post from the update itself
    assert emulator.dynamodb_operations() == ["UpdateItem"]
    after = _image(view.post.id)
    emulator.clear_log()
    assert posts.follow_discover_key(after, before)  # the table stream's consumer
    assert emulator.dynamodb_operations() == ["UpdateItem"]
    assert _raw_post(view.post.id).GSI2SK == post_items.discover_position(
        rules.Engagement(0, 0, 1), view.post.published_at, view.post.id)


def comment_on_a_post(emulator, category):
    view = _post(_user("Alice"))
    bob = _user("Bob")
    emulator.clear_log()
    social_store.add_comment(Comment(new_id(), view.post.id, bob.user_id, "nice", _NOW), "Bob")
    assert emulator.dynamodb_operations() == ["TransactWriteItems"]


def a_post_s_comments_newest_first(emulator, category):
    view = _post(_user("Alice"))
    bob = _user("Bob")
    ids = [social.comment(bob, view.post.id, f"nice {i}", _NOW).comment.id for i in range(3)]
    social.like(bob, view.post.id, _NOW)  # beside the comments in the partition, never in their range
    emulator.clear_log()
    first, more = pair(social_store.comments_page(view.post.id, 2))
    rest, last = pair(social_store.comments_page(view.post.id, 2, first[-1].comment.id))
    assert [c.comment.id for c in first + rest] == ids[::-1] and more and not last
    assert emulator.dynamodb_operations() == ["Query", "Query"]


def report_a_post(emulator, category):
    view = _post(_user("Alice"))
    bob = _user("Bob")
    emulator.clear_log()
    assert social_store.report(view, Report(view.post.id, bob.user_id, ReportReason.SPAM, None, _NOW), None)
    assert emulator.dynamodb_operations() == ["TransactWriteItems"]


def which_posts_of_a_page_a_reader_liked(emulator, category):
    alice, bob = _user("Alice"), _user("Bob")
    ids = [_post(alice).post.id for _ in range(3)]
    social.like(bob, ids[1], _NOW)
    emulator.clear_log()
    assert social_store.likes_of(bob.user_id, ids) == {ids[1]}
    assert emulator.dynamodb_operations() == ["BatchGetItem"]


def follow_or_unfollow_an_author(emulator, category):
    alice, bob = _user("Alice"), _user("Bob")
    emulator.clear_log()
    assert social_store.follow(bob.user_id, alice.user_id, _NOW, pull=False)
    assert social_store.unfollow(bob.user_id, alice.user_id)
    assert emulator.dynamodb_operations() == ["TransactWriteItems", "TransactWriteItems"]


def whether_a_reader_follows_an_author(emulator, category):
    alice, bob = _user("Alice"), _user("Bob")
    social.follow(bob, alice.user_id, _NOW)
    emulator.clear_log()
    assert social_store.is_following(bob.user_id, alice.user_id)
    assert emulator.dynamodb_operations() == ["GetItem"]


def an_author_s_followers(emulator, category):
    alice = _user("Alice")
    fans = [_user(f"Fan{i}") for i in range(3)]
    for fan in fans:
        social.follow(fan, alice.user_id, _NOW)
    emulator.clear_log()
    first, more = pair(social_store.followers_page(alice.user_id, 2))
    rest, last = pair(social_store.followers_page(alice.user_id, 2, first[-1]))
    assert first + rest == sorted(f.user_id for f in fans) and more and not last
    assert emulator.dynamodb_operations() == ["Query", "Query"]


def the_authors_a_reader_follows(emulator, category):
    bob = _user("Bob")
    authors = [_user(f"A{i}") for i in range(3)]
    for author in authors:
        social.follow(bob, author.user_id, _NOW)
    emulator.clear_log()
    first, more = pair(social_store.following_page(bob.user_id, 2))
    rest, last = pair(social_store.following_page(bob.user_id, 2, first[-1]))
    assert first + rest == sorted(a.user_id for a in authors) and more and not last
    assert emulator.dynamodb_operations() == ["Query", "Query"]


def a_user_s_public_profile(emulator, category):
    alice = _user("Alice")
    _post(alice)
    emulator.clear_log()
    profile = social_store.get_profile(alice.user_id)
    assert (profile.user.display_name, profile.posts) == ("Alice", 1)
    assert emulator.dynamodb_operations() == ["Query"]


def the_public_profiles_of_a_page_s_authors(emulator, category):
    authors = [_user(f"Author {i}") for i in range(3)]
    _post(authors[0])
    emulator.clear_log()
    found = social_store.profiles_of([a.user_id for a in authors] + [authors[0].user_id, new_id()])
    assert sorted(found) == sorted(a.user_id for a in authors)  # an id without an account is absent
    assert found[authors[0].user_id].posts == 1 and found[authors[1].user_id].posts == 0
    assert emulator.dynamodb_operations() == ["BatchGetItem"]


def count_a_paid_order_s_purchase_once(emulator, category):
    alice = _user("Alice")
    product, order = _product(category), new_id()
    emulator.clear_log()
    assert purchases_store.record_purchase(alice.user_id, order, product, _NOW, 2990)
    assert not purchases_store.record_purchase(alice.user_id, order, product, _NOW, 2990)
    assert emulator.dynamodb_operations() == ["TransactWriteItems", "TransactWriteItems"]


def the_sensitive_word_list(emulator, category):
    for word in ("alpha", "bravo", "charlie"):
        words_store.put_word(word, word, "BLOCK", _OPERATOR.user_id, _NOW)
    emulator.clear_log()
    assert [w.key for w in words_store.all_words()] == ["alpha", "bravo", "charlie"]
    first, more = pair(words_store.words_page(2))
    assert [w.key for w in first] == ["alpha", "bravo"] and more
    assert emulator.dynamodb_operations() == ["Query", "Query"]


def change_a_sku_s_price_and_the_product_s_lowest_price(emulator, category):
    record = catalog_store.product_record(_product(category), consistent=True)
    cheaper = replace(record.skus[1], price=Money(500, "CNY"))
    emulator.clear_log()
    catalog_store.update_sku_details(record, cheaper, 500)
    assert emulator.dynamodb_operations() == ["TransactWriteItems"]
    assert catalog_store.product_record(record.product.id).product.price_from == 500
