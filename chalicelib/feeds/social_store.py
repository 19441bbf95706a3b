"""Engagement and the social graph in the single table: likes, comments, reports,
follows, author profiles and the purchases behind "verified purchase".

- ``POST#<post>`` / ``LIKE#<user>``, ``COMMENT#<id>``, ``REPORT#<user>``: beside the
  post, so a like or report is one conditional put per reader ("put if absent" is
  what makes liking twice or reporting twice count once), written in the same
  transaction as the post's counter (feeds.posts_store.engagement_update: a plain ADD
  while the post is published; the discover key follows through the stream).
- ``FOLLOW#<follower>`` / ``FOLLOWING#<author>``: one per pair; GSI1
  ``USER#<author>#FOLLOWERS`` / ``<follower id>`` lists an author's followers (the
  fan-out's reading list), the base table lists whom a reader follows.
- ``USER#<id>`` / ``PROFILE``: public counters (followers, following, posts) beside
  the user item, so one Query over ``USER#<id>`` reads a profile.
- ``FEED#<reader>`` / ``PULLS``: the big authors a reader follows (their posts are
  merged in at read time instead of pushed).
- ``PURCHASES#<user>`` / ``PRODUCT#<product>``: paid orders of a product not
  refunded; ``PURCHASES#<user>`` / ``ORDER#<order>`` guards each order, so a
  redelivered stream record counts nothing twice.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from pynamodb.exceptions import DoesNotExist

from chalicelib.accounts.published import users as accounts_keys
from chalicelib.accounts.published.users import UserItem
from chalicelib.core.clock import from_iso, iso
from chalicelib.core.principal import Role, User
from chalicelib.core.table.batch import batch_get
from chalicelib.core.table.models import TableItem
from chalicelib.core.table.paging import Page, PageRequest, as_request, query_page
from chalicelib.core.table.transactions import Transaction, TransactionCancelled
from chalicelib.feeds import keys
from chalicelib.feeds.models import (
    CommentItem,
    FeedPullsItem,
    FollowItem,
    LikeItem,
    PostItem,
    ProfileItem,
    ReportItem,
)
from chalicelib.feeds.post_items import PostChanged, PostView
from chalicelib.feeds.posts_store import add_transition, engagement_update, profile_counter
from chalicelib.feeds.rules import Comment, ModerationDecision, Post, PostNotVisible, Report


# ---------------------------------------------------------------- likes
def like(post_id: str, user_id: str, at: datetime) -> bool:
    """ONE transaction: the like, if absent, and the post's ``likes + 1``, if the post
    is published. False if the user had liked it already (nothing written);
    PostNotVisible if the post is not published (or does not exist)."""
    tx = Transaction()
    tx.put("like", LikeItem(keys.post_pk(post_id), keys.like_sk(user_id), user_id=user_id, created_at=iso(at)),
           TableItem.PK.does_not_exist())
    engagement_update(tx, post_id, likes=1)
    return _commit(tx, "like")


def unlike(post_id: str, user_id: str) -> bool:
    """The like removed, if present, with ``likes - 1``, if the post is published.
    False if there was none (nothing written); PostNotVisible as for a like."""
    tx = Transaction()
    tx.delete("like", LikeItem(keys.post_pk(post_id), keys.like_sk(user_id)), TableItem.PK.exists())
    engagement_update(tx, post_id, likes=-1)
    return _commit(tx, "like")


def has_liked(post_id: str, user_id: str) -> bool:
    try:
        LikeItem.get(keys.post_pk(post_id), keys.like_sk(user_id), consistent_read=True)
    except DoesNotExist:
        return False
    return True


def likes_of(user_id: str, post_ids: Iterable[str]) -> set[str]:
    """Which of a page of posts the user liked: one BatchGetItem."""
    by_pk = {keys.post_pk(p): p for p in post_ids}
    found = batch_get((pk, keys.like_sk(user_id)) for pk in by_pk)
    return {by_pk[item.PK] for item in found if isinstance(item, LikeItem)}


def _commit(tx: Transaction, guard: str) -> bool:
    """Commit; False if the guard (like, report, follow...) failed: the action was
    done already. PostNotVisible if the post's condition failed (a counter's post
    is not published, or does not exist)."""
    try:
        tx.commit()
    except TransactionCancelled as error:
        if guard in error.failed:
            return False  # done before: whatever else failed, there is nothing to do
        if "post" in error.failed:
            raise PostNotVisible("this post is not available", "postId") from error
        raise
    return True


# ---------------------------------------------------------------- comments
def add_comment(comment: Comment, author_name: str) -> None:
    """ONE transaction: the comment and the post's ``comments + 1``, only while the
    post is published (PostNotVisible otherwise: a post removed meanwhile takes no
    comment)."""
    tx = Transaction()
    tx.put("comment", CommentItem(
        keys.post_pk(comment.post_id), keys.comment_sk(comment.id), comment_id=comment.id,
        post_id=comment.post_id, author_id=comment.author_id, author_name=author_name, body=comment.body,
        created_at=iso(comment.created_at),
    ), TableItem.PK.does_not_exist())
    engagement_update(tx, comment.post_id, comments=1)
    _commit(tx, "comment")


@dataclass(frozen=True, slots=True)
class StoredComment:
    comment: Comment
    author_name: str


def _to_comment(item: CommentItem) -> StoredComment:
    return StoredComment(Comment(item.comment_id, item.post_id, item.author_id, item.body, from_iso(item.created_at)),
                         item.author_name or "")


def get_comment(post_id: str, comment_id: str) -> StoredComment | None:
    try:
        return _to_comment(CommentItem.get(keys.post_pk(post_id), keys.comment_sk(comment_id), consistent_read=True))
    except DoesNotExist:
        return None


def comments_page(post_id: str, limit: int | PageRequest, after: str | None = None) -> Page[StoredComment]:
    """A post's comments newest first (ids are ULIDs; a position is a comment id),
    forward or backward: one Query."""
    page = query_page(TableItem, keys.post_pk(post_id), as_request(limit, after).positions_as(keys.comment_sk),
                      prefix=keys.COMMENT_PREFIX, kinds=CommentItem)
    return page.map(_to_comment).positions_as(lambda sk: sk.removeprefix(keys.COMMENT_PREFIX))


def delete_comment(post_id: str, comment_id: str, author_id: str) -> bool:
    """ONE transaction: the author's comment removed with the post's
    ``comments - 1``; False if it was not there (or not theirs), nothing written.
    Allowed whatever the post's state: the author takes back their words."""
    tx = Transaction()
    tx.delete("comment", CommentItem(keys.post_pk(post_id), keys.comment_sk(comment_id)),
              CommentItem.author_id == author_id)
    engagement_update(tx, post_id, comments=-1, require_published=False)
    return _commit(tx, "comment")


# ---------------------------------------------------------------- reports
def report(view: PostView, filed: Report, hidden: tuple[Post, ModerationDecision] | None) -> bool:
    """ONE transaction: the report, if this reader has not reported the post yet, and
    ``open_reports`` + 1 conditioned on the count read and the post being published
    (optimistic, unlike the engagement counters: exactly one report may hide the
    post). No discover key: the likes, comments and shares do not move.
    With ``hidden`` (the threshold is reached) the post turns HIDDEN in the same
    transaction: keys moved to the review queue, links unindexed, the system's
    decision recorded. False if the reader had reported it already; PostChanged if
    another report (or anything else) moved the post meanwhile."""
    post = view.post
    tx = Transaction()
    tx.put("report", ReportItem(keys.post_pk(post.id), keys.report_sk(filed.reporter_id),
                                reporter_id=filed.reporter_id, reason=filed.reason.value, note=filed.note,
                                created_at=iso(filed.at)), TableItem.PK.does_not_exist())
    unchanged = (PostItem.open_reports == post.open_reports) & (PostItem.state == post.state.value)
    if hidden is None:
        tx.update("post", PostItem(keys.post_pk(post.id), keys.POST_SK), [PostItem.open_reports.add(1)], unchanged)
    else:
        after, decision = hidden
        add_transition(tx, view, after, decision=decision, rejection_reason=decision.reason,
                       condition=unchanged & (PostItem.version == view.version))
    try:
        return _commit(tx, "report")
    except PostNotVisible as error:
        raise PostChanged() from error  # its count or state moved since it was read: read again


# ---------------------------------------------------------------- profiles and follows
@dataclass(frozen=True, slots=True)
class Profile:
    user: User
    followers: int = 0
    following: int = 0
    posts: int = 0
    big_author: bool = False  # sticky; stays False until the profile model keeps the flag


def _profile(user_item: UserItem, profile: ProfileItem | None) -> Profile:
    user = User(id=user_item.user_id, role=Role(user_item.role), display_name=user_item.display_name or "",
                avatar_url=user_item.avatar_url)
    if profile is None:
        return Profile(user)
    big = bool(profile.big_author)
    return Profile(user, int(profile.followers or 0), int(profile.following or 0), int(profile.posts or 0), big)


def get_profile(user_id: str, *, consistent: bool = False) -> Profile | None:
    """A user's public profile: ONE Query over ``USER#<id>`` (the user and its counters)."""
    user_item, profile = None, None
    for item in TableItem.query(accounts_keys.user_pk(user_id), consistent_read=consistent):
        if isinstance(item, UserItem):
            user_item = item
        elif isinstance(item, ProfileItem):
            profile = item
    return None if user_item is None else _profile(user_item, profile)


def profiles_of(user_ids: Iterable[str]) -> dict[str, Profile]:
    """Public profiles of several users: ONE BatchGetItem of each one's user and
    counters items (up to 50 users a request); users without an account are absent."""
    wanted = list(dict.fromkeys(user_ids))
    if not wanted:
        return {}
    users: dict[str, UserItem] = {}
    counters: dict[str, ProfileItem] = {}
    for item in batch_get([(accounts_keys.user_pk(u), sk) for u in wanted for sk in (accounts_keys.USER_SK, keys.PROFILE_SK)]):
        if isinstance(item, UserItem):
            users[item.user_id] = item
        elif isinstance(item, ProfileItem):
            counters[item.PK] = item
    return {u: _profile(users[u], counters.get(accounts_keys.user_pk(u))) for u in wanted if u in users}


def follow(follower_id: str, author_id: str, at: datetime, *, pull: bool, mark_big: bool = False) -> bool:
    """ONE transaction: the follow, if absent; both profiles' counters; with ``pull``
    (a big author) the author added to the follower's pulls. False if already
    following (nothing written)."""
    tx = Transaction()
    tx.put("follow", FollowItem(keys.follow_pk(follower_id), keys.following_sk(author_id), follower_id=follower_id,
                                author_id=author_id, created_at=iso(at),
                                GSI1PK=keys.author_followers(author_id), GSI1SK=follower_id),
           TableItem.PK.does_not_exist())
    profile_counter(tx, "follower", follower_id, ProfileItem.following, 1)
    author_actions = [ProfileItem.followers.add(1), ProfileItem.type.set(ProfileItem)]
    if mark_big:
        author_actions.append(ProfileItem.big_author.set(True))
    tx.update("author", ProfileItem(accounts_keys.user_pk(author_id), keys.PROFILE_SK), author_actions)
    if pull:
        tx.update("pulls", FeedPullsItem(keys.feed_pk(follower_id), keys.FEED_PULLS_SK),
                  [FeedPullsItem.authors.add({author_id}), FeedPullsItem.type.set(FeedPullsItem)])
    return _commit(tx, "follow")


def unfollow(follower_id: str, author_id: str) -> bool:
    """ONE transaction: the follow deleted, if present, the counters back, and the
    author taken out of the follower's pulls (a no-op when not in them: whether the
    author was big when followed is not known here). False if not following."""
    tx = Transaction()
    tx.delete("follow", FollowItem(keys.follow_pk(follower_id), keys.following_sk(author_id)),
              TableItem.PK.exists())
    profile_counter(tx, "follower", follower_id, ProfileItem.following, -1)
    profile_counter(tx, "author", author_id, ProfileItem.followers, -1)
    tx.update("pulls", FeedPullsItem(keys.feed_pk(follower_id), keys.FEED_PULLS_SK),
              [FeedPullsItem.authors.delete({author_id}), FeedPullsItem.type.set(FeedPullsItem)])
    return _commit(tx, "follow")


def is_following(follower_id: str, author_id: str) -> bool:
    try:
        FollowItem.get(keys.follow_pk(follower_id), keys.following_sk(author_id), consistent_read=True)
    except DoesNotExist:
        return False
    return True


def followers_page(author_id: str, limit: int, after: str | None = None) -> Page[str]:
    """An author's followers' ids, by id (a position is a follower id): one Query on GSI1."""
    return query_page(TableItem.gsi1, keys.author_followers(author_id), limit, after, forward=True,
                      kinds=FollowItem).map(lambda i: i.follower_id)


def following_page(follower_id: str, limit: int, after: str | None = None) -> Page[str]:
    """The ids of the authors a reader follows, by id (a position is an author id):
    one Query on the base table."""
    page = query_page(TableItem, keys.follow_pk(follower_id), limit, keys.following_sk(after) if after else None,
                      forward=True, prefix=keys.FOLLOWING_PREFIX, kinds=FollowItem)
    return page.map(lambda i: i.author_id).positions_as(lambda sk: sk.removeprefix(keys.FOLLOWING_PREFIX))


def pulled_authors(reader_id: str) -> set[str]:
    try:
        return set(FeedPullsItem.get(keys.feed_pk(reader_id), keys.FEED_PULLS_SK, consistent_read=True).authors
                   or ())
    except DoesNotExist:
        return set()
