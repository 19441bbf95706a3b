"""Engagement, follows, profiles: stories and refusals against the emulator."""
from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib.domain.errors import InvalidCursor, InvalidId, NotFound, Unauthenticated, ValidationFailed
from chalicelib.domain.feeds import (
    CannotFollowSelf,
    Comment,
    Engagement,
    PostNotVisible,
    PostState,
    ReportReason,
    discover_sort_key,
)
from chalicelib.domain.ids import new_id
from chalicelib.services import moderation, posts, social
from chalicelib.services.moderation import ContentRejected
from chalicelib.store import keys
from chalicelib.store import posts as posts_store
from chalicelib.store import social as social_store
from chalicelib.store.posts import PostChanged
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
def test_like_and_unlike_move_the_counter_and_the_discover_key():
    alice, bob = make_user("Alice"), make_user("Bob")
    view = published(alice)
    liked = social.like(bob, view.post.id, NOW)
    assert (liked.liked, liked.changed, liked.post.post.engagement.likes) == (True, True, 1)
    assert posts_store.get_post(view.post.id).post.engagement == Engagement(1, 0, 0)
    assert social_store.has_liked(view.post.id, bob.user_id)
    assert _discover_key(view.post.id) == _expected_key(view, likes=1)
    social.like(make_user("Carol"), view.post.id, NOW)
    assert _discover_key(view.post.id) == _expected_key(view, likes=2) > _expected_key(view, likes=1)

    again = social.like(bob, view.post.id, NOW)  # liking twice: no error, nothing changes
    assert (again.liked, again.changed, again.post.post.engagement.likes) == (True, False, 2)
    assert social_store.likes_of(bob.user_id, [view.post.id, new_id()]) == {view.post.id}

    unliked = social.unlike(bob, view.post.id)
    assert (unliked.liked, unliked.changed, unliked.post.post.engagement.likes) == (False, True, 1)
    assert not social_store.has_liked(view.post.id, bob.user_id)
    assert _discover_key(view.post.id) == _expected_key(view, likes=1)
    before = table_snapshot()
    assert social.unlike(bob, view.post.id).changed is False
    assert table_snapshot() == before


def test_shares_count_each_time():
    alice = make_user()
    view = published(alice)
    social.share(alice, view.post.id)
    shared = social.share(alice, view.post.id)
    assert shared.post.engagement.shares == 2 == posts_store.get_post(view.post.id).post.engagement.shares
    assert _discover_key(view.post.id) == _expected_key(view, shares=2)


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


# ---------------------------------------------------------------- comments
def test_comments_are_stored_counted_and_listed_newest_first():
    alice, bob = make_user("Alice"), make_user("Bob")
    view = published(alice)
    ids = [social.comment(bob, view.post.id, f"  nice {i} ", NOW + timedelta(seconds=i)).comment.id
           for i in range(5)]
    assert posts_store.get_post(view.post.id).post.engagement.comments == 5
    assert _discover_key(view.post.id) == _expected_key(view, comments=5)
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


def test_a_comment_on_a_post_removed_after_it_was_read_fails_in_the_transaction():
    alice, bob = make_user("Alice"), make_user("Bob")
    view = published(alice)
    moderation.remove(OPERATOR, view.post.id, "spam", NOW)
    before = table_snapshot()
    with pytest.raises(PostChanged):  # the write was built from the published post read before the removal
        social_store.add_comment(view, Comment(new_id(), view.post.id, bob.user_id, "late", NOW), "Bob")
    with pytest.raises(PostChanged):
        social_store.like(view, bob.user_id, NOW)
    assert table_snapshot() == before


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
    assert _discover_key(view.post.id) == _expected_key(view, comments=1)


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
        social.on_order_paid("", new_id(), new_id())
    assert social_store.pulled_authors(new_id()) == set()
    assert keys.purchases_pk("u") == "PURCHASES#u"
