"""Content feeds (种草): posts, moderation, reports, comments, follows, discover
ranking and the merge of the following feed, as pure functions.

A post is created PENDING_REVIEW; screening (the sensitive-word list) approves or
rejects it. Only PUBLISHED posts appear in any feed or accept likes, comments,
shares and reports. Enough distinct reporters hide a published post until a
moderator decides. Every moderator action is returned as a ``ModerationDecision``
for the audit trail.

    PENDING_REVIEW --approve--> PUBLISHED --reports/hide--> HIDDEN
    PENDING_REVIEW, HIDDEN --approve--> PUBLISHED    (published_at kept from the first time)
    PENDING_REVIEW, HIDDEN --reject--> REJECTED
    PENDING_REVIEW, PUBLISHED, HIDDEN --remove--> REMOVED
    PUBLISHED, PENDING_REVIEW --edit by author--> PENDING_REVIEW (screened again)
    any but DELETED --delete by author--> DELETED

Times are aware datetimes; feed positions are canonical UTC strings
(``2024-05-01T08:00:00Z``) so that string order is time order.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from enum import Enum

from chalicelib.catalog.published.rules import Media
from chalicelib.core.errors import (
    ErrorCode,
    Forbidden,
    InvalidState,
    NotFound,
    ValidationFailed,
)
from chalicelib.core.media import MAX_MEDIA_URL_LENGTH  # noqa: F401 - feeds states it in its schema

# ---------------------------------------------------------------- limits
MAX_TITLE_LENGTH = 60
MAX_BODY_LENGTH = 2_000
MAX_IMAGES = 9
MAX_VIDEOS = 1

MAX_PRODUCTS = 9
MAX_TAGS = 10
MAX_TAG_LENGTH = 24
MAX_COMMENT_LENGTH = 500
MAX_REASON_LENGTH = 200  # moderation reasons and report notes
DEFAULT_REPORT_THRESHOLD = 3  # distinct reporters since the last moderator decision
DEFAULT_BIG_AUTHOR_FOLLOWERS = 5_000  # at or above: read-time fan-out (pull)

# An engagement's weight (ranking.discover_score ranks by it).
LIKE_WEIGHT, COMMENT_WEIGHT, SHARE_WEIGHT = 1, 2, 3

SYSTEM_MODERATOR = "system"  # the actor of automatic screening and report hiding
NO_SUCH_POST = "no such post"  # one message for a missing post and one hidden from the caller



# ---------------------------------------------------------------- errors
class PostNotVisible(NotFound):
    """Liking, commenting, sharing or reporting a post that is not published: to a
    reader a hidden or removed post does not exist."""

    code = ErrorCode.POST_NOT_VISIBLE


class CannotFollowSelf(ValidationFailed):
    code = ErrorCode.CANNOT_FOLLOW_SELF


class NotPostAuthor(Forbidden):
    """Editing or deleting someone else's post."""


class InvalidPostTransition(InvalidState):
    """A moderation or author action the post's state does not allow."""


# ---------------------------------------------------------------- types
class PostKind(Enum):
    NOTE = "NOTE"  # text with up to 9 images
    VIDEO = "VIDEO"  # exactly one video
    REVIEW = "REVIEW"  # of exactly one product; images or one video (buyer show)


class PostState(Enum):
    PENDING_REVIEW = "PENDING_REVIEW"
    PUBLISHED = "PUBLISHED"
    HIDDEN = "HIDDEN"  # reported past the threshold; waits for a moderator
    REJECTED = "REJECTED"
    REMOVED = "REMOVED"
    DELETED = "DELETED"  # by its author


class ModerationAction(Enum):
    APPROVE = "APPROVE"
    REJECT = "REJECT"
    REMOVE = "REMOVE"
    HIDE = "HIDE"


class ModerationActor(Enum):
    """Who made a decision, as a post's author may know it: a role, never a person."""
    SYSTEM = "SYSTEM"  # the automatic screen or the report threshold
    MODERATOR = "MODERATOR"  # a staff member


def decided_by(moderator_id: str) -> ModerationActor:
    return ModerationActor.SYSTEM if moderator_id == SYSTEM_MODERATOR else ModerationActor.MODERATOR


class ReportReason(Enum):
    SPAM = "SPAM"
    UNDISCLOSED_ADVERTISING = "UNDISCLOSED_ADVERTISING"  # sponsored without the 利益声明
    FALSE_CLAIMS = "FALSE_CLAIMS"  # 虚假宣传
    OFFENSIVE = "OFFENSIVE"
    ILLEGAL = "ILLEGAL"
    INFRINGEMENT = "INFRINGEMENT"  # 侵权: copied content, counterfeit
    PRIVACY = "PRIVACY"  # shows someone's personal information
    OTHER = "OTHER"  # needs a note


@dataclass(frozen=True)
class PostDraft:
    """What an author submits, before validation."""

    kind: PostKind
    body: str
    title: str | None = None
    media: tuple[Media, ...] = ()
    product_ids: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    sponsored: bool = False  # 利益声明: paid for or gifted by a brand


@dataclass(frozen=True, slots=True)
class PostContent:
    """A validated draft: trimmed text, normalised tags, deduplicated products."""

    kind: PostKind
    body: str
    title: str | None
    media: tuple[Media, ...]
    product_ids: tuple[str, ...]
    tags: tuple[str, ...]
    sponsored: bool


@dataclass(frozen=True, slots=True)
class Engagement:
    likes: int = 0
    comments: int = 0
    shares: int = 0

    @property
    def weighted(self) -> int:
        return LIKE_WEIGHT * self.likes + COMMENT_WEIGHT * self.comments + SHARE_WEIGHT * self.shares


@dataclass(frozen=True, slots=True)
class Post:
    id: str
    author_id: str
    content: PostContent
    state: PostState
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None = None  # first approval; kept through edits and re-approvals
    verified_purchase: bool = False  # reviews only, decided by the service
    open_reports: int = 0  # distinct reporters since the last moderator decision
    engagement: Engagement = Engagement()


@dataclass(frozen=True, slots=True)
class ModerationDecision:
    post_id: str
    moderator_id: str
    action: ModerationAction
    reason: str
    from_state: PostState
    to_state: PostState
    at: datetime


@dataclass(frozen=True, slots=True)
class Report:
    post_id: str
    reporter_id: str
    reason: ReportReason
    note: str | None
    at: datetime


@dataclass(frozen=True, slots=True)
class Comment:
    id: str
    post_id: str
    author_id: str
    body: str
    created_at: datetime


# ---------------------------------------------------------------- text
def clean_text(value: object, field: str, *, max_length: int, required: bool, multiline: bool) -> str:
    if not isinstance(value, str):
        raise ValidationFailed("must be text", field)
    value = value.replace("\r\n", "\n").strip()
    if required and not value:
        raise ValidationFailed("must not be empty", field)
    if len(value) > max_length:
        raise ValidationFailed(f"must be at most {max_length} characters", field)
    allowed = {"\n", "\t"} if multiline else set()
    if any(unicodedata.category(c) == "Cc" and c not in allowed for c in value):
        raise ValidationFailed("must not contain control characters" + ("" if multiline else " or line breaks"), field)
    return value


# ---------------------------------------------------------------- posts
def is_verified_purchase(paid_product_ids: Iterable[str], product_id: str) -> bool:
    """The review's product is among those the author paid for (the service passes
    products of paid orders not fully refunded)."""
    return product_id in set(paid_product_ids)


def create_post(post_id: str, author_id: str, content: PostContent, now: datetime, *,
                verified_purchase: bool = False) -> Post:
    """A new post, waiting for screening. ``verified_purchase`` only sticks to a review."""
    aware(now)
    return Post(post_id, author_id, content, PostState.PENDING_REVIEW, now, now,
                verified_purchase=verified_purchase and content.kind is PostKind.REVIEW)


def is_visible(state: PostState) -> bool:
    """Only published posts appear in feeds or accept engagement."""
    return state is PostState.PUBLISHED


def can_view(post: Post, viewer_id: str | None) -> bool:
    """Readers see published posts; an author also sees their own in any state but
    deleted (pending, rejected with its reason, hidden, removed)."""
    if is_visible(post.state):
        return True
    return viewer_id is not None and viewer_id == post.author_id and post.state is not PostState.DELETED


def require_visible(post: Post, field: str = "postId") -> None:
    if not is_visible(post.state):
        raise PostNotVisible("this post is not available", field)


def require_author(post: Post, actor_id: str, verb: str, *, sees_every_post: bool = False) -> None:
    """Only its author may change a post. Someone else gets FORBIDDEN only for a post
    they can see (published, or any but deleted for an operator, ``sees_every_post``);
    for a post hidden from them NOT_FOUND, the answer a missing id gets: a different
    answer would tell them that a post under review or rejected exists."""
    if actor_id == post.author_id:
        return
    if can_view(post, actor_id) or (sees_every_post and post.state is not PostState.DELETED):
        raise NotPostAuthor(f"only its author can {verb} a post", "postId")
    raise NotFound(NO_SUCH_POST, "postId")


def earns_post_points(before: Post, after: Post) -> bool:
    """The first approval of a post earns its author points; re-approvals after an
    edit or a report do not."""
    return before.published_at is None and after.state is PostState.PUBLISHED


# Which states each moderator action applies to.
_MODERATION: dict[ModerationAction, tuple[frozenset[PostState], PostState]] = {
    ModerationAction.APPROVE: (frozenset({PostState.PENDING_REVIEW, PostState.HIDDEN}), PostState.PUBLISHED),
    ModerationAction.REJECT: (frozenset({PostState.PENDING_REVIEW, PostState.HIDDEN}), PostState.REJECTED),
    ModerationAction.REMOVE: (frozenset({PostState.PENDING_REVIEW, PostState.PUBLISHED, PostState.HIDDEN}),
                              PostState.REMOVED),
    ModerationAction.HIDE: (frozenset({PostState.PUBLISHED}), PostState.HIDDEN),
}
EDITABLE_STATES = frozenset({PostState.PUBLISHED, PostState.PENDING_REVIEW})


def clean_reason(reason: object, field: str = "reason") -> str:
    return clean_text(reason, field, max_length=MAX_REASON_LENGTH, required=True, multiline=False)


def moderate(post: Post, action: ModerationAction, moderator_id: str, reason: str,
             at: datetime) -> tuple[Post, ModerationDecision]:
    """Apply a moderator's (or the screening's, as SYSTEM_MODERATOR) decision.

    Approving sets ``published_at`` the first time only, so an edited or restored
    post keeps its place in feeds and its fan-out entries stay valid. A decision on
    a HIDDEN post settles the reports so far: ``open_reports`` starts again at 0.
    """
    aware(at)
    if not isinstance(moderator_id, str) or not moderator_id:
        raise ValidationFailed("a decision names its moderator", "moderatorId")
    reason = clean_reason(reason)
    allowed, target = _MODERATION[action]
    if post.state not in allowed:
        raise InvalidPostTransition(
            f"cannot {action.value.lower()} a {post.state.value.lower().replace('_', ' ')} post", "postId")
    changes: dict = {"state": target, "updated_at": at}
    if action is ModerationAction.APPROVE and post.published_at is None:
        changes["published_at"] = at
    if post.state is PostState.HIDDEN:
        changes["open_reports"] = 0
    decision = ModerationDecision(post.id, moderator_id, action, reason, post.state, target, at)
    return replace(post, **changes), decision


def approve(post: Post, moderator_id: str, reason: str, at: datetime) -> tuple[Post, ModerationDecision]:
    return moderate(post, ModerationAction.APPROVE, moderator_id, reason, at)


def reject(post: Post, moderator_id: str, reason: str, at: datetime) -> tuple[Post, ModerationDecision]:
    return moderate(post, ModerationAction.REJECT, moderator_id, reason, at)


def remove(post: Post, moderator_id: str, reason: str, at: datetime) -> tuple[Post, ModerationDecision]:
    return moderate(post, ModerationAction.REMOVE, moderator_id, reason, at)


def edit_post(post: Post, editor_id: str, content: PostContent, now: datetime, *,
              verified_purchase: bool = False, sees_every_post: bool = False) -> Post:
    """The author's new content; the post goes back through screening. Not allowed
    once hidden (an edit would escape the reports), rejected or removed (post anew).
    The kind stays: a review cannot become a note and keep its badge."""
    aware(now)
    require_author(post, editor_id, "edit", sees_every_post=sees_every_post)
    if post.state not in EDITABLE_STATES:
        raise InvalidPostTransition(f"a {post.state.value.lower().replace('_', ' ')} post cannot be edited", "postId")
    if content.kind is not post.content.kind:
        raise ValidationFailed("a post keeps its kind", "kind")
    return replace(post, content=content, state=PostState.PENDING_REVIEW, updated_at=now,
                   verified_purchase=verified_purchase and content.kind is PostKind.REVIEW)


def delete_post(post: Post, actor_id: str, now: datetime, *, sees_every_post: bool = False) -> Post:
    """The author withdraws their post, whatever its state. Deleting twice is NotFound:
    a deleted post no longer exists for anyone."""
    aware(now)
    if post.state is PostState.DELETED:
        raise NotFound(NO_SUCH_POST, "postId")
    require_author(post, actor_id, "delete", sees_every_post=sees_every_post)
    return replace(post, state=PostState.DELETED, updated_at=now)


# ---------------------------------------------------------------- reports
def _require_threshold(threshold: int) -> None:
    if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 1:
        raise ValueError("a report threshold is a positive int")


def should_hide(report_count: int, threshold: int = DEFAULT_REPORT_THRESHOLD) -> bool:
    _require_threshold(threshold)
    return report_count >= threshold


def new_report(post: Post, reporter_id: str, reason: ReportReason, note: str | None, at: datetime) -> Report:
    """A reader's report. Only published posts can be reported (nobody else sees the
    others); OTHER needs a note saying what is wrong."""
    aware(at)
    require_visible(post)
    if not isinstance(reason, ReportReason):
        raise ValidationFailed("not a report reason", "reason")
    cleaned = None
    if note is not None:
        cleaned = clean_text(note, "note", max_length=MAX_REASON_LENGTH, required=False, multiline=True) or None
    if reason is ReportReason.OTHER and cleaned is None:
        raise ValidationFailed("say what is wrong with this post", "note")
    return Report(post.id, reporter_id, reason, cleaned, at)


def record_reports(post: Post, open_reports: int, at: datetime,
                   threshold: int = DEFAULT_REPORT_THRESHOLD) -> tuple[Post, ModerationDecision | None]:
    """The post after its count of distinct reporters (kept by the store, one report
    per reader) became ``open_reports``: hidden, with a system decision for the audit
    trail, when a published post reaches the threshold."""
    aware(at)
    post = replace(post, open_reports=open_reports)
    if post.state is PostState.PUBLISHED and should_hide(open_reports, threshold):
        return moderate(post, ModerationAction.HIDE, SYSTEM_MODERATOR, f"reported by {open_reports} readers", at)
    return post, None


# ---------------------------------------------------------------- comments and follows
def clean_comment_body(body: object, field: str = "body") -> str:
    return clean_text(body, field, max_length=MAX_COMMENT_LENGTH, required=True, multiline=True)


def new_comment(comment_id: str, post: Post, author_id: str, body: str, now: datetime) -> Comment:
    """A comment on a published post (screened by the service like a post)."""
    aware(now)
    require_visible(post)
    return Comment(comment_id, post.id, author_id, clean_comment_body(body), now)


def check_follow(follower_id: str, author_id: str, field: str = "authorId") -> None:
    """Following is idempotent (the store's conditional put); following yourself is an error."""
    if follower_id == author_id:
        raise CannotFollowSelf("you cannot follow yourself", field)


def is_big_author(follower_count: int, threshold: int = DEFAULT_BIG_AUTHOR_FOLLOWERS, *,
                  was_big: bool = False) -> bool:
    """An author with ``threshold`` followers or more is read at query time instead of
    fanned out on write. Sticky (``was_big``: the flag the service keeps on the
    author): if it were not, posts written while big were never pushed to inboxes
    and would vanish from following feeds once the author dropped below."""
    if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 1:
        raise ValueError("a big-author threshold is a positive int")
    return was_big or follower_count >= threshold


# ---------------------------------------------------------------- helpers
def aware(moment: datetime) -> datetime:
    """An aware datetime, or ValueError: feed times and scores are instants."""
    if not isinstance(moment, datetime) or moment.tzinfo is None:
        raise ValueError("aware datetimes only")
    return moment
