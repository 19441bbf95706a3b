"""Posts in the single table: the mapping between ``PostItem`` and the domain, and
the batch read every feed ends with. Writes live beside them (publish, edit,
moderate, engage)."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone

from ..domain.catalog import Media, MediaKind
from ..domain.feeds import Engagement, Post, PostContent, PostKind, PostState
from . import keys
from .batch import batch_get
from .feed_models import PostItem, ProductSnapshot


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


def ts(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def dt(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def to_post_view(item: PostItem) -> PostView:
    content = PostContent(
        kind=PostKind(item.kind), body=item.body, title=item.title,
        media=tuple(Media(m.url, MediaKind(m.kind)) for m in item.media or []),
        product_ids=tuple(item.product_ids or []), tags=tuple(item.tags or []), sponsored=bool(item.sponsored),
    )
    post = Post(
        id=item.post_id, author_id=item.author_id, content=content, state=PostState(item.state),
        created_at=dt(item.created_at), updated_at=dt(item.updated_at),
        published_at=dt(item.published_at) if item.published_at else None,
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


def get_post(post_id: str, *, consistent: bool = False) -> PostView | None:
    from pynamodb.exceptions import DoesNotExist

    try:
        return to_post_view(PostItem.get(keys.post_pk(post_id), keys.POST_SK, consistent_read=consistent))
    except DoesNotExist:
        return None


def posts_by_id(post_ids: Iterable[str]) -> dict[str, PostView]:
    """Posts by id, in batches of 100 (one request for a page of up to 100); absent ids are left out."""
    found = batch_get((keys.post_pk(i), keys.POST_SK) for i in post_ids)
    return {item.post_id: to_post_view(item) for item in found if isinstance(item, PostItem)}
