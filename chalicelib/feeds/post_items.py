"""A post as the table keeps it: its view, the mapping from its item, and where its state
puts it in the indexes (the author's and products' feeds, discover, the review queue)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from chalicelib.catalog.published.rules import Media, MediaKind
from chalicelib.core.clock import from_iso
from chalicelib.feeds import keys
from chalicelib.feeds.models import DecisionItem, PostItem, ProductSnapshot
from chalicelib.feeds.ranking import discover_sort_key, feed_time
from chalicelib.feeds.rules import (
    Engagement,
    ModerationAction,
    ModerationDecision,
    Post,
    PostContent,
    PostKind,
    PostState,
)

QUEUED_STATES = frozenset({PostState.PENDING_REVIEW, PostState.HIDDEN})  # wait in the review queue


class PostChanged(Exception):
    """The post moved since it was read (its version, state or counts): read it
    again and decide again. Services turn this into a retry or a Conflict."""


@dataclass(frozen=True, slots=True)
class ProductCard:
    """What a feed card shows of a linked product, as of the post's last write."""

    product_id: str
    name: str
    price_from: int | None  # fen
    currency: str
    image_url: str | None


@dataclass(frozen=True, slots=True)
class PostView:
    """A post with the snapshots a feed card needs: no further reads to render it."""

    post: Post
    author_name: str
    author_avatar_url: str | None
    products: tuple[ProductCard, ...]
    rejection_reason: str | None = None
    version: int = 1


# ---------------------------------------------------------------- mapping
def to_post_view(item: PostItem) -> PostView:
    content = PostContent(
        kind=PostKind(item.kind), body=item.body, title=item.title,
        media=tuple(Media(m.url, MediaKind(m.kind)) for m in item.media or []),
        product_ids=tuple(item.product_ids or []), tags=tuple(item.tags or []), sponsored=bool(item.sponsored),
    )
    post = Post(
        id=item.post_id, author_id=item.author_id, content=content, state=PostState(item.state),
        created_at=from_iso(item.created_at), updated_at=from_iso(item.updated_at),
        published_at=from_iso(item.published_at) if item.published_at else None,
        verified_purchase=bool(item.verified_purchase), open_reports=int(item.open_reports or 0),
        engagement=Engagement(int(item.likes or 0), int(item.comments or 0), int(item.shares or 0)),
    )
    cards = tuple(ProductCard(p.product_id, p.name, int(p.price_from) if p.price_from is not None else None,
                              p.currency, p.image_url) for p in item.products or [])
    return PostView(post, item.author_name or "", item.author_avatar_url, cards, item.rejection_reason,
                    int(item.version or 1))


def snapshot_map(card: ProductCard) -> ProductSnapshot:
    return ProductSnapshot(product_id=card.product_id, name=card.name, price_from=card.price_from,
                           currency=card.currency, image_url=card.image_url)


def to_decision(item: DecisionItem) -> ModerationDecision:
    return ModerationDecision(
        post_id=item.post_id, moderator_id=item.moderator_id, action=ModerationAction(item.action),
        reason=item.reason, from_state=PostState(item.from_state), to_state=PostState(item.to_state),
        at=from_iso(item.at),
    )


# ---------------------------------------------------------------- index keys
@dataclass(frozen=True, slots=True)
class IndexKeys:
    gsi1pk: str | None = None
    gsi1sk: str | None = None
    gsi2pk: str | None = None
    gsi2sk: str | None = None


def feed_position_of(post: Post) -> str:
    """Where a published post sorts in every newest-first feed (author, product, following)."""
    assert post.published_at is not None, "only a published post has a feed position"
    return keys.feed_position(feed_time(post.published_at), post.id)


def discover_position(engagement: Engagement, published_at: datetime, post_id: str) -> str:
    return f"{discover_sort_key(engagement, published_at)}#{post_id}"


def queue_position(post: Post) -> str:
    """Oldest first by when the post entered the queue (its last state change)."""
    return keys.feed_position(feed_time(post.updated_at), post.id)


def index_keys(post: Post) -> IndexKeys:
    if post.state is PostState.PUBLISHED:
        assert post.published_at is not None
        return IndexKeys(keys.author_posts(post.author_id), feed_position_of(post),
                         keys.DISCOVER, discover_position(post.engagement, post.published_at, post.id))
    if post.state in QUEUED_STATES:
        return IndexKeys(keys.MODERATION_QUEUE, queue_position(post))
    return IndexKeys()


def index_slot(state: PostState) -> str | None:
    """Which indexes a state puts a post in: the feeds, the review queue, or none."""
    if state is PostState.PUBLISHED:
        return "feeds"
    return "queue" if state in QUEUED_STATES else None


def link_index_keys(post: Post, product_id: str) -> tuple[str | None, str | None]:
    if post.state is not PostState.PUBLISHED:
        return None, None
    return keys.product_posts(product_id), feed_position_of(post)
