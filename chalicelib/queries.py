"""Root queries."""
from __future__ import annotations

import strawberry

from chalicelib.core.errors import InvalidId
from chalicelib.core.principal import require_user
from chalicelib.catalog.graphql.types import (
    Category,
    Ctx,
    Node,
    Product,
    ProductConnection,
    Sku,
    products_in_category,
    products_with_tag,
    visible_product,
)
from chalicelib.core.graphql.ids import from_global_id, parse_global_id
from chalicelib.groupbuy.graphql.queries import GroupBuyQuery, team_by_code
from chalicelib.groupbuy.graphql.types import Deal, Order
from chalicelib.feeds.graphql.mutations import FeedQuery
from chalicelib.mall.graphql.types import MallQuery
from chalicelib.points.graphql.mutations import PointsQuery
from chalicelib.accounts.graphql.types import User


async def _node(info: Ctx, type_name: str, parts: tuple[str, ...]) -> Node | None:
    if type_name == "Product" and len(parts) == 1:
        return await visible_product(info, parts[0])
    if type_name == "Sku" and len(parts) == 2:
        product = await visible_product(info, parts[0])
        if product is None:
            return None
        skus = await info.context.loaders.skus.load(product.product)
        return next((Sku(sku=s) for s in skus if s.id == parts[1]), None)
    if type_name == "Deal" and len(parts) == 1:
        found = await info.context.loaders.deal.load(parts[0])
        return Deal(deal=found) if found else None
    if type_name == "Team" and len(parts) == 1:
        return await team_by_code(info, parts[0])
    if type_name == "Order" and len(parts) == 1:
        from chalicelib.groupbuy import store as groupbuy_store

        order = groupbuy_store.get_order(parts[0])
        principal = info.context.principal
        mine = principal is not None and order is not None and order.user_id == principal.user_id
        return Order(order=order) if mine else None
    if type_name == "Post" and len(parts) == 1:
        from chalicelib.feeds.graphql.types import visible_post

        return visible_post(info, parts[0])
    if type_name == "User" and len(parts) == 1:
        from chalicelib.feeds.graphql.mutations import _author

        return _author(parts[0])
    if type_name in ("MallItem", "MallRedemption") and len(parts) == 1:
        from chalicelib.mall.graphql.types import mall_node

        return await mall_node(info, type_name, parts[0])
    if type_name == "Category" and len(parts) == 1:
        found = await info.context.loaders.category.load(parts[0])
        return Category(category=found) if found else None
    raise InvalidId(f"no object type {type_name!r} is fetched by id", "id")


@strawberry.type
class Query(GroupBuyQuery, PointsQuery, MallQuery, FeedQuery):
    @strawberry.field(description="Any object by its global id; null if it does not exist or is not yours to see.")
    async def node(self, info: Ctx, id: strawberry.ID) -> Node | None:
        type_name, parts = parse_global_id(id)
        return await _node(info, type_name, parts)

    @strawberry.field(description="A product by id; drafts and archived products only for their merchant.")
    async def product(self, info: Ctx, id: strawberry.ID) -> Product | None:
        (product_id,) = from_global_id(id, "Product")
        return await visible_product(info, product_id)

    @strawberry.field(description="Active products of a category, newest first. At most 100 a page.")
    async def products(
        self, info: Ctx, category_id: strawberry.ID, first: int | None = None, after: str | None = None
    ) -> ProductConnection:
        (category,) = from_global_id(category_id, "Category", "categoryId")
        return await products_in_category(info, category, first, after)

    @strawberry.field(description="Active products carrying a tag, newest first. At most 100 a page.")
    async def products_by_tag(
        self, info: Ctx, tag: str, first: int | None = None, after: str | None = None
    ) -> ProductConnection:
        return await products_with_tag(info, tag, first, after)

    @strawberry.field(description="The top of the category tree.")
    async def categories(self, info: Ctx) -> list[Category]:
        tree = await info.context.loaders.category_tree.load("tree")
        return [Category(category=c) for c in tree if c.parent_id is None]

    @strawberry.field
    async def category(self, info: Ctx, id: strawberry.ID) -> Category | None:
        (category_id,) = from_global_id(id, "Category")
        found = await info.context.loaders.category.load(category_id)
        return Category(category=found) if found else None

    @strawberry.field(description="The signed-in caller; an UNAUTHENTICATED error without a token.")
    def me(self, info: Ctx) -> User:
        principal = require_user(info.context.principal)
        return User.signed_in(principal.user_id)
