"""Test data for the feeds, written straight into the table with the feed models (as
the post and social stores will write them), and a stream consumer that routes
Post, Profile and Follow records to the fan-out the way chalicelib/stream.py
does, through Powertools' batch processor and the real stream poller.

Visibility is an index property: a PUBLISHED post carries the author feed (GSI1)
and discover (GSI2) keys, its product links the product feed keys (GSI1); any
other state carries none.
"""
from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

from chalicelib.accounts import keys as accounts_keys
from chalicelib.core.ids import new_id
from chalicelib.core.stream import change_of, handlers_of
from chalicelib.core.table import batch
from chalicelib.core.table.models import TableItem
from chalicelib.feeds import fanout as feed_fanout
from chalicelib.feeds import feed_store as feeds_store
from chalicelib.feeds import (
    keys,
    stream_handlers,  # noqa: F401 - registers the Profile and Follow handlers route() looks up
)
from chalicelib.feeds.models import FeedPullsItem, FollowItem, PostItem, PostLinkItem, ProductSnapshot, ProfileItem
from chalicelib.feeds.ranking import discover_sort_key, feed_time
from chalicelib.feeds.rules import Engagement
from devstack.streams import StreamPoller

T0 = datetime(2025, 6, 1, 8, 0, tzinfo=UTC)
CREATED = "2025-06-01T07:00:00Z"


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def user_ids(n: int) -> list[str]:
    return [new_id() for _ in range(n)]


# ---------------------------------------------------------------- posts
def _index_keys(item: PostItem) -> None:
    published = item.state == "PUBLISHED" and item.published_at
    position = keys.feed_position(item.published_at, item.post_id) if published else None
    item.GSI1PK = keys.author_posts(item.author_id) if published else None
    item.GSI1SK = position
    if published:
        engagement = Engagement(int(item.likes), int(item.comments), int(item.shares))
        published_at = datetime.fromisoformat(item.published_at.replace("Z", "+00:00"))
        item.GSI2PK = keys.DISCOVER
        item.GSI2SK = f"{discover_sort_key(engagement, published_at)}#{item.post_id}"
    else:
        item.GSI2PK = item.GSI2SK = None


def _save_links(item: PostItem) -> None:
    published = item.state == "PUBLISHED" and item.published_at
    for product_id in item.product_ids:
        link = PostLinkItem(keys.post_pk(item.post_id), keys.post_link_sk(product_id), post_id=item.post_id,
                            product_id=product_id)
        if published:
            link.GSI1PK = keys.product_posts(product_id)
            link.GSI1SK = keys.feed_position(item.published_at, item.post_id)
        link.save()


def post(author_id: str, published_at: datetime | None, *, state: str = "PUBLISHED", products: tuple[str, ...] = (),
         likes: int = 0, post_id: str | None = None, title: str | None = None) -> str:
    """A post as the post store writes it; returns its id."""
    post_id = post_id or new_id()
    item = PostItem(
        keys.post_pk(post_id), keys.POST_SK, post_id=post_id, author_id=author_id,
        author_name=f"author {author_id[-4:]}",
        author_avatar_url="https://img.example.com/a.png", kind="NOTE", title=title or f"post {post_id[-6:]}",
        body="好物分享", product_ids=list(products),
        products=[ProductSnapshot(product_id=p, name=f"product {p[-4:]}", price_from=990, image_url=None)
                  for p in products],
        state=state, created_at=CREATED, updated_at=CREATED,
        published_at=feed_time(published_at) if published_at else None, likes=likes,
    )
    _index_keys(item)
    item.save()
    _save_links(item)
    return post_id


def set_state(post_id: str, state: str, *, published_at: datetime | None = None) -> None:
    """A moderation or author action: the state and the index keys change together."""
    item = PostItem.get(keys.post_pk(post_id), keys.POST_SK, consistent_read=True)
    item.state = state
    if published_at is not None and not item.published_at:
        item.published_at = feed_time(published_at)
    _index_keys(item)
    item.save()
    _save_links(item)


def like(post_id: str, likes: int) -> None:
    """An engagement change that keeps the post visible (moves its discover key)."""
    item = PostItem.get(keys.post_pk(post_id), keys.POST_SK, consistent_read=True)
    item.likes = likes
    _index_keys(item)
    item.save()


# ---------------------------------------------------------------- social
def follow(follower_id: str, author_id: str) -> None:
    follow_many(author_id, [follower_id])


def follow_many(author_id: str, follower_ids: list[str]) -> None:
    """Follow items (GSI1 ``author_followers``) for many readers; the profile counter is set apart."""
    batch.batch_write(
        FollowItem(keys.follow_pk(f), keys.following_sk(author_id), follower_id=f, author_id=author_id,
                   created_at=CREATED, GSI1PK=keys.author_followers(author_id), GSI1SK=f)
        for f in follower_ids)


def unfollow(follower_id: str, author_id: str) -> None:
    FollowItem(keys.follow_pk(follower_id), keys.following_sk(author_id)).delete()


def set_followers(author_id: str, followers: int) -> None:
    ProfileItem(accounts_keys.user_pk(author_id), keys.PROFILE_SK, followers=followers).save()


def set_pulls(reader_id: str, *author_ids: str) -> None:
    FeedPullsItem(keys.feed_pk(reader_id), keys.FEED_PULLS_SK, authors=set(author_ids)).save()


def pulls(reader_id: str) -> set[str]:
    found = list(TableItem.query(keys.feed_pk(reader_id), TableItem.SK == keys.FEED_PULLS_SK))
    return set(found[0].authors or ()) if found else set()


def push(reader_id: str, post_id: str, author_id: str, published_at: datetime) -> None:
    """An inbox entry as the fan-out writes it."""
    position = keys.feed_position(feed_time(published_at), post_id)
    ttl = int((published_at + feed_fanout.ENTRY_LIFETIME).timestamp())
    batch.batch_write([feeds_store.feed_entry(reader_id, position, post_id, author_id, ttl)])


def inbox(reader_id: str) -> list[tuple[str, str]]:
    """(sort key, post id) of every entry in a reader's feed, oldest first."""
    return [(item.SK, item.post_id) for item in TableItem.query(
        keys.feed_pk(reader_id), TableItem.SK.startswith(keys.FEED_ENTRY_PREFIX), consistent_read=True)]


def entries_of(post_id: str, readers: list[str]) -> dict[str, int]:
    """How many entries of ``post_id`` each reader's feed holds."""
    return {r: sum(1 for _, p in inbox(r) if p == post_id) for r in readers}


# ---------------------------------------------------------------- stream
_processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


def route(record: DynamoDBRecord) -> None:
    """The fan-out's part of the stream consumer: Post, Profile and Follow records to the fan-out only."""
    change = change_of(record)
    if change is None:
        return
    if change.item_type == "Post":
        feed_fanout.handle_post_record(change.new.raw(), change.old.raw())
    elif change.item_type in ("Profile", "Follow"):
        for handler in handlers_of(change.item_type):
            handler(change)


def consumer(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return process_partial_response(event=event, record_handler=route, processor=_processor, context=context)


def feed_poller(emulator) -> StreamPoller:
    return StreamPoller(emulator.endpoint_url, os.environ["TUANSTACK_TABLE"], consumer)


def ids_of(page) -> list[str]:
    return [view.post.id for view in page.posts]


def read_all(read, first: int) -> list[str]:
    """Every post id of a feed, page by page (``read(first, after)``)."""
    seen, after = [], None
    while True:
        page = read(first, after)
        seen.extend(ids_of(page))
        if not page.has_more:
            assert page.position is None
            return seen
        assert page.position
        after = page.position
