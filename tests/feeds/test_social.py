"""Engagement, follows, profiles: stories and refusals against the emulator."""
from __future__ import annotations

import os
from datetime import timedelta

import pytest

import app as app_module
from chalicelib.core.errors import InvalidCursor, InvalidId, NotFound, Unauthenticated, ValidationFailed
from chalicelib.core.ids import new_id
from chalicelib.feeds import moderation, posts, posts_store, social, social_store
from chalicelib.feeds import reading as feeds
from chalicelib.feeds.moderation import ContentRejected
from chalicelib.feeds.ranking import discover_sort_key
from chalicelib.feeds.rules import CannotFollowSelf, Comment, Engagement, PostNotVisible, PostState, ReportReason
from chalicelib.purchases import keys as purchase_keys
from chalicelib.purchases import service as purchases
from devstack.streams import StreamPoller
from tests.feeds.test_posts import (
    NOW,
    OPERATOR,
    _no_cached_words,  # noqa: F401 - the autouse fixture, shared
    assert_in_queue,
    draft,
    list_words,
    make_products,
    make_user,
    published,
    raw_links,
    raw_post,
    table_snapshot,
)


def _discover_key(post_id: str) -> str:
    return raw_post(post_id).GSI2SK


def _expected_key(view, likes=0, comments=0, shares=0) -> str:
    return f"{discover_sort_key(Engagement(likes, comments, shares), view.post.published_at)}#{view.post.id}"


def _not_visible_posts(author):
    """A pending, a removed, a hidden and a deleted post."""
    list_words()
    pending = posts.publish(author, draft("加微信"), NOW).post.id
    removed = published(author).post.id
    moderation.remove(OPERATOR, removed, "spam", NOW)
    hidden = published(author).post.id
    for _ in range(3):
        social.report(make_user("R"), hidden, ReportReason.SPAM, None, NOW, threshold=3)
    deleted = published(author).post.id
    posts.delete(author, deleted, NOW)
    return [pending, removed, hidden, deleted, new_id()]


# ---------------------------------------------------------------- likes and shares
def test_like_and_unlike_move_the_counter_and_leave_the_discover_key_to_the_stream():
    alice, bob = make_user("Alice"), make_user("Bob")
    view = published(alice)
    liked = social.like(bob, view.post.id, NOW)
    assert (liked.liked, liked.changed, liked.post.post.engagement.likes) == (True, True, 1)
    assert posts_store.get_post(view.post.id).post.engagement == Engagement(1, 0, 0)
    assert social_store.has_liked(view.post.id, bob.user_id)
    social.like(make_user("Carol"), view.post.id, NOW)
    assert _discover_key(view.post.id) == _expected_key(view)  # as published: the stream moves it (below)

    again = social.like(bob, view.post.id, NOW)  # liking twice: no error, nothing changes
    assert (again.liked, again.changed, again.post.post.engagement.likes) == (True, False, 2)
    assert social_store.likes_of(bob.user_id, [view.post.id, new_id()]) == {view.post.id}

    unliked = social.unlike(bob, view.post.id)
    assert (unliked.liked, unliked.changed, unliked.post.post.engagement.likes) == (False, True, 1)
    assert not social_store.has_liked(view.post.id, bob.user_id)
    assert posts_store.get_post(view.post.id).post.engagement == Engagement(1, 0, 0)
    before = table_snapshot()
    assert social.unlike(bob, view.post.id).changed is False
    assert table_snapshot() == before


def test_shares_count_each_time():
    alice = make_user()
    view = published(alice)
    social.share(alice, view.post.id)
    shared = social.share(alice, view.post.id)
    assert shared.post.engagement.shares == 2 == posts_store.get_post(view.post.id).post.engagement.shares
    assert _discover_key(view.post.id) == _expected_key(view)


def test_engagement_on_posts_that_are_not_published_is_refused_and_changes_nothing():
    alice, bob = make_user("Alice"), make_user("Bob")
    hidden_ids = _not_visible_posts(alice)
    before = table_snapshot()
    for post_id in hidden_ids:
        for action in (lambda: social.like(bob, post_id, NOW), lambda: social.unlike(bob, post_id),
                       lambda: social.share(bob, post_id), lambda: social.comment(bob, post_id, "hi", NOW),
                       lambda: social.report(bob, post_id, ReportReason.SPAM, None, NOW)):
            with pytest.raises(PostNotVisible):
                action()
    assert table_snapshot() == before


def test_engagement_needs_a_signed_in_user_and_a_post_id():
    before = table_snapshot()
    with pytest.raises(Unauthenticated):
        social.like(None, new_id(), NOW)
    with pytest.raises(InvalidId):
        social.like(make_user(), "post-1", NOW)
    assert len(table_snapshot()) == len(before) + 2  # only the user made for the second call (user, identity)


# ---------------------------------------------------------------- the discover key, through the stream
@pytest.fixture
def stream(emulator):
    """The app's real table stream consumer (chalicelib/stream.py), drained by hand."""
    (poller,) = StreamPoller.for_app(app_module.app, emulator.endpoint_url, os.environ["TUANSTACK_TABLE"])
    yield poller
    poller.stop()


def _image(post_id: str) -> dict:
    """The post as a stream record's image gives it (numbers are Decimal there; ints do too)."""
    return dict(raw_post(post_id).attribute_values) | {"type": "Post"}


def _discover_ids() -> list[str]:
    return [v.post.id for v in feeds.discover_feed(10).posts]


def test_the_discover_key_follows_the_counts_through_the_stream(stream):
    alice = make_user("Alice")
    readers = [make_user(f"R{i}") for i in range(6)]
    hot = published(alice, when=NOW - timedelta(hours=1))
    cold = published(alice)  # an hour newer: first while nobody engages
    stream.drain()
    assert _discover_ids() == [cold.post.id, hot.post.id]

    for reader in readers:
        social.like(reader, hot.post.id, NOW)
    mine = social.comment(readers[0], hot.post.id, "想买", NOW).comment.id
    social.comment(readers[1], hot.post.id, "好看", NOW)
    social.share(readers[2], hot.post.id)
    social.unlike(readers[5], hot.post.id)
    social.delete_comment(readers[0], hot.post.id, mine)
    assert _discover_ids() == [cold.post.id, hot.post.id]  # the counters moved, the key lags
    assert _discover_key(hot.post.id) == _expected_key(hot)

    assert stream.drain() > 0
    assert posts_store.get_post(hot.post.id).post.engagement == Engagement(5, 1, 1)
    assert _discover_key(hot.post.id) == _expected_key(hot, likes=5, comments=1, shares=1)  # 10: 12.5 h
    assert _discover_key(cold.post.id) == _expected_key(cold)
    assert _discover_ids() == [hot.post.id, cold.post.id]
    assert stream.drain() == 0  # the consumer's own write changed no count: no loop


def test_a_stale_or_redelivered_record_never_moves_the_key_back(emulator, stream):
    alice, bob, carol = make_user("Alice"), make_user("Bob"), make_user("Carol")
    view = published(alice)
    before_likes = _image(view.post.id)
    social.like(bob, view.post.id, NOW)
    social.like(carol, view.post.id, NOW)
    two_likes = _image(view.post.id)  # still carries the published key
    social.share(bob, view.post.id)
    stream.drain()
    current = _expected_key(view, likes=2, shares=1)
    assert _discover_key(view.post.id) == current

    emulator.clear_log()
    assert posts.on_post_changed(two_likes, before_likes) == 0  # replayed: its counts are gone
    assert emulator.dynamodb_operations() == ["UpdateItem"]  # tried, refused by the counts condition
    assert _discover_key(view.post.id) == current

    after = _image(view.post.id)
    emulator.clear_log()
    assert not posts.follow_discover_key(after, after | {"GSI2SK": "0#stale"})  # the consumer's own record
    assert not posts.follow_discover_key(after | {"GSI2SK": "0#stale"}, after)  # counts unchanged: not ours
    assert emulator.dynamodb_operations() == []


def test_the_stream_does_not_put_a_removed_post_back_into_discover(stream):
    alice, bob = make_user("Alice"), make_user("Bob")
    view = published(alice)
    for reader in (bob, make_user("Carol")):
        social.like(reader, view.post.id, NOW)
    moderation.remove(OPERATOR, view.post.id, "spam", NOW)  # before the stream saw the likes
    stream.drain()
    stored = raw_post(view.post.id)
    assert (stored.GSI2PK, stored.GSI2SK, stored.likes) == (None, None, 2)
    assert _discover_ids() == []


def test_an_approved_post_enters_discover_with_the_key_of_its_counts(stream):
    alice, bob = make_user("Alice"), make_user("Bob")
    view = published(alice)
    for reader in (bob, make_user("Carol"), make_user("Dan")):
        social.like(reader, view.post.id, NOW)
    for i in range(3):
        social.report(make_user(f"R{i}"), view.post.id, ReportReason.SPAM, None, NOW, threshold=3)
    stream.drain()
    assert raw_post(view.post.id).GSI2SK is None
    moderation.approve(OPERATOR, view.post.id, "fine", NOW)
    assert _discover_key(view.post.id) == _expected_key(view, likes=3)  # written with the state
    stream.drain()
    assert _discover_key(view.post.id) == _expected_key(view, likes=3)
    assert _discover_ids() == [view.post.id]


# ---------------------------------------------------------------- comments
def test_comments_are_stored_counted_and_listed_newest_first():
    alice, bob = make_user("Alice"), make_user("Bob")
    view = published(alice)
    ids = [social.comment(bob, view.post.id, f"  nice {i} ", NOW + timedelta(seconds=i)).comment.id
           for i in range(5)]
    assert posts_store.get_post(view.post.id).post.engagement.comments == 5
    first, after = social.comments(view.post.id, 2)
    second, after2 = social.comments(view.post.id, 2, after)
    third, end = social.comments(view.post.id, 2, after2)
    page = first + second + third
    assert [c.comment.id for c in page] == ids[::-1] and end is None
    assert (page[-1].comment.body, page[-1].author_name, page[-1].comment.author_id) == ("nice 0", "Bob",
                                                                                         bob.user_id)
    with pytest.raises(InvalidCursor):
        social.comments(view.post.id, 2, "nope")


def test_a_comment_with_a_banned_word_is_refused_and_nothing_is_stored():
    alice, bob = make_user("Alice"), make_user("Bob")
    list_words()
    view = published(alice)
    before = table_snapshot()
    with pytest.raises(ContentRejected) as refused:
        social.comment(bob, view.post.id, "你 个 傻 🙂 逼", NOW)
    assert refused.value.field == ("body",)
    for body in ("", "   ", "x" * 501):
        with pytest.raises(ValidationFailed):
            social.comment(bob, view.post.id, body, NOW)
    assert table_snapshot() == before
    assert social.comment(bob, view.post.id, "加微信 ok", NOW).comment.body == "加微信 ok"  # no queue for comments


def test_engagement_on_a_post_removed_meanwhile_fails_in_the_write_itself():
    """Nothing reads the post before a counter's write: its condition (published)
    is the check, so a post removed a moment before takes no like, comment or share."""
    alice, bob = make_user("Alice"), make_user("Bob")
    view = published(alice)
    mine = social.comment(bob, view.post.id, "first", NOW).comment.id
    moderation.remove(OPERATOR, view.post.id, "spam", NOW)
    before = table_snapshot()
    with pytest.raises(PostNotVisible):
        social_store.add_comment(Comment(new_id(), view.post.id, bob.user_id, "late", NOW), "Bob")
    with pytest.raises(PostNotVisible):
        social_store.like(view.post.id, bob.user_id, NOW)
    assert posts_store.share(view.post.id) is None
    assert social_store.delete_comment(view.post.id, mine, alice.user_id) is False  # not hers
    assert table_snapshot() == before


def test_each_engagement_write_is_one_request_and_none_touches_the_discover_key(emulator):
    alice, bob = make_user("Alice"), make_user("Bob")
    view = published(alice)
    key = _discover_key(view.post.id)
    mine = social.comment(bob, view.post.id, "first", NOW).comment.id
    emulator.clear_log()
    social.share(bob, view.post.id)
    assert emulator.dynamodb_operations() == ["UpdateItem"]  # the post comes back from the update
    emulator.clear_log()
    social.like(bob, view.post.id, NOW)
    social.unlike(bob, view.post.id)
    assert emulator.dynamodb_operations() == ["TransactWriteItems", "GetItem"] * 2  # the post, after, for the caller
    emulator.clear_log()
    social.delete_comment(bob, view.post.id, mine)
    assert emulator.dynamodb_operations() == ["TransactWriteItems"]
    assert posts_store.get_post(view.post.id).post.engagement == Engagement(0, 0, 1)
    assert _discover_key(view.post.id) == key


def test_authors_delete_their_own_comments_only():
    alice, bob = make_user("Alice"), make_user("Bob")
    view = published(alice)
    mine = social.comment(bob, view.post.id, "first", NOW).comment.id
    social.comment(alice, view.post.id, "thanks", NOW)
    before = table_snapshot()
    with pytest.raises(NotFound):
        social.delete_comment(alice, view.post.id, mine)
    with pytest.raises(NotFound):
        social.delete_comment(bob, view.post.id, new_id())
    assert table_snapshot() == before
    social.delete_comment(bob, view.post.id, mine)
    assert [c.comment.body for c in social.comments(view.post.id, 10)[0]] == ["thanks"]
    assert posts_store.get_post(view.post.id).post.engagement.comments == 1


def test_a_comment_can_be_deleted_after_its_post_was_hidden():
    alice, bob = make_user("Alice"), make_user("Bob")
    view = published(alice)
    mine = social.comment(bob, view.post.id, "first", NOW).comment.id
    moderation.remove(OPERATOR, view.post.id, "spam", NOW)
    social.delete_comment(bob, view.post.id, mine)
    assert posts_store.get_post(view.post.id).post.engagement.comments == 0
    assert raw_post(view.post.id).GSI2SK is None


# ---------------------------------------------------------------- reports
def test_reports_count_once_per_reader_and_hide_the_post_at_the_threshold():
    alice = make_user()
    [product] = make_products()
    view = published(alice, (product,))
    readers = [make_user(f"R{i}") for i in range(3)]
    assert social.report(readers[0], view.post.id, ReportReason.SPAM, None, NOW, threshold=3) == social.Reported(
        True, False)
    before = table_snapshot()
    assert social.report(readers[0], view.post.id, ReportReason.OFFENSIVE, None, NOW, threshold=3) == \
        social.Reported(False, False)
    assert table_snapshot() == before
    social.report(readers[1], view.post.id, ReportReason.OTHER, "fake reviews", NOW, threshold=3)
    assert posts_store.get_post(view.post.id).post.open_reports == 2
    assert social.report(readers[2], view.post.id, ReportReason.FALSE_CLAIMS, None, NOW, threshold=3) == \
        social.Reported(True, True)
    hidden = posts_store.get_post(view.post.id)
    assert hidden.post.state is PostState.HIDDEN and hidden.post.open_reports == 3
    assert hidden.rejection_reason == "reported by 3 readers"
    assert_in_queue(view.post.id)
    assert all(link.GSI1PK is None for link in raw_links(view.post.id).values())
    system = moderation.decisions(OPERATOR, view.post.id)[-1]
    assert (system.moderator_id, system.from_state, system.to_state) == ("system", PostState.PUBLISHED,
                                                                          PostState.HIDDEN)


def test_the_report_threshold_comes_from_configuration(monkeypatch):
    monkeypatch.setenv(social.REPORT_THRESHOLD_ENV, "1")
    alice = make_user()
    view = published(alice)
    assert social.report(make_user("R"), view.post.id, ReportReason.SPAM, None, NOW).hidden
    assert social.report_threshold() == 1
    monkeypatch.delenv(social.REPORT_THRESHOLD_ENV)
    assert social.report_threshold() == posts.rules.DEFAULT_REPORT_THRESHOLD


def test_a_report_of_reason_other_needs_a_note():
    alice, bob = make_user("Alice"), make_user("Bob")
    view = published(alice)
    before = table_snapshot()
    with pytest.raises(ValidationFailed) as refused:
        social.report(bob, view.post.id, ReportReason.OTHER, "  ", NOW)
    assert refused.value.field == ("note",)
    assert table_snapshot() == before


# ---------------------------------------------------------------- follows and profiles
def test_follow_and_unfollow_keep_both_profiles_counts():
    alice, bob = make_user("Alice", avatar="https://cdn.example.com/a.jpg"), make_user("Bob")
    published(alice)
    assert social.follow(bob, alice.user_id, NOW) == social.Followed(True, True)
    assert social.follow(bob, alice.user_id, NOW) == social.Followed(True, False)  # twice: a no-op
    author, reader = social.profile(alice.user_id), social.profile(bob.user_id)
    assert (author.user.display_name, author.user.avatar_url, author.followers, author.following, author.posts) == (
        "Alice", "https://cdn.example.com/a.jpg", 1, 0, 1)
    assert (reader.followers, reader.following) == (0, 1)
    assert social.is_following(bob, alice.user_id) and not social.is_following(alice, bob.user_id)
    assert social.followers(alice.user_id, 10) == ([bob.user_id], None)
    assert social.following(bob.user_id, 10) == ([alice.user_id], None)
    assert social_store.pulled_authors(bob.user_id) == set()  # a small author is pushed, not pulled

    assert social.unfollow(bob, alice.user_id) == social.Followed(False, True)
    before = table_snapshot()
    assert social.unfollow(bob, alice.user_id) == social.Followed(False, False)
    assert table_snapshot() == before
    assert (social.profile(alice.user_id).followers, social.profile(bob.user_id).following) == (0, 0)
    assert social.followers(alice.user_id, 10) == ([], None)


def test_refused_follows_change_nothing():
    alice = make_user()
    before = table_snapshot()
    with pytest.raises(CannotFollowSelf):
        social.follow(alice, alice.user_id, NOW)
    with pytest.raises(NotFound) as unknown:
        social.follow(alice, new_id(), NOW)
    assert unknown.value.field == ("authorId",)
    with pytest.raises(InvalidId):
        social.follow(alice, "bob", NOW)
    with pytest.raises(Unauthenticated):
        social.follow(None, alice.user_id, NOW)
    assert table_snapshot() == before
    assert social.profile(new_id()) is None


def test_following_a_big_author_adds_them_to_the_readers_pulls(monkeypatch):
    monkeypatch.setenv(social.BIG_AUTHOR_ENV, "2")
    star = make_user("Star")
    fans = [make_user(f"Fan{i}") for i in range(3)]
    for fan in fans:
        social.follow(fan, star.user_id, NOW)
    # The second follower makes the author big: from then on, followers pull.
    assert [bool(social_store.pulled_authors(f.user_id)) for f in fans] == [False, True, True]
    social.unfollow(fans[1], star.user_id)
    assert social_store.pulled_authors(fans[1].user_id) == set()
    assert social_store.pulled_authors(fans[2].user_id) == {star.user_id}


def test_followers_and_following_page():
    authors = [make_user(f"A{i}") for i in range(3)]
    readers = [make_user(f"R{i}") for i in range(3)]
    for reader in readers:
        for author in authors:
            social.follow(reader, author.user_id, NOW)
    first, after = social.followers(authors[0].user_id, 2)
    rest, end = social.followers(authors[0].user_id, 2, after)
    assert first + rest == sorted(r.user_id for r in readers) and end is None
    first, after = social.following(readers[0].user_id, 2)
    rest, end = social.following(readers[0].user_id, 2, after)
    assert first + rest == sorted(a.user_id for a in authors) and end is None


def test_a_profile_is_one_query(emulator):
    alice = make_user()
    published(alice)
    emulator.clear_log()
    assert social.profile(alice.user_id).posts == 1
    assert emulator.dynamodb_operations() == ["Query"]


def test_purchase_hooks_need_their_ids():
    with pytest.raises(ValidationFailed):
        purchases.on_order_paid("", new_id(), new_id(), NOW, 100)
    assert social_store.pulled_authors(new_id()) == set()
    assert purchase_keys.purchases_pk("u") == "PURCHASES#u"
