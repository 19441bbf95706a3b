"""Content feed rules as pure functions: posts, moderation, reports, comments,
follows, discover keys and the following-feed merge."""
from __future__ import annotations

import ast
import math
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from chalicelib.catalog.rules import Media, MediaKind
from chalicelib.core.errors import (
    DomainError,
    ErrorCode,
    Forbidden,
    InvalidCursor,
    InvalidId,
    InvalidState,
    NotFound,
    ValidationFailed,
)
from chalicelib.core.ids import new_id
from chalicelib.feeds import drafts, ranking
from chalicelib.feeds import rules as feeds
from chalicelib.feeds.ranking import FeedRef
from chalicelib.feeds.rules import (
    CannotFollowSelf,
    Engagement,
    ModerationAction,
    NotPostAuthor,
    Post,
    PostDraft,
    PostKind,
    PostNotVisible,
    PostState,
    ReportReason,
)

UTC = UTC
NOW = datetime(2024, 5, 1, 8, 0, tzinfo=UTC)
AUTHOR, READER, MOD = new_id(), new_id(), new_id()
IMG = Media("https://cdn.tuanstack.cn/u/1.jpg")
VID = Media("https://cdn.tuanstack.cn/u/1.mp4", MediaKind.VIDEO)


def draft(**overrides) -> PostDraft:
    base = {"kind": PostKind.NOTE, "body": "好用的口红", "title": None, "media": (), "product_ids": (),
            "tags": (), "sponsored": False}
    base.update(overrides)
    return PostDraft(**base)


def review_draft(**overrides) -> PostDraft:
    return draft(kind=PostKind.REVIEW, product_ids=(new_id(),), **overrides)


def post(state: PostState = PostState.PUBLISHED, **overrides) -> Post:
    content = drafts.validate_post(draft())
    p = feeds.create_post(new_id(), AUTHOR, content, NOW)
    published = None if state is PostState.PENDING_REVIEW else NOW
    return replace(p, state=state, published_at=published, **overrides)


def fails(exc_type, field, fn, *args, **kwargs) -> DomainError:
    with pytest.raises(exc_type) as info:
        fn(*args, **kwargs)
    err = info.value
    assert type(err) is exc_type, f"{type(err).__name__} raised, {exc_type.__name__} expected"
    expected_field = tuple(field.split(".")) if isinstance(field, str) else field
    assert err.field == expected_field
    return err


# ================================================================ the module itself
def test_domain_module_imports_only_the_standard_library_and_the_domain():
    tree = ast.parse(Path(feeds.__file__).read_text())
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            imported.add(node.module.split(".")[0])
    forbidden = {"boto3", "botocore", "pynamodb", "strawberry", "chalice", "graphql", "aws_lambda_powertools"}
    assert not imported & forbidden
    assert imported <= {"__future__", "heapq", "math", "re", "unicodedata", "collections", "dataclasses",
                        "datetime", "enum", "typing", "urllib", "chalicelib"}


def test_limits_are_the_decided_ones():
    assert (feeds.MAX_TITLE_LENGTH, feeds.MAX_BODY_LENGTH, feeds.MAX_IMAGES, feeds.MAX_VIDEOS) == (60, 2000, 9, 1)
    assert (feeds.MAX_PRODUCTS, feeds.MAX_TAGS, feeds.MAX_TAG_LENGTH, feeds.MAX_COMMENT_LENGTH) == (9, 10, 24, 500)
    assert (feeds.MAX_REASON_LENGTH, feeds.DEFAULT_REPORT_THRESHOLD, feeds.DEFAULT_BIG_AUTHOR_FOLLOWERS) == (
        200, 3, 5000)
    weights = (feeds.LIKE_WEIGHT, feeds.COMMENT_WEIGHT, feeds.SHARE_WEIGHT)
    assert weights == (1, 2, 3) and ranking.DISCOVER_DECAY_SECONDS == 45000


# Each class keeps the general code until errors.py has the dedicated one.
@pytest.mark.parametrize("cls, wanted, fallback, base", [
    (PostNotVisible, "POST_NOT_VISIBLE", ErrorCode.NOT_FOUND, NotFound),
    (CannotFollowSelf, "CANNOT_FOLLOW_SELF", ErrorCode.INVALID, ValidationFailed),
    (NotPostAuthor, None, ErrorCode.FORBIDDEN, Forbidden),
    (feeds.InvalidPostTransition, None, ErrorCode.INVALID_STATE, InvalidState),
])
def test_error_classes_and_codes(cls, wanted, fallback, base):
    assert issubclass(cls, base)
    expected = ErrorCode.__members__.get(wanted, fallback) if wanted else fallback
    assert cls.code is expected
    assert cls("m", "postId").code is expected


# ================================================================ post validation
def test_a_valid_note_is_cleaned():
    c = drafts.validate_post(draft(title="  夏日口红  ", body="  真的好看\r\n推荐  ", media=(IMG, IMG),
                                  tags=("#口红", "Lipstick"), sponsored=True))
    assert c.kind is PostKind.NOTE
    assert c.title == "夏日口红"
    assert c.body == "真的好看\n推荐"
    assert c.media == (IMG, IMG)
    assert c.tags == ("口红", "lipstick")
    assert c.sponsored is True
    assert c.product_ids == ()


def test_kind_must_be_a_post_kind():
    fails(ValidationFailed, "kind", drafts.validate_post, draft(kind="NOTE"))


@pytest.mark.parametrize("body", ["", "   ", "\n\t "])
def test_body_is_required(body):
    err = fails(ValidationFailed, "body", drafts.validate_post, draft(body=body))
    assert err.code is ErrorCode.INVALID


def test_body_length_is_capped_after_trimming():
    assert drafts.validate_post(draft(body="字" * 2000)).body == "字" * 2000
    assert drafts.validate_post(draft(body="  " + "a" * 2000 + "  ")).body == "a" * 2000
    fails(ValidationFailed, "body", drafts.validate_post, draft(body="字" * 2001))


def test_body_keeps_line_breaks_but_not_control_characters():
    assert drafts.validate_post(draft(body="a\nb\tc")).body == "a\nb\tc"
    fails(ValidationFailed, "body", drafts.validate_post, draft(body="a\x00b"))
    fails(ValidationFailed, "body", drafts.validate_post, draft(body=123))


def test_title_is_optional_and_capped():
    assert drafts.validate_post(draft(title=None)).title is None
    assert drafts.validate_post(draft(title="   ")).title is None
    assert drafts.validate_post(draft(title="t" * 60)).title == "t" * 60
    fails(ValidationFailed, "title", drafts.validate_post, draft(title="t" * 61))
    fails(ValidationFailed, "title", drafts.validate_post, draft(title="two\nlines"))


# ---------------------------------------------------------------- media
def test_up_to_nine_images():
    assert len(drafts.validate_post(draft(media=(IMG,) * 9)).media) == 9
    err = fails(ValidationFailed, "media", drafts.validate_post, draft(media=(IMG,) * 10))
    assert "9" in err.message


def test_images_or_one_video_never_both():
    assert drafts.validate_post(draft(kind=PostKind.VIDEO, media=(VID,))).media == (VID,)
    fails(ValidationFailed, "media", drafts.validate_post, draft(kind=PostKind.VIDEO, media=(VID, VID)))
    fails(ValidationFailed, "media", drafts.validate_post, draft(kind=PostKind.VIDEO, media=(VID, IMG)))
    fails(ValidationFailed, "media", drafts.validate_post, review_draft(media=(IMG, VID)))


def test_a_video_post_carries_exactly_its_video():
    fails(ValidationFailed, "media", drafts.validate_post, draft(kind=PostKind.VIDEO, media=()))
    fails(ValidationFailed, "media", drafts.validate_post, draft(kind=PostKind.VIDEO, media=(IMG,)))


def test_a_note_carries_images_only():
    assert drafts.validate_post(draft(media=())).media == ()
    fails(ValidationFailed, "media", drafts.validate_post, draft(media=(VID,)))


def test_a_review_carries_images_or_a_video():
    assert drafts.validate_post(review_draft(media=(VID,))).media == (VID,)
    assert drafts.validate_post(review_draft(media=(IMG,) * 9)).media == (IMG,) * 9
    assert drafts.validate_post(review_draft()).media == ()


@pytest.mark.parametrize("url", [
    "https://cdn.tuanstack.cn/a.jpg",
    "https://img-1.example.com/a/b.jpg?sig=abc&exp=1",
    "HTTPS://CDN.Example.COM/a.jpg",
    "https://xn--fiqs8s.xn--fiqs8s/a.jpg",
    "https://example.com./a.jpg",
])
def test_media_urls_accepted(url):
    assert drafts.clean_media_url(url, "media.0.url") == url


@pytest.mark.parametrize("url, why", [
    ("http://cdn.example.com/a.jpg", "plain http"),
    ("ftp://cdn.example.com/a.jpg", "other scheme"),
    ("//cdn.example.com/a.jpg", "scheme-relative"),
    ("https://", "no host"),
    ("https:///a.jpg", "empty host"),
    ("https://localhost/a.jpg", "single label"),
    ("https://127.0.0.1/a.jpg", "ip literal"),
    ("https://[::1]/a.jpg", "ipv6 literal"),
    ("https://user:pw@cdn.example.com/a.jpg", "credentials"),
    ("https://cdn.example.com\\@evil.com/a.jpg", "backslash trick"),
    ("https://cdn.example.com:8443/a.jpg", "port"),
    ("https://cdn.example.com:/a.jpg", "empty port"),
    ("https://cdn.example.com:99999/a.jpg", "bad port"),
    ("https://-bad.example.com/a.jpg", "label starts with dash"),
    ("https://bad_host.example.com/a.jpg", "underscore"),
    ("https://cdn.example.com/a b.jpg", "space"),
    ("https://cdn.example.com/a\n.jpg", "newline"),
    ("https://例子.com/a.jpg", "not punycode"),
    ("https://cdn.example.123/a.jpg", "numeric tld"),
    ("javascript:alert(1)", "script"),
    ("", "empty"),
    ("https://cdn.example.com/" + "a" * 2048, "too long"),
])
def test_media_urls_refused(url, why):
    fails(ValidationFailed, "media.0.url", drafts.clean_media_url, url, "media.0.url")


def test_media_url_field_names_the_item():
    err = fails(ValidationFailed, "media.2.url", drafts.validate_post,
                draft(media=(IMG, IMG, Media("http://cdn.example.com/a.jpg"))))
    assert "https" in err.message


def test_media_url_length_cap_is_inclusive():
    base = "https://cdn.example.com/"
    url = base + "a" * (feeds.MAX_MEDIA_URL_LENGTH - len(base))
    assert drafts.clean_media_url(url, "u") == url
    fails(ValidationFailed, "u", drafts.clean_media_url, url + "a", "u")


def test_media_host_allowlist_matches_host_and_subdomains():
    hosts = ["CDN.tuanstack.cn."]
    assert drafts.clean_media_url("https://cdn.tuanstack.cn/a.jpg", "u", hosts)
    assert drafts.clean_media_url("https://img.cdn.tuanstack.cn/a.jpg", "u", hosts)
    fails(ValidationFailed, "u", drafts.clean_media_url, "https://evilcdn.tuanstack.cn/a.jpg", "u", hosts)
    fails(ValidationFailed, "u", drafts.clean_media_url, "https://cdn.tuanstack.cn.evil.com/a.jpg", "u", hosts)
    fails(ValidationFailed, "media.0.url", drafts.validate_post,
          draft(media=(Media("https://other.com/a.jpg"),)), media_hosts=hosts)


def test_media_items_must_be_media():
    fails(ValidationFailed, "media.0", drafts.validate_post, draft(media=("https://cdn.example.com/a.jpg",)))


# ---------------------------------------------------------------- products
def test_products_are_deduplicated_in_order():
    a, b, c = new_id(), new_id(), new_id()
    assert drafts.validate_post(draft(product_ids=(b, a, b, c, a))).product_ids == (b, a, c)


def test_up_to_nine_distinct_products():
    ids = tuple(new_id() for _ in range(9))
    assert drafts.validate_post(draft(product_ids=ids + ids[:3])).product_ids == ids
    err = fails(ValidationFailed, "productIds", drafts.validate_post, draft(product_ids=ids + (new_id(),)))
    assert err.code is ErrorCode.INVALID and "9" in err.message


def test_product_ids_must_be_ids():
    err = fails(InvalidId, "productIds.1", drafts.validate_post, draft(product_ids=(new_id(), "nope")))
    assert err.code is ErrorCode.INVALID_ID


def test_a_review_is_of_exactly_one_product():
    p = new_id()
    assert drafts.validate_post(draft(kind=PostKind.REVIEW, product_ids=(p, p))).product_ids == (p,)
    fails(ValidationFailed, "productIds", drafts.validate_post, draft(kind=PostKind.REVIEW, product_ids=()))
    fails(ValidationFailed, "productIds", drafts.validate_post,
          draft(kind=PostKind.REVIEW, product_ids=(new_id(), new_id())))


# ---------------------------------------------------------------- tags
@pytest.mark.parametrize("raw, tag", [
    ("#口红", "口红"),
    ("##Lipstick", "lipstick"),
    ("#话题#", "话题"),
    ("  # Summer_Sale ", "summer_sale"),
    ("＃ＬＩＰＳＴＩＣＫ", "lipstick"),  # full-width
    ("Straße", "strasse"),  # casefold, not lower
    ("k-beauty", "k-beauty"),
])
def test_tags_are_normalised(raw, tag):
    assert drafts.normalise_tag(raw) == tag
    assert drafts.validate_post(draft(tags=(raw,))).tags == (tag,)


def test_tags_are_deduplicated_after_normalising_in_order():
    assert drafts.validate_post(draft(tags=("B", "#a", "b", "＃Ａ", "c"))).tags == ("b", "a", "c")


@pytest.mark.parametrize("bad", ["#", "  ", "two words", "a.b", "emoji😀", "x" * 25, "#" + "x" * 25])
def test_bad_tags_name_their_index(bad):
    fails(ValidationFailed, "tags.1", drafts.validate_post, draft(tags=("ok", bad)))


def test_tag_length_cap_is_inclusive():
    assert drafts.validate_post(draft(tags=("#" + "x" * 24,))).tags == ("x" * 24,)


def test_at_most_ten_distinct_tags():
    ten = tuple(f"t{i}" for i in range(10))
    assert drafts.validate_post(draft(tags=ten + ("#T0",))).tags == ten
    fails(ValidationFailed, "tags", drafts.validate_post, draft(tags=ten + ("t10",)))


def test_sponsorship_is_a_flag():
    assert drafts.validate_post(draft()).sponsored is False
    fails(ValidationFailed, "sponsored", drafts.validate_post, draft(sponsored="yes"))


# ================================================================ verified purchase, creation
def test_verified_purchase():
    p, q = new_id(), new_id()
    assert feeds.is_verified_purchase([q, p], p)
    assert not feeds.is_verified_purchase([q], p)
    assert not feeds.is_verified_purchase([], p)
    assert feeds.is_verified_purchase(iter([p]), p)


def test_a_new_post_waits_for_screening():
    content = drafts.validate_post(review_draft())
    p = feeds.create_post("P1", AUTHOR, content, NOW, verified_purchase=True)
    assert p.state is PostState.PENDING_REVIEW
    assert (p.created_at, p.updated_at, p.published_at) == (NOW, NOW, None)
    assert p.verified_purchase is True and p.open_reports == 0 and p.engagement == Engagement()
    assert not feeds.is_visible(p.state)


def test_only_reviews_carry_the_badge():
    p = feeds.create_post("P1", AUTHOR, drafts.validate_post(draft()), NOW, verified_purchase=True)
    assert p.verified_purchase is False


def test_times_must_be_aware():
    with pytest.raises(ValueError):
        feeds.create_post("P1", AUTHOR, drafts.validate_post(draft()), NOW.replace(tzinfo=None))


# ================================================================ visibility
@pytest.mark.parametrize("state", list(PostState))
def test_only_published_is_visible(state):
    assert feeds.is_visible(state) is (state is PostState.PUBLISHED)


@pytest.mark.parametrize("state", [s for s in PostState if s is not PostState.PUBLISHED])
def test_engaging_with_an_unpublished_post_is_not_visible(state):
    p = post(state)
    err = fails(PostNotVisible, "postId", feeds.require_visible, p)
    assert isinstance(err, NotFound)
    fails(PostNotVisible, "postId", feeds.new_comment, "C1", p, READER, "nice", NOW)
    fails(PostNotVisible, "postId", feeds.new_report, p, READER, ReportReason.SPAM, None, NOW)


def test_authors_see_their_own_posts_except_deleted():
    for state in PostState:
        p = post(state)
        assert feeds.can_view(p, READER) is (state is PostState.PUBLISHED)
        assert feeds.can_view(p, None) is (state is PostState.PUBLISHED)
        assert feeds.can_view(p, AUTHOR) is (state is not PostState.DELETED)


# ================================================================ moderation
# (action, from state) -> to state; every other pair is refused.
ALLOWED = {
    (ModerationAction.APPROVE, PostState.PENDING_REVIEW): PostState.PUBLISHED,
    (ModerationAction.APPROVE, PostState.HIDDEN): PostState.PUBLISHED,
    (ModerationAction.REJECT, PostState.PENDING_REVIEW): PostState.REJECTED,
    (ModerationAction.REJECT, PostState.HIDDEN): PostState.REJECTED,
    (ModerationAction.REMOVE, PostState.PENDING_REVIEW): PostState.REMOVED,
    (ModerationAction.REMOVE, PostState.PUBLISHED): PostState.REMOVED,
    (ModerationAction.REMOVE, PostState.HIDDEN): PostState.REMOVED,
    (ModerationAction.HIDE, PostState.PUBLISHED): PostState.HIDDEN,
}


@pytest.mark.parametrize("action", list(ModerationAction))
@pytest.mark.parametrize("state", list(PostState))
def test_moderation_transitions(action, state):
    p = post(state)
    later = NOW + timedelta(minutes=5)
    if (action, state) in ALLOWED:
        after, decision = feeds.moderate(p, action, MOD, "  checked  ", later)
        assert after.state is ALLOWED[(action, state)]
        assert after.updated_at == later
        assert decision == feeds.ModerationDecision(p.id, MOD, action, "checked", state, after.state, later)
    else:
        err = fails(feeds.InvalidPostTransition, "postId", feeds.moderate, p, action, MOD, "checked", later)
        assert err.code is ErrorCode.INVALID_STATE


def test_named_moderation_helpers():
    pending = post(PostState.PENDING_REVIEW)
    assert feeds.approve(pending, MOD, "ok", NOW)[0].state is PostState.PUBLISHED
    assert feeds.reject(pending, MOD, "ad", NOW)[0].state is PostState.REJECTED
    assert feeds.remove(pending, MOD, "ad", NOW)[0].state is PostState.REMOVED


@pytest.mark.parametrize("reason", ["", "   ", None, "r" * 201, "two\nlines"])
def test_a_decision_needs_a_reason(reason):
    fails(ValidationFailed, "reason", feeds.approve, post(PostState.PENDING_REVIEW), MOD, reason, NOW)


def test_reason_length_cap_is_inclusive():
    assert feeds.approve(post(PostState.PENDING_REVIEW), MOD, "r" * 200, NOW)[1].reason == "r" * 200


def test_a_decision_names_its_moderator():
    fails(ValidationFailed, "moderatorId", feeds.approve, post(PostState.PENDING_REVIEW), "", "ok", NOW)


def test_first_approval_sets_published_at_and_earns_points_once():
    pending = post(PostState.PENDING_REVIEW)
    first, _ = feeds.approve(pending, feeds.SYSTEM_MODERATOR, "passed screening", NOW)
    assert first.published_at == NOW
    assert feeds.earns_post_points(pending, first)
    edited = feeds.edit_post(first, AUTHOR, drafts.validate_post(draft(body="v2")), NOW + timedelta(hours=1))
    again, _ = feeds.approve(edited, feeds.SYSTEM_MODERATOR, "passed screening", NOW + timedelta(hours=2))
    assert again.published_at == NOW  # keeps its place in feeds
    assert not feeds.earns_post_points(edited, again)
    rejected, _ = feeds.reject(pending, MOD, "ad", NOW)
    assert not feeds.earns_post_points(pending, rejected)


def test_a_decision_on_a_hidden_post_settles_its_reports():
    hidden = post(PostState.HIDDEN, open_reports=4)
    assert feeds.approve(hidden, MOD, "fine", NOW)[0].open_reports == 0
    assert feeds.reject(hidden, MOD, "ad", NOW)[0].open_reports == 0
    # screening an edit does not clear reports: an author cannot edit reports away
    published = post(PostState.PUBLISHED, open_reports=2)
    edited = feeds.edit_post(published, AUTHOR, published.content, NOW)
    assert feeds.approve(edited, feeds.SYSTEM_MODERATOR, "passed", NOW)[0].open_reports == 2


# ================================================================ author edits and deletes
@pytest.mark.parametrize("state", list(PostState))
def test_edit(state):
    p = post(state, verified_purchase=False)
    new = drafts.validate_post(draft(body="updated"))
    later = NOW + timedelta(hours=1)
    if state in (PostState.PUBLISHED, PostState.PENDING_REVIEW):
        edited = feeds.edit_post(p, AUTHOR, new, later)
        assert edited.state is PostState.PENDING_REVIEW
        assert edited.content == new and edited.updated_at == later
        assert edited.published_at == p.published_at and edited.created_at == p.created_at
        assert not feeds.is_visible(edited.state)
    else:
        fails(feeds.InvalidPostTransition, "postId", feeds.edit_post, p, AUTHOR, new, later)


def test_only_the_author_edits():
    err = fails(NotPostAuthor, "postId", feeds.edit_post, post(), READER, drafts.validate_post(draft()), NOW)
    assert err.code is ErrorCode.FORBIDDEN


@pytest.mark.parametrize("state", [s for s in PostState if s not in (PostState.PUBLISHED, PostState.DELETED)])
def test_a_post_hidden_from_the_caller_is_not_found_not_forbidden(state):
    """FORBIDDEN would tell a stranger that a post in review or rejected exists."""
    content = drafts.validate_post(draft())
    for change in (lambda **kw: feeds.edit_post(post(state), READER, content, NOW, **kw),
                   lambda **kw: feeds.delete_post(post(state), READER, NOW, **kw)):
        with pytest.raises(NotFound) as refused:
            change()
        assert refused.value.code is ErrorCode.NOT_FOUND and str(refused.value) == feeds.NO_SUCH_POST
        with pytest.raises(NotPostAuthor):  # an operator sees every post
            change(sees_every_post=True)


def test_an_edit_keeps_the_kind_and_rechecks_the_badge():
    content = drafts.validate_post(review_draft())
    p = replace(feeds.create_post("P1", AUTHOR, content, NOW, verified_purchase=True), state=PostState.PUBLISHED)
    fails(ValidationFailed, "kind", feeds.edit_post, p, AUTHOR, drafts.validate_post(draft()), NOW)
    assert feeds.edit_post(p, AUTHOR, content, NOW, verified_purchase=True).verified_purchase
    assert not feeds.edit_post(p, AUTHOR, content, NOW).verified_purchase


@pytest.mark.parametrize("state", [s for s in PostState if s is not PostState.DELETED])
def test_an_author_deletes_from_any_state(state):
    later = NOW + timedelta(days=1)
    deleted = feeds.delete_post(post(state), AUTHOR, later)
    assert deleted.state is PostState.DELETED and deleted.updated_at == later


def test_delete_rules():
    fails(NotPostAuthor, "postId", feeds.delete_post, post(), READER, NOW)
    err = fails(NotFound, "postId", feeds.delete_post, post(PostState.DELETED), AUTHOR, NOW)
    assert err.code is ErrorCode.NOT_FOUND


# ================================================================ reports
@pytest.mark.parametrize("count, threshold, hide", [
    (0, 3, False), (2, 3, False), (3, 3, True), (4, 3, True), (1, 1, True), (0, 1, False), (9, 10, False),
])
def test_should_hide(count, threshold, hide):
    assert feeds.should_hide(count, threshold) is hide


def test_default_threshold_and_bad_thresholds():
    assert not feeds.should_hide(2) and feeds.should_hide(3)
    for bad in (0, -1, True, 2.5):
        with pytest.raises(ValueError):
            feeds.should_hide(1, bad)


def test_a_report():
    r = feeds.new_report(post(), READER, ReportReason.SPAM, "  spam link  ", NOW)
    assert (r.reporter_id, r.reason, r.note, r.at) == (READER, ReportReason.SPAM, "spam link", NOW)
    assert feeds.new_report(post(), READER, ReportReason.OFFENSIVE, "  ", NOW).note is None
    fails(ValidationFailed, "note", feeds.new_report, post(), READER, ReportReason.OTHER, None, NOW)
    fails(ValidationFailed, "note", feeds.new_report, post(), READER, ReportReason.OTHER, " ", NOW)
    fails(ValidationFailed, "note", feeds.new_report, post(), READER, ReportReason.SPAM, "n" * 201, NOW)
    fails(ValidationFailed, "reason", feeds.new_report, post(), READER, "SPAM", None, NOW)
    assert feeds.new_report(post(), READER, ReportReason.OTHER, "fake", NOW).note == "fake"


def test_reports_hide_a_published_post_at_the_threshold():
    p = post()
    below, decision = feeds.record_reports(p, 2, NOW)
    assert below.state is PostState.PUBLISHED and below.open_reports == 2 and decision is None
    hidden, decision = feeds.record_reports(below, 3, NOW)
    assert hidden.state is PostState.HIDDEN and hidden.open_reports == 3
    assert decision.action is ModerationAction.HIDE and decision.moderator_id == feeds.SYSTEM_MODERATOR
    assert (decision.from_state, decision.to_state) == (PostState.PUBLISHED, PostState.HIDDEN)
    assert "3" in decision.reason
    assert not feeds.is_visible(hidden.state)


def test_the_report_threshold_is_configurable():
    assert feeds.record_reports(post(), 3, NOW, threshold=5)[0].state is PostState.PUBLISHED
    assert feeds.record_reports(post(), 5, NOW, threshold=5)[0].state is PostState.HIDDEN


def test_reports_do_not_move_other_states():
    for state in (PostState.HIDDEN, PostState.REMOVED, PostState.PENDING_REVIEW):
        after, decision = feeds.record_reports(post(state), 10, NOW)
        assert after.state is state and decision is None


# ================================================================ comments
def test_a_comment():
    p = post()
    c = feeds.new_comment("C1", p, READER, "  好看！\n求链接 ", NOW)
    assert c == feeds.Comment("C1", p.id, READER, "好看！\n求链接", NOW)


@pytest.mark.parametrize("body", ["", "   ", "x" * 501, None, "a\x07b"])
def test_comment_bodies(body):
    fails(ValidationFailed, "body", feeds.new_comment, "C1", post(), READER, body, NOW)


def test_comment_length_cap_is_inclusive():
    assert feeds.clean_comment_body("字" * 500) == "字" * 500


# ================================================================ follows
def test_following_yourself_is_refused():
    err = fails(CannotFollowSelf, "authorId", feeds.check_follow, AUTHOR, AUTHOR)
    assert isinstance(err, ValidationFailed)
    feeds.check_follow(READER, AUTHOR)  # no error


@pytest.mark.parametrize("followers, threshold, big", [
    (0, 5000, False), (4999, 5000, False), (5000, 5000, True), (10**6, 5000, True), (10, 10, True), (9, 10, False),
])
def test_big_authors(followers, threshold, big):
    assert feeds.is_big_author(followers, threshold) is big


def test_big_author_default_and_stickiness():
    assert not feeds.is_big_author(4999) and feeds.is_big_author(5000)
    assert feeds.is_big_author(10, was_big=True)
    with pytest.raises(ValueError):
        feeds.is_big_author(10, 0)


# ================================================================ discover
T0 = datetime(2024, 5, 1, tzinfo=UTC)


def test_discover_score_formula():
    e = Engagement(likes=10, comments=5, shares=10)  # 10 + 10 + 30 = 50
    assert e.weighted == 50
    assert ranking.discover_score(e, T0) == pytest.approx(math.log10(50) + T0.timestamp() / 45000)
    assert ranking.discover_score(Engagement(), T0) == pytest.approx(T0.timestamp() / 45000)  # log10(max(0, 1))


def test_ten_times_the_engagement_is_worth_twelve_and_a_half_hours():
    old = ranking.discover_score(Engagement(likes=1000), T0)
    new = ranking.discover_score(Engagement(likes=100), T0 + timedelta(seconds=45000))
    assert old == pytest.approx(new)
    assert ranking.discover_score(Engagement(likes=100), T0 + timedelta(hours=13)) > old


def test_weights_rank_shares_over_comments_over_likes():
    like = ranking.discover_sort_key(Engagement(likes=3), T0)
    comment = ranking.discover_sort_key(Engagement(comments=2), T0)
    share = ranking.discover_sort_key(Engagement(shares=2), T0)
    assert like < comment < share


def test_discover_key_is_fixed_width_digits():
    key = ranking.discover_sort_key(Engagement(likes=5), T0)
    assert len(key) == ranking.DISCOVER_KEY_WIDTH and key.isdigit()
    assert int(key) == math.floor(ranking.discover_score(Engagement(likes=5), T0) * ranking.DISCOVER_KEY_SCALE)
    assert len(ranking.discover_sort_key(Engagement(), datetime(1970, 1, 1, tzinfo=UTC))) == ranking.DISCOVER_KEY_WIDTH
    assert len(ranking.discover_sort_key(Engagement(likes=10**15), datetime(9999, 1, 1, tzinfo=UTC))) == 16


def test_discover_key_refuses_naive_and_pre_epoch_times():
    with pytest.raises(ValueError):
        ranking.discover_sort_key(Engagement(), datetime(2024, 1, 1))  # noqa: DTZ001  # naive on purpose
    with pytest.raises(ValueError):
        ranking.discover_sort_key(Engagement(), datetime(1969, 12, 31, tzinfo=UTC))


counts = st.builds(Engagement, st.integers(0, 10**7), st.integers(0, 10**6), st.integers(0, 10**6))
# Hypothesis takes naive bounds and adds the zone itself.
times = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC))  # noqa: DTZ001


@settings(max_examples=300)
@given(counts, counts, times)
def test_more_engagement_never_lowers_the_key(a, b, published):
    more = Engagement(a.likes + b.likes, a.comments + b.comments, a.shares + b.shares)
    assert ranking.discover_sort_key(more, published) >= ranking.discover_sort_key(a, published)
    assert ranking.discover_score(more, published) >= ranking.discover_score(a, published)


@settings(max_examples=300)
@given(counts, times, st.integers(1, 10**6))
def test_later_publication_never_lowers_the_key(e, published, seconds):
    assert ranking.discover_sort_key(e, published + timedelta(seconds=seconds)) >= ranking.discover_sort_key(e, published)


@settings(max_examples=500)
@given(counts, times, counts, times)
def test_key_order_is_score_order(e1, t1, e2, t2):
    s1, s2 = ranking.discover_score(e1, t1), ranking.discover_score(e2, t2)
    k1, k2 = ranking.discover_sort_key(e1, t1), ranking.discover_sort_key(e2, t2)
    assert (k1 < k2) == (int(k1) < int(k2))  # fixed width: string order is numeric order
    if s1 <= s2:
        assert k1 <= k2
    if k1 < k2:
        assert s1 < s2
    if s2 - s1 >= 2 / ranking.DISCOVER_KEY_SCALE:
        assert k1 < k2  # keys only merge scores closer than the resolution


@given(counts, times)
def test_the_key_is_the_floor_of_the_scaled_score(e, published):
    units = math.floor(ranking.discover_score(e, published) * ranking.DISCOVER_KEY_SCALE)
    assert ranking.discover_sort_key(e, published) == str(units).zfill(ranking.DISCOVER_KEY_WIDTH)


@given(st.lists(st.tuples(counts, times), min_size=2, max_size=20))
def test_sorting_by_key_sorts_by_score(items):
    by_key = sorted(items, key=lambda i: ranking.discover_sort_key(*i))
    scores = [ranking.discover_score(*i) for i in by_key]
    for lower, higher in zip(scores, scores[1:], strict=False):
        assert lower <= higher + 1 / ranking.DISCOVER_KEY_SCALE


# ================================================================ feed refs and cursors
def test_feed_refs_and_positions():
    pid = new_id()
    local = datetime(2024, 5, 1, 16, 0, 0, 999_999, tzinfo=timezone(timedelta(hours=8)))
    ref = ranking.feed_ref(local, pid)
    assert ref == FeedRef("2024-05-01T08:00:00Z", pid)
    assert ranking.cursor_position(ref) == f"2024-05-01T08:00:00Z#{pid}"
    assert ranking.parse_cursor_position(ranking.cursor_position(ref)) == ref


@pytest.mark.parametrize("position", [
    "", "2024-05-01T08:00:00Z", "2024-05-01T08:00:00Z#", "2024-05-01T08:00:00Z#nope",
    f"2024-13-01T08:00:00Z#{new_id()}", f"2024-05-01 08:00:00#{new_id()}", f"x#{new_id()}", None,
])
def test_bad_cursor_positions(position):
    err = fails(InvalidCursor, "after", ranking.parse_cursor_position, position)
    assert err.code is ErrorCode.INVALID_CURSOR


def test_position_string_order_is_ref_order():
    a = FeedRef("2024-05-01T08:00:00Z", "01HZZZZZZZZZZZZZZZZZZZZZZZ")
    b = FeedRef("2024-05-01T08:00:01Z", "01H00000000000000000000000")
    c = FeedRef("2024-05-01T08:00:01Z", "01H00000000000000000000001")
    assert a < b < c
    assert ranking.cursor_position(a) < ranking.cursor_position(b) < ranking.cursor_position(c)


def test_merge_example():
    def r(t, pid):
        return FeedRef(f"2024-05-01T08:00:{t:02d}Z", pid)
    inbox = [r(9, "E"), r(5, "C"), r(1, "A")]
    big1 = [r(8, "D"), r(5, "C"), r(3, "B")]  # C also pushed: appears once
    big2 = [r(5, "F")]
    page, more = ranking.merge_newest_first(inbox, [big1, big2], 3)
    assert page == [r(9, "E"), r(8, "D"), r(5, "F")] and more
    assert ranking.next_cursor(page, more) == r(5, "F")
    page2, more2 = ranking.merge_newest_first(inbox, [big1, big2], 3, after=r(5, "F"))
    assert page2 == [r(5, "C"), r(3, "B"), r(1, "A")] and not more2
    assert ranking.next_cursor(page2, more2) is None


def test_merge_of_nothing():
    assert ranking.merge_newest_first([], [], 10) == ([], False)
    assert ranking.merge_newest_first([], [[], []], 1) == ([], False)
    with pytest.raises(ValueError):
        ranking.merge_newest_first([], [], 0)


def test_has_more_is_exact_at_the_boundary():
    refs = [FeedRef(f"2024-05-01T08:00:{i:02d}Z", f"P{i}") for i in range(4)]
    assert ranking.merge_newest_first(refs[:3], [], 3) == (refs[2::-1], False)
    assert ranking.merge_newest_first(refs, [], 3) == (refs[:0:-1], True)
    assert ranking.merge_newest_first(refs[:3], [refs[:3]], 3) == (refs[2::-1], False)  # duplicates do not count
    assert ranking.source_fetch_size(3) == 4


# The post's published_at is fixed: generate a universe of posts, then sources
# that are subsets of it, each sorted newest first (as a query returns them).
_posts = st.dictionaries(
    st.text("0123456789ABCDEFGHJKMNPQRSTVWXYZ", min_size=4, max_size=4),
    st.integers(0, 30).map(lambda s: f"2024-05-01T08:00:{s:02d}Z"),
    max_size=40,
)


@st.composite
def feed_sources(draw):
    universe = [FeedRef(t, pid) for pid, t in draw(_posts).items()]
    subset = st.lists(st.sampled_from(universe), unique=True) if universe else st.just([])
    pushed = sorted(draw(subset), reverse=True)
    pulled = [sorted(draw(subset), reverse=True) for _ in range(draw(st.integers(0, 4)))]
    return pushed, pulled


def _union(pushed, pulled):
    return sorted({*pushed, *(r for s in pulled for r in s)}, reverse=True)


@settings(max_examples=300)
@given(feed_sources(), st.integers(1, 12))
def test_merge_is_the_top_of_the_union(sources, limit):
    pushed, pulled = sources
    page, more = ranking.merge_newest_first(pushed, pulled, limit)
    union = _union(pushed, pulled)
    assert page == sorted(page, reverse=True)
    assert len({r.post_id for r in page}) == len(page)
    assert page == union[:limit]
    assert more is (len(union) > limit)


@settings(max_examples=300)
@given(feed_sources(), st.integers(1, 12))
def test_paging_with_the_cursor_yields_every_item_once(sources, limit):
    """Each page reads each source as the store would: strictly older than the cursor,
    source_fetch_size(limit) entries."""
    pushed, pulled = sources
    union = _union(pushed, pulled)
    seen: list[FeedRef] = []
    cursor = None
    for _ in range(len(union) + 2):
        fetch = ranking.source_fetch_size(limit)
        page_pushed = [r for r in pushed if ranking.is_older(r, cursor)][:fetch]
        page_pulled = [[r for r in s if ranking.is_older(r, cursor)][:fetch] for s in pulled]
        page, more = ranking.merge_newest_first(page_pushed, page_pulled, limit)
        assert len(page) == limit or not more
        seen += page
        cursor = ranking.next_cursor(page, more)
        if cursor is None:
            break
        # the cursor survives its string round trip (ids here are not ULIDs, so compare the parts)
        assert ranking.cursor_position(cursor).split("#") == [cursor.published_at, cursor.post_id]
    else:
        pytest.fail("paging did not end")
    assert seen == union


@given(feed_sources(), st.integers(1, 12), st.data())
def test_merge_drops_what_is_not_older_than_after(sources, limit, data):
    pushed, pulled = sources
    union = _union(pushed, pulled)
    assume(union)
    after = data.draw(st.sampled_from(union))
    page, more = ranking.merge_newest_first(pushed, pulled, limit, after=after)
    older = [r for r in union if r < after]
    assert page == older[:limit] and more is (len(older) > limit)


def test_conflicting_times_for_one_post_keep_the_newest():
    older, newer = FeedRef("2024-05-01T08:00:01Z", "A"), FeedRef("2024-05-01T08:00:05Z", "A")
    assert ranking.merge_newest_first([older], [[newer]], 5)[0] == [newer]
    assert ranking.merge_newest_first([newer], [[older]], 5)[0] == [newer]
