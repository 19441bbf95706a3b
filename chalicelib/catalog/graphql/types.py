"""Catalog types: Category, Product, Sku, and their connections."""
from __future__ import annotations

from datetime import datetime

import strawberry

from chalicelib.catalog import rules as domain
from chalicelib.catalog import service as catalog_service
from chalicelib.catalog import store as catalog_store
from chalicelib.catalog.graphql.loaders import prime_skus
from chalicelib.core.clock import from_iso
from chalicelib.core.graphql.connection import connection
from chalicelib.core.graphql.context import Ctx
from chalicelib.core.graphql.enums import described_enum
from chalicelib.core.graphql.ids import to_global_id
from chalicelib.core.graphql.money import Money
from chalicelib.core.graphql.pagination import BOTH_WAYS, After, Before, First, Last, PageInfo, page_request
from chalicelib.core.graphql.relay import Node
from chalicelib.core.table.paging import Page

ProductStatus = described_enum(domain.ProductStatus, name="ProductStatus", values={
    "DRAFT": "Being prepared: seen only by its merchant and operators, not for sale.",
    "ACTIVE": "Listed and for sale.",
    "ARCHIVED": "Withdrawn for good: out of every listing, never sold again.",
})
MediaKind = described_enum(domain.MediaKind, name="MediaKind", values={
    "IMAGE": "A picture.",
    "VIDEO": "A video.",
})


@strawberry.type
class Media:
    url: str
    kind: MediaKind


@strawberry.type
class SkuAttribute:
    name: str
    value: str


@strawberry.type(description="Stock counters of a SKU. Available units can be bought now.")
class Stock:
    available: int
    reserved: int
    sold: int


@strawberry.type(description="A purchasable variant of a product (colour, size...).")
class Sku(Node):
    sku: strawberry.Private[domain.Sku]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("Sku", self.sku.product_id, self.sku.id))

    @strawberry.field
    def code(self) -> str:
        return self.sku.code

    @strawberry.field
    def price(self) -> Money:
        return Money(amount=self.sku.price.amount, currency=self.sku.price.currency)

    @strawberry.field
    def attributes(self) -> list[SkuAttribute]:
        return [SkuAttribute(name=a.name, value=a.value) for a in self.sku.attributes]

    @strawberry.field
    def stock(self) -> Stock:
        s = self.sku.stock
        return Stock(available=s.available, reserved=s.reserved, sold=s.sold)

    @strawberry.field(description="True while at least one unit can be bought.")
    def in_stock(self) -> bool:
        return self.sku.stock.available > 0


@strawberry.type
class Category(Node):
    category: strawberry.Private[domain.Category]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("Category", self.category.id))

    @strawberry.field
    def name(self) -> str:
        return self.category.name

    @strawberry.field
    async def parent(self, info: Ctx) -> Category | None:
        if self.category.parent_id is None:
            return None
        found = await info.context.loaders.category.load(self.category.parent_id)
        return Category(category=found) if found else None

    @strawberry.field
    async def children(self, info: Ctx) -> list[Category]:
        tree = await info.context.loaders.category_tree.load("tree")
        return [Category(category=c) for c in tree if c.parent_id == self.category.id]

    @strawberry.field(description="Active products of this category, newest first." + BOTH_WAYS)
    async def products(self, info: Ctx, first: First = None, after: After = None, last: Last = None,
                       before: Before = None) -> ProductConnection | None:
        return await products_in_category(info, self.category.id, first, after, last, before)


@strawberry.type(description="A product (SPU) with its SKUs.")
class Product(Node):
    product: strawberry.Private[domain.Product]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("Product", self.product.id))

    @strawberry.field
    def name(self) -> str:
        return self.product.name

    @strawberry.field
    def description(self) -> str:
        return self.product.description

    @strawberry.field
    def status(self) -> ProductStatus:
        return self.product.status

    @strawberry.field(description="A green product earns double points.")
    def green(self) -> bool:
        return self.product.green

    @strawberry.field
    def tags(self) -> list[str]:
        return list(self.product.tags)

    @strawberry.field
    def media(self) -> list[Media]:
        return [Media(url=m.url, kind=m.kind) for m in self.product.media]

    @strawberry.field
    def created_at(self) -> datetime:
        return from_iso(self.product.created_at)

    @strawberry.field
    async def category(self, info: Ctx) -> Category | None:
        found = await info.context.loaders.category.load(self.product.category_id)
        return Category(category=found) if found else None

    @strawberry.field
    async def skus(self, info: Ctx) -> list[Sku]:
        return [Sku(sku=s) for s in await info.context.loaders.skus.load(self.product)]

    @strawberry.field(description="Lowest and highest SKU price; null without SKUs.")
    async def price_range(self, info: Ctx) -> PriceRange | None:
        skus = await info.context.loaders.skus.load(self.product)
        if not skus:
            return None
        prices = sorted(s.price.amount for s in skus)
        currency = skus[0].price.currency
        return PriceRange(start=Money(amount=prices[0], currency=currency),
                          stop=Money(amount=prices[-1], currency=currency))


@strawberry.type
class PriceRange:
    start: Money
    stop: Money


@strawberry.type
class ProductEdge:
    node: Product
    cursor: str


@strawberry.type
class ProductConnection:
    edges: list[ProductEdge]
    page_info: PageInfo


def connection_of(scope: str, page: Page[domain.Product]) -> ProductConnection:
    return connection(ProductConnection, ProductEdge, scope, page, lambda p: Product(product=p))


async def products_in_category(info: Ctx, category_id: str, first: int | None, after: str | None,
                               last: int | None = None, before: str | None = None) -> ProductConnection:
    scope = f"category:{category_id}"
    page = catalog_store.active_products_in_category(category_id, page_request(scope, first, after, last, before))
    if page.items and _selects_skus(info):
        skus = catalog_store.skus_of_category_page(category_id, page.items)
        prime_skus(info.context.loaders, skus, page.items)
    return connection_of(scope, page)


async def products_with_tag(info: Ctx, tag: str, first: int | None, after: str | None, last: int | None = None,
                            before: str | None = None) -> ProductConnection:
    tag = domain.clean_tags([tag], "tag")[0]
    scope = f"tag:{tag}"
    page = catalog_store.active_products_with_tag(tag, page_request(scope, first, after, last, before))
    return connection_of(scope, page)


def _selects_skus(info: Ctx) -> bool:
    """Whether the query asks for SKUs of the listed products (don't read them otherwise)."""
    wanted = {"skus", "priceRange"}

    def walk(selections) -> bool:
        for selection in selections:
            if getattr(selection, "name", None) in wanted:
                return True
            if walk(getattr(selection, "selections", ()) or ()):
                return True
        return False

    return walk(info.selected_fields)


async def visible_product(info: Ctx, product_id: str) -> Product | None:
    record = await info.context.loaders.product_record.load(product_id)
    if record is None or not catalog_service.can_see(info.context.principal, record.product):
        return None
    return Product(product=record.product)



async def sku_of(info: Ctx, product_id: str, sku_id: str) -> Sku | None:
    """A SKU by its product and id, through the request's loaders (one batch for a page of them);
    None when its product is gone."""
    product = await info.context.loaders.product.load(product_id)
    if product is None:
        return None
    skus = await info.context.loaders.skus.load(product)
    return next((Sku(sku=s) for s in skus if s.id == sku_id), None)
