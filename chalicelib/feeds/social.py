"""Engagement (likes, comments, shares, reports), follows, profiles and purchases.

Engagement is only for published posts: anything else is PostNotVisible (to a
reader a hidden or removed post does not exist). A like, unlike, comment, comment
deletion or share is ONE write, not preceded by a read: the counter's ``ADD ±1``
conditioned only on the post being published (with the like or comment put or
deleted in the same transaction), so concurrent engagement on a hot post never
conflicts and never retries. The write is the visibility check; a like reads the
post afterwards for the caller (a share gets it back from its UpdateItem).

The discover key (GSI2SK) is not written here: the table stream's consumer
recomputes it from the counts (feeds.posts.on_post_changed), about a second
later. Reports stay optimistic (read, then ``open_reports = n``): exactly one
report may hide the post. Liking, reporting and following twice are no-ops, not
errors: the per-reader item is put only if absent.
"""
from __future__ import annotations

import os
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from chalicelib.accounts.published import users as users_store
from chalicelib.core.errors import Conflict, InvalidCursor, InvalidId, NotFound, PageSizeExceeded, ValidationFailed
from chalicelib.core.ids import is_id, new_id
from chalicelib.core.observability import count
from chalicelib.core.principal import Principal, require_user
from chalicelib.core.table.paging import Page, PageRequest, checked_request
from chalicelib.feeds import moderation, posts_store, rules
from chalicelib.feeds import social_store as store
from chalicelib.feeds.post_items import PostChanged, PostView
from chalicelib.feeds.rules import Comment, PostNotVisible, ReportReason
from chalicelib.feeds.social_store import Profile, StoredComment

REPORT_THRESHOLD_ENV = "TUANSTACK_REPORT_THRESHOLD"
BIG_AUTHOR_ENV = "TUANSTACK_BIG_AUTHOR_FOLLOWERS"
MAX_PAGE = 100
# Reports are optimistic on open_reports: concurrent reports of one post but one fail
# their condition and retry. Backoff with jitter spreads the retries out.
ENGAGE_ATTEMPTS = 60
BACKOFF_BASE_SECONDS = 0.01
BACKOFF_CAP_SECONDS = 0.5

T = TypeVar("T")


def _positive_env(name: str, default: int) -> int:
    """Read at each use, so an operator's change applies without a redeploy of code."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise ValueError(f"{name} must be a positive integer, not {raw!r}")
    return value


def report_threshold() -> int:
    """Distinct reporters that hide a post (since the last moderator decision)."""
    return _positive_env(REPORT_THRESHOLD_ENV, rules.DEFAULT_REPORT_THRESHOLD)


def big_author_threshold() -> int:
    """Followers from which an author's posts are pulled at read time, not pushed."""
    return _positive_env(BIG_AUTHOR_ENV, rules.DEFAULT_BIG_AUTHOR_FOLLOWERS)


def _id(value: object, field: str, what: str) -> str:
    if not isinstance(value, str) or not is_id(value):
        raise InvalidId(f"not a {what} id", field)
    return value


def _first(first: int) -> int:
    if isinstance(first, bool) or not isinstance(first, int) or not 1 <= first <= MAX_PAGE:
        raise PageSizeExceeded(f"first must be between 1 and {MAX_PAGE}", "first")
    return first


def _after_id(after: str | None) -> str | None:
    if after is not None and (not isinstance(after, str) or not is_id(after)):
        raise InvalidCursor("this cursor is not valid", "after")
    return after


def _visible_post(post_id: str) -> PostView:
    view = posts_store.get_post(post_id, consistent=True)
    if view is None:
        raise PostNotVisible("this post is not available", "postId")
    rules.require_visible(view.post)
    return view


def _engage(post_id: str, write: Callable[[PostView], T]) -> T:
    """Read the post (published, or PostNotVisible) and write; again on PostChanged.
    For reports only: the counters need no read (see the module's docstring)."""
    for attempt in range(ENGAGE_ATTEMPTS):
        view = _visible_post(post_id)
        try:
            return write(view)
        except PostChanged:
            time.sleep(random.uniform(0, min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2 ** attempt)))
    raise Conflict("this post is busy; try again", "postId")


# ---------------------------------------------------------------- likes and shares
@dataclass(frozen=True, slots=True)
class Liked:
    post: PostView | None  # as the action left it; None if it left the feeds meanwhile
    liked: bool  # whether the caller likes it now
    changed: bool  # False: it was so already (liking twice is no error)


def like(principal: Principal | None, post_id: str, now: datetime) -> Liked:
    """ONE TransactWriteItems, then a GetItem of the post as the like left it."""
    caller = require_user(principal)
    post_id = _id(post_id, "postId", "post")
    changed = store.like(post_id, caller.user_id, now)
    if changed:
        count("PostsLiked")
    return Liked(_post_after(post_id) if changed else _visible_post(post_id), True, changed)


def _post_after(post_id: str) -> PostView | None:
    """The post after a write that succeeded: a moderator may have removed it since,
    which must not turn the caller's done like into an error. (When nothing was
    written, the post's state is the answer: PostNotVisible.)"""
    try:
        return _visible_post(post_id)
    except PostNotVisible:
        return None


def unlike(principal: Principal | None, post_id: str) -> Liked:
    caller = require_user(principal)
    post_id = _id(post_id, "postId", "post")
    changed = store.unlike(post_id, caller.user_id)
    return Liked(_post_after(post_id) if changed else _visible_post(post_id), False, changed)


def share(principal: Principal | None, post_id: str) -> PostView:
    """Counts a share (each one: sharing to two chats is two shares): ONE UpdateItem."""
    require_user(principal)
    post_id = _id(post_id, "postId", "post")
    shared = posts_store.share(post_id)
    if shared is None:
        raise PostNotVisible("this post is not available", "postId")
    return shared


# ---------------------------------------------------------------- comments
def comment(principal: Principal | None, post_id: str, body: str, now: datetime) -> StoredComment:
    """A comment on a published post, screened like a post: a BLOCK word refuses it
    (ContentRejected). REVIEW words let it through: comments have no review queue.
    The post is not read: the transaction's condition (published) is the check."""
    caller = require_user(principal)
    post_id = _id(post_id, "postId", "post")
    body = rules.clean_comment_body(body)
    moderation.screen([("body", body)])
    user = users_store.get_user(caller.user_id)
    name = user.display_name if user is not None else ""
    made = Comment(new_id(), post_id, caller.user_id, body, now)
    store.add_comment(made, name)
    count("CommentsPosted")
    return StoredComment(made, name)


def comment_by_id(post_id: str, comment_id: str) -> StoredComment | None:
    """One GetItem; None for an id that names no comment of that post."""
    if not (is_id(post_id) and is_id(comment_id)):
        return None
    return store.get_comment(post_id, comment_id)


def comments_page(post_id: str, first: int | PageRequest, after: str | None = None) -> Page[StoredComment]:
    """A post's comments newest first (a position is a comment id), either way: one
    Query. For a post the reader may see (the caller checks)."""
    return store.comments_page(_id(post_id, "postId", "post"), checked_request(first, after, MAX_PAGE, is_id))


def comments(post_id: str, first: int, after: str | None = None) -> tuple[list[StoredComment], str | None]:
    """``comments_page`` as the comments and the comment id to continue after (None at the end)."""
    page = comments_page(post_id, first, after)
    return page.items, (page.end if page.has_more else None)


def delete_comment(principal: Principal | None, post_id: str, comment_id: str) -> None:
    """The author takes back their comment (whatever the post's state since): ONE
    TransactWriteItems, conditioned on the comment being theirs."""
    caller = require_user(principal)
    post_id = _id(post_id, "postId", "post")
    comment_id = _id(comment_id, "commentId", "comment")
    try:
        deleted = store.delete_comment(post_id, comment_id, caller.user_id)
    except PostNotVisible:
        deleted = False  # no post: no comment of theirs either
    if not deleted:
        raise NotFound("no such comment of yours", "commentId")


# ---------------------------------------------------------------- reports
@dataclass(frozen=True, slots=True)
class Reported:
    counted: bool  # False: this reader had reported the post already
    hidden: bool  # this report hid the post (the threshold was reached)


def report(principal: Principal | None, post_id: str, reason: ReportReason, note: str | None, now: datetime,
           *, threshold: int | None = None) -> Reported:
    """A reader's report, once per reader. The report that brings the post's open
    reports to the threshold hides it in the same transaction (review queue, system
    decision); concurrent reports each count once and exactly one hides."""
    caller = require_user(principal)
    post_id = _id(post_id, "postId", "post")
    limit = threshold or report_threshold()

    def write(view: PostView) -> Reported:
        filed = rules.new_report(view.post, caller.user_id, reason, note, now)
        after, decision = rules.record_reports(view.post, view.post.open_reports + 1, now, limit)
        hidden = (after, decision) if decision is not None else None
        counted = store.report(view, filed, hidden)
        return Reported(counted, counted and hidden is not None)

    outcome = _engage(post_id, write)
    if outcome.hidden:
        count("PostsHiddenByReports")
    return outcome


# ---------------------------------------------------------------- follows and profiles
@dataclass(frozen=True, slots=True)
class Followed:
    following: bool  # whether the caller follows the author now
    changed: bool  # False: it was so already (following twice is no error)


def follow(principal: Principal | None, author_id: str, now: datetime) -> Followed:
    caller = require_user(principal)
    author_id = _id(author_id, "authorId", "user")
    rules.check_follow(caller.user_id, author_id)
    author = store.get_profile(author_id, consistent=True)
    if author is None:
        raise NotFound("no such user", "authorId")
    big = rules.is_big_author(author.followers + 1, big_author_threshold(), was_big=author.big_author)
    changed = store.follow(caller.user_id, author_id, now, pull=big, mark_big=big and not author.big_author)
    if changed:
        count("Follows")
    return Followed(True, changed)


def unfollow(principal: Principal | None, author_id: str) -> Followed:
    caller = require_user(principal)
    author_id = _id(author_id, "authorId", "user")
    rules.check_follow(caller.user_id, author_id)
    return Followed(False, store.unfollow(caller.user_id, author_id))


def profile(user_id: str) -> Profile | None:
    """A user's public profile (name, avatar, counters): one Query."""
    return store.get_profile(_id(user_id, "userId", "user"))


def is_following(principal: Principal | None, author_id: str) -> bool:
    caller = require_user(principal)
    return store.is_following(caller.user_id, _id(author_id, "authorId", "user"))


def followers(author_id: str, first: int, after: str | None = None) -> tuple[list[str], str | None]:
    """An author's followers' ids, and the id to continue after (None at the end)."""
    page = store.followers_page(_id(author_id, "authorId", "user"), _first(first), _after_id(after))
    return page.items, (page.end if page.has_more else None)


def following(user_id: str, first: int, after: str | None = None) -> tuple[list[str], str | None]:
    """The ids of the authors a user follows, and the id to continue after."""
    page = store.following_page(_id(user_id, "userId", "user"), _first(first), _after_id(after))
    return page.items, (page.end if page.has_more else None)


# ---------------------------------------------------------------- purchases (stream hooks)
def _require_ids(*values: str) -> None:
    if not all(isinstance(v, str) and v for v in values):
        raise ValidationFailed("user, order and product ids are required")
