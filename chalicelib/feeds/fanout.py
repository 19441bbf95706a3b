"""The following feed's fan-out on write, driven by the table stream.

Called by the stream consumer (chalicelib/stream.py) with the record's images
as Powertools gives them (plain dicts; numbers are ``Decimal``; an absent image is
``{}``):

- ``handle_post_record`` (``type`` "Post"): a post that becomes visible (PUBLISHED,
  with ``published_at``) is pushed into the feed of every follower of its author,
  unless the author is big (followers ≥ ``TUANSTACK_BIG_AUTHOR_FOLLOWERS``, default
  ``feeds.rules.DEFAULT_BIG_AUTHOR_FOLLOWERS``, or flagged, see below): then readers pull it (their
  ``PULLS`` item names the author). A post that stops being visible (hidden,
  rejected after an edit, removed, deleted, or the item deleted) has its entries
  deleted again; a re-approved post is pushed again at the same position
  (``published_at`` never changes). A change that keeps the post visible (a like,
  a comment count) does nothing.
- ``handle_profile_record`` (``type`` "Profile"): an author whose followers cross
  the threshold upwards is added to every follower's ``PULLS``, so the posts they
  write from now on (no longer pushed) are merged in at read time.
- ``handle_follow_record`` (``type`` "Follow"): an unfollow deletes the entries of
  that author from the reader's feed (what the inbox holds; ``PULLS`` is the social
  store's, written with the follow).

Idempotence: an entry's key is ``FEED#<reader>`` / ``ENTRY#<published_at>#<post id>``,
the same on every run, and puts, deletes and set ADDs can be repeated. A record
that fails half way (a crash after some BatchWriteItem chunks) is delivered again
and the run starts over: the repeated puts overwrite, nothing is duplicated and
nothing is missed. Followers who follow while a post is being pushed may or may not
get it (a feed is not back-filled on follow).

Bigness is ``feeds.rules.is_big_author``: the follower count against the
threshold, or the profile's sticky ``big_author`` flag when the profile keeps one
(the social store sets it when a follow reaches the threshold); with the flag an
author never goes back to being pushed.

Going back below the threshold (without the flag): nothing is undone. Followers
keep the author in ``PULLS`` (their posts written while big stay visible by pull),
new posts are pushed again, and the read merge deduplicates a post that is both
pushed and pulled. Someone who follows while the author is below again gets no
``PULLS`` and so sees only what is pushed from then on (the flag avoids that too).

Entries of a big author's post are not deleted when it is withdrawn (that would
cost one write per follower, which is what being big avoids): entries pushed
before the author became big stay until their TTL (90 days) and are skipped at
read time, like any entry of an invisible post.

Lowering the threshold (the environment variable) makes authors between the two
values big without a crossing: run ``pull_for_followers`` for each of them, or
their new posts reach no following feed. Raising it is safe.
"""
from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from chalicelib.accounts.published import users as accounts_keys
from chalicelib.core.clock import from_iso
from chalicelib.core.observability import count, logger
from chalicelib.core.table.batch import batch_write
from chalicelib.feeds import feed_store as store
from chalicelib.feeds import keys
from chalicelib.feeds.ranking import cursor_position, feed_ref
from chalicelib.feeds.rules import PostState, is_big_author
from chalicelib.feeds.social import big_author_threshold

ENTRY_LIFETIME = timedelta(days=90)  # entries carry ttl = published_at + 90 days
PULL_WORKERS = 8  # UpdateItems in flight when an author turns big


@dataclass(frozen=True, slots=True)
class FanOut:
    """What one push or withdrawal did."""

    readers: int  # followers whose feed was written (0 when the author is big)
    requests: int  # BatchWriteItem requests (first attempts; retries of unprocessed items not counted)
    big_author: bool  # nothing written: the author is read at query time


# ---------------------------------------------------------------- posts
def handle_post_record(new_image: Mapping[str, Any], old_image: Mapping[str, Any]) -> None:
    new_image, old_image = new_image or {}, old_image or {}
    visible_now, visible_before = _visible(new_image), _visible(old_image)
    if visible_now and not visible_before:
        push_post(new_image["post_id"], new_image["author_id"], new_image["published_at"])
    elif visible_before and not visible_now:
        withdraw_post(old_image["post_id"], old_image["author_id"], old_image["published_at"])


def push_post(post_id: str, author_id: str, published_at: str) -> FanOut:
    """Put the post's entry into every follower's feed (unless the author is big)."""
    if _is_big(author_id):
        count("FeedFanOutsSkipped")
        logger.debug("big author: post not pushed", extra={"post_id": post_id, "author_id": author_id})
        return FanOut(0, 0, True)
    position, ttl = _position(post_id, published_at), _ttl(published_at)
    readers = requests = 0
    for followers in store.follower_pages(author_id):
        requests += batch_write(store.feed_entry(f, position, post_id, author_id, ttl) for f in followers)
        readers += len(followers)
    count("FeedEntriesPushed", readers)
    logger.debug("post pushed", extra={"post_id": post_id, "readers": readers, "requests": requests})
    return FanOut(readers, requests, False)


def withdraw_post(post_id: str, author_id: str, published_at: str) -> FanOut:
    """Delete the post's entries from the followers' feeds (not for a big author:
    see the module's notes; reads skip invisible posts anyway)."""
    if _is_big(author_id):
        return FanOut(0, 0, True)
    position = _position(post_id, published_at)
    readers = requests = 0
    for followers in store.follower_pages(author_id):
        requests += batch_write(deletes=[store.entry_key(f, position) for f in followers])
        readers += len(followers)
    count("FeedEntriesWithdrawn", readers)
    return FanOut(readers, requests, False)


# ---------------------------------------------------------------- profiles and follows
def handle_profile_record(new_image: Mapping[str, Any], old_image: Mapping[str, Any]) -> None:
    new_image, old_image = new_image or {}, old_image or {}
    image = new_image or old_image
    pk, sk = str(image.get("PK", "")), image.get("SK")
    prefix = accounts_keys.user_pk("")
    if sk != keys.PROFILE_SK or not pk.startswith(prefix) or not new_image:
        return
    threshold = big_author_threshold()
    was = is_big_author(_followers(old_image), threshold, was_big=bool(old_image.get("big_author")))
    if not was and is_big_author(_followers(new_image), threshold, was_big=bool(new_image.get("big_author"))):
        readers = pull_for_followers(pk[len(prefix):])
        logger.info("author turned big", extra={"author_id": pk[len(prefix):], "readers": readers})


def pull_for_followers(author_id: str) -> int:
    """Add the author to every follower's ``PULLS`` (idempotent); returns the count.
    Also the repair after lowering the threshold."""
    readers = 0
    with ThreadPoolExecutor(max_workers=PULL_WORKERS) as pool:
        for followers in store.follower_pages(author_id):
            list(pool.map(lambda reader: store.add_pull(reader, author_id), followers))
            readers += len(followers)
    count("FeedPullsAdded", readers)
    return readers


def handle_follow_record(new_image: Mapping[str, Any], old_image: Mapping[str, Any]) -> None:
    """An unfollow (the follow item deleted) takes that author's entries out of the
    reader's feed. Entries pushed concurrently with the unfollow may stay (until
    their TTL); the read does not check follows."""
    if new_image or not old_image:
        return
    follower, author = old_image.get("follower_id"), old_image.get("author_id")
    if not follower or not author:
        return
    stale = store.inbox_entries_of_author(follower, author)
    if stale:
        batch_write(deletes=stale)


# ---------------------------------------------------------------- helpers
def _visible(image: Mapping[str, Any]) -> bool:
    return image.get("state") == PostState.PUBLISHED.value and bool(image.get("published_at"))


def _is_big(author_id: str) -> bool:
    followers, flagged = store.author_standing(author_id)
    return is_big_author(followers, big_author_threshold(), was_big=flagged)


def _followers(image: Mapping[str, Any]) -> int:
    return int(image.get("followers") or 0)


def _published(published_at: str) -> datetime:
    return from_iso(published_at)


def _position(post_id: str, published_at: str) -> str:
    """The entry's sort position: the same string as the post's own feed keys."""
    return cursor_position(feed_ref(_published(published_at), post_id))


def _ttl(published_at: str) -> int:
    return int((_published(published_at) + ENTRY_LIFETIME).timestamp())
