"""Moderation service: the operators' word list and its per-container cache, the
review queue, moderators' decisions with their audit trail and index keys."""
from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib.core.errors import (
    Forbidden,
    InvalidCursor,
    InvalidId,
    NotFound,
    PageSizeExceeded,
    Unauthenticated,
    ValidationFailed,
)
from chalicelib.core.ids import new_id
from chalicelib.core.principal import Role
from chalicelib.feeds import moderation, posts, posts_store, social, words_store
from chalicelib.feeds.moderation import ContentRejected, WordAction
from chalicelib.feeds.rules import InvalidPostTransition, ModerationAction, PostState, ReportReason
from tests.feeds.test_posts import (
    NOW,
    OPERATOR,
    _no_cached_words,  # noqa: F401 - the autouse fixture, shared
    assert_in_feeds,
    assert_in_queue,
    assert_unindexed,
    draft,
    list_words,
    make_products,
    make_user,
    published,
    table_snapshot,
)


# ---------------------------------------------------------------- the word list
def test_words_are_listed_once_however_spelled_and_their_action_can_change():
    moderation.add_word(OPERATOR, "Ｆｕｃｋ", WordAction.BLOCK, NOW)
    moderation.add_word(OPERATOR, " f.u.c.k ", WordAction.REVIEW, NOW)
    moderation.add_word(OPERATOR, "傻 逼", WordAction.BLOCK, NOW)
    words, after = moderation.list_words(OPERATOR, 10)
    assert after is None
    assert sorted((w.key, w.word, w.action) for w in words) == [
        ("fuck", "f.u.c.k", WordAction.REVIEW), ("傻逼", "傻 逼", WordAction.BLOCK)]
    assert all(w.added_by == OPERATOR.user_id for w in words)
    moderation.remove_word(OPERATOR, "FUCK")
    assert [w.key for w in moderation.list_words(OPERATOR, 10)[0]] == ["傻逼"]


def test_the_word_list_pages():
    for word in ["alpha", "bravo", "charlie", "delta", "echo"]:
        moderation.add_word(OPERATOR, word, WordAction.BLOCK, NOW)
    first, after = moderation.list_words(OPERATOR, 2)
    second, after2 = moderation.list_words(OPERATOR, 2, after)
    third, end = moderation.list_words(OPERATOR, 2, after2)
    assert [w.key for w in first + second + third] == ["alpha", "bravo", "charlie", "delta", "echo"]
    assert end is None


@pytest.mark.parametrize("word, error", [
    ("", ValidationFailed), ("   ", ValidationFailed), ("***", ValidationFailed), ("x" * 51, ValidationFailed),
    (None, ValidationFailed),
])
def test_bad_words_are_refused(word, error):
    before = table_snapshot()
    with pytest.raises(error) as refused:
        moderation.add_word(OPERATOR, word, WordAction.BLOCK, NOW)
    assert refused.value.field == ("word",)
    with pytest.raises(ValidationFailed):
        moderation.add_word(OPERATOR, "fine", "BLOCK", NOW)  # type: ignore[arg-type]
    assert table_snapshot() == before


def test_only_operators_manage_words():
    alice = make_user()
    moderation.add_word(OPERATOR, "fuck", WordAction.BLOCK, NOW)
    before = table_snapshot()
    with pytest.raises(Forbidden):
        moderation.add_word(alice, "mango", WordAction.BLOCK, NOW)
    with pytest.raises(Forbidden):
        moderation.remove_word(alice, "fuck")
    with pytest.raises(Forbidden):
        moderation.list_words(alice, 10)
    with pytest.raises(Unauthenticated):
        moderation.list_words(None, 10)
    with pytest.raises(NotFound):
        moderation.remove_word(OPERATOR, "mango")
    with pytest.raises(PageSizeExceeded):
        moderation.list_words(OPERATOR, 0)
    assert table_snapshot() == before


def test_the_screen_is_cached_for_a_minute_and_rebuilt_only_when_the_list_changed(monkeypatch, emulator):
    clock = [1000.0]
    monkeypatch.setattr(moderation.time, "monotonic", lambda: clock[0])
    moderation.add_word(OPERATOR, "fuck", WordAction.BLOCK, NOW)
    first = moderation.screens()
    # Another container lists a word: this one keeps its screen until the minute is over.
    words_store.put_word("scam", "scam", "BLOCK", OPERATOR.user_id, NOW)
    emulator.clear_log()
    clock[0] += 59
    assert moderation.screens() is first
    assert moderation.screen([("body", "a scam")]).needs_review is False
    assert emulator.dynamodb_operations() == []
    clock[0] += 2
    with pytest.raises(ContentRejected):
        moderation.screen([("body", "a scam")])
    assert emulator.dynamodb_operations() == ["Query"]
    rebuilt = moderation.screens()
    clock[0] += 61
    assert moderation.screens() is rebuilt  # read again, the same list: not rebuilt
    moderation.forget_cached_words()
    words_store.delete_word("scam")
    assert moderation.screen([("body", "a scam")]).needs_review is False


def test_review_words_flag_posts_and_block_words_refuse_them():
    list_words()
    assert moderation.screen([("title", "fine"), ("body", "加 微 信")]) == moderation.Screening(
        "contains a banned word: 加微信", "body")
    with pytest.raises(ContentRejected) as refused:
        moderation.screen([("title", "加微信"), ("body", "fine"), ("tags.0", "ｆｕｃｋ")])
    assert refused.value.field == ("tags", "0")


# ---------------------------------------------------------------- the queue
def _queued(author, body="加微信 please", when=NOW, products=()):
    view = posts.publish(author, draft(body, products=products), when)
    assert view.post.state is PostState.PENDING_REVIEW
    return view


def test_the_review_queue_is_oldest_first_and_pages():
    alice = make_user()
    list_words()
    ids = [_queued(alice, when=NOW + timedelta(minutes=i)).post.id for i in range(5)]
    published(alice)  # not in the queue
    first, after = moderation.review_queue(OPERATOR, 2)
    second, after2 = moderation.review_queue(OPERATOR, 2, after)
    third, end = moderation.review_queue(OPERATOR, 2, after2)
    assert [v.post.id for v in first + second + third] == ids
    assert end is None
    with pytest.raises(InvalidCursor):
        moderation.review_queue(OPERATOR, 2, "not a position")
    with pytest.raises(Forbidden):
        moderation.review_queue(alice, 2)


def test_approve_publishes_with_the_keys_of_the_feeds_and_an_audit_entry():
    alice = make_user()
    [product] = make_products()
    list_words()
    view = _queued(alice, products=(product,))
    later = NOW + timedelta(minutes=10)
    approved = moderation.approve(OPERATOR, view.post.id, "a friendly note", later)
    assert approved.post.state is PostState.PUBLISHED and approved.post.published_at == later
    assert posts_store.get_post(view.post.id) == approved
    assert_in_feeds(approved)
    assert moderation.review_queue(OPERATOR, 10) == ([], None)
    [decision] = moderation.decisions(OPERATOR, view.post.id)
    assert (decision.moderator_id, decision.action, decision.reason, decision.from_state, decision.to_state,
            decision.at) == (OPERATOR.user_id, ModerationAction.APPROVE, "a friendly note",
                             PostState.PENDING_REVIEW, PostState.PUBLISHED, later)


def test_reject_keeps_the_reason_for_the_author_and_no_index_keys():
    alice = make_user()
    [product] = make_products()
    list_words()
    view = _queued(alice, products=(product,))
    rejected = moderation.reject(OPERATOR, view.post.id, "advertising", NOW)
    assert rejected.post.state is PostState.REJECTED and rejected.rejection_reason == "advertising"
    assert posts_store.get_post(view.post.id) == rejected
    assert_unindexed(view.post.id)


def test_remove_takes_a_published_post_out_of_every_feed():
    alice = make_user()
    [product] = make_products()
    view = published(alice, (product,))
    removed = moderation.remove(OPERATOR, view.post.id, "counterfeit", NOW)
    assert removed.post.state is PostState.REMOVED
    assert_unindexed(view.post.id)
    assert [(d.moderator_id, d.action) for d in moderation.decisions(OPERATOR, view.post.id)] == [
        ("system", ModerationAction.APPROVE), (OPERATOR.user_id, ModerationAction.REMOVE)]


def test_a_hidden_post_approved_is_back_in_the_feeds_with_its_reports_settled():
    alice = make_user()
    [product] = make_products()
    view = published(alice, (product,))
    for _ in range(3):
        social.report(make_user("R"), view.post.id, ReportReason.SPAM, None, NOW, threshold=3)
    hidden = posts_store.get_post(view.post.id)
    assert hidden.post.state is PostState.HIDDEN and hidden.post.open_reports == 3
    assert_in_queue(view.post.id)
    assert [v.post.id for v in moderation.review_queue(OPERATOR, 10)[0]] == [view.post.id]
    restored = moderation.approve(OPERATOR, view.post.id, "not spam", NOW + timedelta(hours=1))
    assert restored.post.published_at == NOW and restored.post.open_reports == 0
    assert posts_store.get_post(view.post.id) == restored
    assert_in_feeds(restored)
    assert [(d.moderator_id, d.action) for d in moderation.decisions(OPERATOR, view.post.id)] == [
        ("system", ModerationAction.APPROVE), ("system", ModerationAction.HIDE),
        (OPERATOR.user_id, ModerationAction.APPROVE)]


def test_refused_decisions_change_nothing():
    alice = make_user()
    list_words()
    live = published(alice)
    queued = _queued(alice)
    stranger = make_user("Bob")
    before = table_snapshot()
    with pytest.raises(InvalidPostTransition):
        moderation.approve(OPERATOR, live.post.id, "again", NOW)
    with pytest.raises(InvalidPostTransition):
        moderation.reject(OPERATOR, live.post.id, "too late", NOW)
    with pytest.raises(ValidationFailed) as reason:
        moderation.reject(OPERATOR, queued.post.id, "   ", NOW)
    assert reason.value.field == ("reason",)
    with pytest.raises(Forbidden):
        moderation.remove(alice, live.post.id, "mine", NOW)
    with pytest.raises(Forbidden):  # the author may read them; nobody else but operators
        moderation.decisions(stranger, live.post.id)
    assert [d.action.value for d in moderation.decisions(alice, live.post.id)] == ["APPROVE"]
    with pytest.raises(NotFound):
        moderation.approve(OPERATOR, new_id(), "who", NOW)
    with pytest.raises(InvalidId):
        moderation.approve(OPERATOR, "post-1", "who", NOW)
    assert table_snapshot() == before


def test_two_moderators_deciding_at_once_one_wins_the_other_decides_again(monkeypatch):
    alice = make_user()
    list_words()
    view = _queued(alice)
    real = posts_store.save_transition
    raced = []

    def racing(before, after, decision, **kw):
        if not raced:  # the other moderator's approval lands between this one's read and write
            raced.append(1)
            real(before, *posts.rules.approve(before.post, "other", "ok", NOW), rejection_reason=None)
        return real(before, after, decision, **kw)

    monkeypatch.setattr(posts_store, "save_transition", racing)
    with pytest.raises(InvalidPostTransition):
        moderation.reject(OPERATOR, view.post.id, "spam", NOW)
    assert posts_store.get_post(view.post.id).post.state is PostState.PUBLISHED
    assert [d.moderator_id for d in moderation.decisions(OPERATOR, view.post.id)] == ["other"]


def test_customers_roles_cannot_moderate():
    for role in (Role.CUSTOMER, Role.MERCHANT):
        with pytest.raises(Forbidden):
            moderation.review_queue(make_user(role.value, role), 10)
