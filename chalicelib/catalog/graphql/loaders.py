"""Catalog loaders: categories, the tree, products and their SKUs, batched per request."""
from __future__ import annotations

from collections.abc import Iterable

from strawberry.dataloader import DataLoader

from chalicelib.catalog import store as catalog_store
from chalicelib.catalog.rules import Category, Product, Sku
from chalicelib.catalog.store import ProductRecord
from chalicelib.core.graphql.context import Loaders, loader


@loader("category")
def _category(loaders: Loaders) -> DataLoader[str, Category | None]:
    async def load(ids: list[str]) -> list[Category | None]:
        found = catalog_store.categories_by_id(ids)
        return [found.get(i) for i in ids]

    return DataLoader(load_fn=load)


@loader("category_tree")
def _category_tree(loaders: Loaders) -> DataLoader[str, list[Category]]:
    async def load(keys: list[str]) -> list[list[Category]]:
        tree = catalog_store.category_tree()
        for category in tree:
            loaders.category.prime(category.id, category)
        return [tree for _ in keys]

    return DataLoader(load_fn=load)


@loader("product_record")
def _product_record(loaders: Loaders) -> DataLoader[str, ProductRecord | None]:
    async def load(ids: list[str]) -> list[ProductRecord | None]:
        records = [catalog_store.product_record(i) for i in ids]
        for record in records:
            if record is not None:
                loaders.skus.prime(record.product, list(record.skus))
        return records

    return DataLoader(load_fn=load)


@loader("product")
def _product(loaders: Loaders) -> DataLoader[str, Product | None]:
    async def load(ids: list[str]) -> list[Product | None]:
        found = catalog_store.products_by_id(ids)
        return [found.get(i) for i in ids]

    return DataLoader(load_fn=load)


@loader("skus")
def _skus(loaders: Loaders) -> DataLoader[Product, list[Sku]]:
    async def load(products: list[Product]) -> list[list[Sku]]:
        # Listings prime this loader with one range query per page; what is left
        # (a tag listing, a node lookup) is fetched by key in batches of 100.
        wanted = [(p.id, sku_id) for p in products for sku_id in p.sku_ids]
        found = catalog_store.skus_by_key(wanted) if wanted else {}
        return [[found[(p.id, s)] for s in p.sku_ids if (p.id, s) in found] for p in products]

    return DataLoader(load_fn=load, cache_key_fn=lambda p: p.id)


def prime_skus(loaders: Loaders, skus_by_product: dict[str, list[Sku]], products: Iterable[Product]) -> None:
    for product in products:
        found = skus_by_product.get(product.id, [])
        # Index lag can leave a fresh SKU out of the range query: then load by key.
        if {s.id for s in found} == set(product.sku_ids):
            order = {sku_id: i for i, sku_id in enumerate(product.sku_ids)}
            loaders.skus.prime(product, sorted(found, key=lambda s: order[s.id]))
