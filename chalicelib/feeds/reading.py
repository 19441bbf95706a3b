"""Content feed reads (种草): following, author profile, product, discover.

Author and product feeds also page backwards (a backward ``PageRequest``: the page
before a position, same request counts); following and discover are forward only.

Each returns a ``FeedPage``: up to ``first`` (1..100) published posts newest first
(discover: highest score first), each a ``PostView`` with the author and product
snapshots a card needs, ``has_more``, and ``position``, an opaque string to pass back
as ``after`` for the next page (the API signs it into a cursor scoped to the feed
and, for the following feed, to the reader). Requests per page, whatever its size:
following 3 for a reader who follows no big author (+1 Query per big author
followed), author 1, product 2, discover 1 (see feed_store.py).

The following feed shows the posts of the authors the reader follows and the
reader's own posts (pulled from their own author feed at read time, so a new post
is there as soon as it is published, without waiting for the fan-out).
"""
from __future__ import annotations

from chalicelib.core.errors import InvalidCursor, InvalidId, PageSizeExceeded
from chalicelib.core.ids import is_id
from chalicelib.core.principal import Principal, require_user
from chalicelib.core.table.paging import Page, PageRequest, as_request
from chalicelib.feeds import feed_store as store
from chalicelib.feeds.feed_store import FeedPage
from chalicelib.feeds.post_items import PostView

MAX_PAGE = store.MAX_PAGE
DEFAULT_PAGE = 20

__all__ = ["FeedPage", "author_feed", "discover_feed", "following_feed", "product_feed"]


def following_feed(principal: Principal | None, first: int = DEFAULT_PAGE, after: str | None = None) -> FeedPage:
    """The signed-in reader's following feed."""
    reader = require_user(principal)
    return store.following_page(reader.user_id, _size(first), _after(after))


def author_feed(author_id: str, first: int | PageRequest = DEFAULT_PAGE,
                after: str | None = None) -> FeedPage | Page[PostView]:
    """An author's published posts (their profile); a backward ``PageRequest`` gives
    the page before a position (a ``Page`` in the same newest-first order)."""
    if isinstance(first, PageRequest) and first.backward:
        _size(first.size, "last")
        return store.author_page_backward(_id(author_id, "authorId"), first)
    request = as_request(first, after)
    return store.author_page(_id(author_id, "authorId"), _size(request.size), _after(request.after))


def product_feed(product_id: str, first: int | PageRequest = DEFAULT_PAGE,
                 after: str | None = None) -> FeedPage | Page[PostView]:
    """Published posts that link a product (for its page); backward as ``author_feed``."""
    if isinstance(first, PageRequest) and first.backward:
        _size(first.size, "last")
        return store.product_page_backward(_id(product_id, "productId"), first)
    request = as_request(first, after)
    return store.product_page(_id(product_id, "productId"), _size(request.size), _after(request.after))


def discover_feed(first: int = DEFAULT_PAGE, after: str | None = None) -> FeedPage:
    """Published posts by engagement with time decay (feeds.ranking.discover_score)."""
    return store.discover_page(_size(first), _after(after))


def _size(first: int, field: str = "first") -> int:
    if isinstance(first, bool) or not isinstance(first, int) or not 1 <= first <= MAX_PAGE:
        raise PageSizeExceeded(f"{field} must be between 1 and {MAX_PAGE}", field)
    return first


def _after(after: str | None) -> str | None:
    if after is not None and (not isinstance(after, str) or not after):
        raise InvalidCursor("this cursor is not valid", "after")
    return after


def _id(value: str, field: str) -> str:
    if not isinstance(value, str) or not is_id(value):
        raise InvalidId("not a valid id", field)
    return value
