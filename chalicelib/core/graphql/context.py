"""What one GraphQL request carries: the verified caller and its DataLoaders.

Loaders live and die with the request, so a batch never mixes callers and a
cache never serves one caller's view to another.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from strawberry.dataloader import DataLoader

from chalicelib.core.settings import Settings
from chalicelib.catalog.rules import Category, Product, Sku
from chalicelib.core.principal import Principal
from chalicelib.catalog import store as catalog_store
from chalicelib.catalog.store import ProductRecord


class Loaders:
    def __init__(self) -> None:
        self.category = DataLoader[str, Category | None](load_fn=self._categories)
        self.category_tree = DataLoader[str, list[Category]](load_fn=self._tree)
        self.product_record = DataLoader[str, ProductRecord | None](load_fn=self._records)
        self.skus = DataLoader[Product, list[Sku]](load_fn=self._skus, cache_key_fn=lambda p: p.id)
        self.product = DataLoader[str, Product | None](load_fn=self._products)
        self.deal = DataLoader[str, Any](load_fn=self._deals)
        self.team_view = DataLoader[str, Any](load_fn=self._team_views)
        self.deal_stock = DataLoader[Any, dict](load_fn=self._deal_stocks, cache_key_fn=lambda d: d.id)
        self.liked = DataLoader[tuple[str, str], bool](load_fn=self._liked)  # (reader, post)

    async def _liked(self, pairs: list[tuple[str, str]]) -> list[bool]:
        """One BatchGetItem of the reader's like items for a page of posts."""
        from chalicelib.feeds import social_store as social

        by_reader: dict[str, set[str]] = {}
        for reader, post in pairs:
            by_reader.setdefault(reader, set()).add(post)
        liked = {reader: social.likes_of(reader, posts) for reader, posts in by_reader.items()}
        return [post in liked[reader] for reader, post in pairs]

    async def _deal_stocks(self, deals: list[Any]) -> list[dict]:
        from chalicelib.groupbuy import store as groupbuy_store

        found = groupbuy_store.deal_stocks(deals)
        return [found.get(d.id, {}) for d in deals]

    async def _products(self, ids: list[str]) -> list[Product | None]:
        found = catalog_store.products_by_id(ids)
        return [found.get(i) for i in ids]

    async def _deals(self, ids: list[str]) -> list[Any]:
        from chalicelib.groupbuy import store as groupbuy_store

        found = groupbuy_store.deals_by_id(ids)
        return [found.get(i) for i in ids]

    async def _team_views(self, ids: list[str]) -> list[Any]:
        from chalicelib.groupbuy import store as groupbuy_store

        return [groupbuy_store.team_with_seats(i) for i in ids]

    async def _categories(self, ids: list[str]) -> list[Category | None]:
        found = catalog_store.categories_by_id(ids)
        return [found.get(i) for i in ids]

    async def _tree(self, keys: list[str]) -> list[list[Category]]:
        tree = catalog_store.category_tree()
        for category in tree:
            self.category.prime(category.id, category)
        return [tree for _ in keys]

    async def _records(self, ids: list[str]) -> list[ProductRecord | None]:
        records = [catalog_store.product_record(i) for i in ids]
        for record in records:
            if record is not None:
                self.skus.prime(record.product, list(record.skus))
        return records

    async def _skus(self, products: list[Product]) -> list[list[Sku]]:
        # Listings prime this loader with one range query per page; what is left
        # (a tag listing, a node lookup) is fetched by key in batches of 100.
        wanted = [(p.id, sku_id) for p in products for sku_id in p.sku_ids]
        found = catalog_store.skus_by_key(wanted) if wanted else {}
        return [[found[(p.id, s)] for s in p.sku_ids if (p.id, s) in found] for p in products]

    def prime_skus(self, skus_by_product: dict[str, list[Sku]], products: Iterable[Product]) -> None:
        for product in products:
            found = skus_by_product.get(product.id, [])
            # Index lag can leave a fresh SKU out of the range query: then load by key.
            if {s.id for s in found} == set(product.sku_ids):
                order = {sku_id: i for i, sku_id in enumerate(product.sku_ids)}
                self.skus.prime(product, sorted(found, key=lambda s: order[s.id]))


@dataclass
class RequestContext:
    settings: Settings
    principal: Principal | None
    request_id: str
    loaders: Loaders = field(default_factory=Loaders)
