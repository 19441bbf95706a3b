"""Feeds' field on catalog's Product: the posts that link it (a product page's buyer shows)."""
from __future__ import annotations

import strawberry

from chalicelib.catalog.published.graphql import Product
from chalicelib.core.graphql.extend import extends
from chalicelib.core.graphql.pagination import BOTH_WAYS, After, Before, First, Last
from chalicelib.feeds import reading as feeds
from chalicelib.feeds.graphql.types import PostConnection, feed_connection


@extends(Product)
@strawberry.type
class ProductPostsFields:
    @strawberry.field(description="Published posts (种草) linking this product, newest first." + BOTH_WAYS)
    def posts(self, first: First = None, after: After = None, last: Last = None,
              before: Before = None) -> PostConnection | None:
        product = self.product.id
        return feed_connection(f"product-posts:{product}", first, after,
                               lambda n, at: feeds.product_feed(product, n, at), last, before)
