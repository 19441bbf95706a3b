"""Catalog root fields and node lookups: products, categories."""
from __future__ import annotations

from typing import Annotated

import strawberry

from chalicelib.catalog.graphql.types import (
    Category,
    Product,
    ProductConnection,
    Sku,
    products_in_category,
    products_with_tag,
    visible_product,
)
from chalicelib.core.graphql.context import Ctx
from chalicelib.core.graphql.ids import from_global_id
from chalicelib.core.graphql.pagination import BOTH_WAYS, After, Before, First, Last
from chalicelib.core.graphql.relay import node_resolver


@node_resolver("Product")
async def _product_node(info: Ctx, parts: tuple[str, ...]) -> Product | None:
    return await visible_product(info, parts[0])


@node_resolver("Sku", parts=2)
async def _sku_node(info: Ctx, parts: tuple[str, ...]) -> Sku | None:
    product = await visible_product(info, parts[0])
    if product is None:
        return None
    skus = await info.context.loaders.skus.load(product.product)
    return next((Sku(sku=s) for s in skus if s.id == parts[1]), None)


@node_resolver("Category")
async def _category_node(info: Ctx, parts: tuple[str, ...]) -> Category | None:
    found = await info.context.loaders.category.load(parts[0])
    return Category(category=found) if found else None


@strawberry.type
class CatalogQueries:
    @strawberry.field(description="A product by id; drafts and archived products only for their merchant.")
    async def product(
        self, info: Ctx, id: Annotated[strawberry.ID, strawberry.argument(description="A `Product` id.")]
    ) -> Product | None:
        (product_id,) = from_global_id(id, "Product")
        return await visible_product(info, product_id)

    @strawberry.field(description="Active products of a category, newest first. At most 100 a page." + BOTH_WAYS)
    async def products(
        self, info: Ctx,
        category_id: Annotated[strawberry.ID, strawberry.argument(description="A `Category` id.")],
        first: First = None, after: After = None, last: Last = None, before: Before = None,
    ) -> ProductConnection | None:
        (category,) = from_global_id(category_id, "Category", "categoryId")
        return await products_in_category(info, category, first, after, last, before)

    @strawberry.field(description="Active products carrying a tag, newest first. At most 100 a page." + BOTH_WAYS)
    async def products_by_tag(
        self, info: Ctx,
        tag: Annotated[str, strawberry.argument(description="One tag, as on `Product.tags` (1-24 letters, digits, "
                                                            "'-' or '_'); case does not matter.")],
        first: First = None, after: After = None, last: Last = None, before: Before = None,
    ) -> ProductConnection | None:
        return await products_with_tag(info, tag, first, after, last, before)

    @strawberry.field(description="The top of the category tree.")
    async def categories(self, info: Ctx) -> list[Category] | None:
        tree = await info.context.loaders.category_tree.load("tree")
        return [Category(category=c) for c in tree if c.parent_id is None]

    @strawberry.field(description="A category by id.")
    async def category(
        self, info: Ctx, id: Annotated[strawberry.ID, strawberry.argument(description="A `Category` id.")]
    ) -> Category | None:
        (category_id,) = from_global_id(id, "Category")
        return await _category_node(info, (category_id,))
