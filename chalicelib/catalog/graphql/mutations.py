"""Catalog mutations: categories (operators), products, SKUs and stock (merchants and operators).
Each takes one ``input`` and returns a payload with ``errors``; resolvers only translate."""
from __future__ import annotations

import strawberry

from chalicelib.catalog import service as catalog_service
from chalicelib.catalog.graphql.types import Category, MediaKind, Product, ProductStatus, Sku
from chalicelib.catalog.rules import Media as DomainMedia
from chalicelib.catalog.rules import SkuAttribute as DomainSkuAttribute
from chalicelib.core.clock import utc_now
from chalicelib.core.graphql.context import Ctx
from chalicelib.core.graphql.errors import UserError, payload_errors
from chalicelib.core.graphql.ids import from_global_id


# ---------- inputs ----------
@strawberry.input
class MediaInput:
    url: str
    kind: MediaKind = MediaKind.IMAGE  # type: ignore[assignment]


@strawberry.input
class SkuAttributeInput:
    name: str
    value: str


@strawberry.input
class SkuInput:
    code: str
    price: int = strawberry.field(description="Minor units (fen).")
    currency: str = "CNY"
    attributes: list[SkuAttributeInput] = strawberry.field(default_factory=list)
    stock: int = 0


@strawberry.input
class CreateCategoryInput:
    name: str
    parent_id: strawberry.ID | None = None


@strawberry.input
class CreateProductInput:
    category_id: strawberry.ID
    name: str
    description: str = ""
    tags: list[str] = strawberry.field(default_factory=list)
    media: list[MediaInput] = strawberry.field(default_factory=list)
    green: bool = False
    skus: list[SkuInput] = strawberry.field(default_factory=list)
    status: ProductStatus = ProductStatus.DRAFT  # type: ignore[assignment]


@strawberry.input
class UpdateProductInput:
    id: strawberry.ID
    name: str | None = None
    description: str | None = None
    category_id: strawberry.ID | None = None
    tags: list[str] | None = None
    media: list[MediaInput] | None = None
    green: bool | None = None
    status: ProductStatus | None = None


@strawberry.input
class ArchiveProductInput:
    id: strawberry.ID


@strawberry.input
class AddSkuInput:
    product_id: strawberry.ID
    sku: SkuInput


@strawberry.input
class UpdateSkuInput:
    id: strawberry.ID
    code: str | None = None
    price: int | None = None
    currency: str | None = None
    attributes: list[SkuAttributeInput] | None = None


@strawberry.input
class SetStockInput:
    sku_id: strawberry.ID
    quantity: int = strawberry.field(description="Units available for sale from now on.")


@strawberry.input
class AdjustStockInput:
    sku_id: strawberry.ID
    delta: int = strawberry.field(description="Units to add (positive) or remove (negative).")
    idempotency_key: str | None = strawberry.field(
        default=None, description="Send the same key when retrying: the adjustment applies once (kept 24 h).")


# ---------- payloads ----------
@strawberry.type
class CategoryPayload:
    category: Category | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ProductPayload:
    product: Product | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class SkuPayload:
    sku: Sku | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


# ---------- translation helpers ----------
def _media(items: list[MediaInput] | None) -> tuple[DomainMedia, ...] | None:
    return None if items is None else tuple(DomainMedia(m.url, m.kind) for m in items)


def _attributes(items: list[SkuAttributeInput] | None) -> tuple[DomainSkuAttribute, ...] | None:
    return None if items is None else tuple(DomainSkuAttribute(a.name, a.value) for a in items)


def _sku_input(sku: SkuInput) -> catalog_service.SkuInput:
    return catalog_service.SkuInput(
        code=sku.code, price=sku.price, currency=sku.currency, attributes=_attributes(sku.attributes) or (),
        stock=sku.stock,
    )


def _product_payload(record: catalog_service.ProductRecord, info: Ctx) -> ProductPayload:
    info.context.loaders.skus.prime(record.product, list(record.skus))
    return ProductPayload(product=Product(product=record.product))


@strawberry.type
class CatalogMutations:
    @strawberry.mutation(description="Operators only.")
    @payload_errors(CategoryPayload)
    def create_category(self, info: Ctx, input: CreateCategoryInput) -> CategoryPayload | None:
        parent = from_global_id(input.parent_id, "Category", "parentId")[0] if input.parent_id is not None else None
        category = catalog_service.create_category(info.context.principal, input.name, parent)
        return CategoryPayload(category=Category(category=category))

    @strawberry.mutation(description="Merchants and operators.")
    @payload_errors(ProductPayload)
    def create_product(self, info: Ctx, input: CreateProductInput) -> ProductPayload | None:
        (category_id,) = from_global_id(input.category_id, "Category", "categoryId")
        new = catalog_service.NewProduct(
            category_id=category_id,
            name=input.name,
            description=input.description,
            tags=tuple(input.tags),
            media=_media(input.media) or (),
            green=input.green,
            skus=tuple(_sku_input(s) for s in input.skus),
            status=input.status,
        )
        return _product_payload(catalog_service.create_product(info.context.principal, new, utc_now()), info)

    @strawberry.mutation(description="Change the fields given; the rest stay as they are.")
    @payload_errors(ProductPayload)
    def update_product(self, info: Ctx, input: UpdateProductInput) -> ProductPayload | None:
        (product_id,) = from_global_id(input.id, "Product")
        category = from_global_id(input.category_id, "Category", "categoryId")[0] if input.category_id is not None else None
        changes = catalog_service.ProductChanges(
            name=input.name,
            description=input.description,
            category_id=category,
            tags=None if input.tags is None else tuple(input.tags),
            media=_media(input.media),
            green=input.green,
            status=input.status,
        )
        record = catalog_service.update_product(info.context.principal, product_id, changes, utc_now())
        return _product_payload(record, info)

    @strawberry.mutation(description="Archived products disappear from listings and cannot be sold again.")
    @payload_errors(ProductPayload)
    def archive_product(self, info: Ctx, input: ArchiveProductInput) -> ProductPayload | None:
        (product_id,) = from_global_id(input.id, "Product")
        return _product_payload(catalog_service.archive_product(info.context.principal, product_id, utc_now()), info)

    @strawberry.mutation
    @payload_errors(SkuPayload)
    def add_sku(self, info: Ctx, input: AddSkuInput) -> SkuPayload | None:
        (product_id,) = from_global_id(input.product_id, "Product", "productId")
        sku = catalog_service.add_sku(info.context.principal, product_id, _sku_input(input.sku), utc_now())
        return SkuPayload(sku=Sku(sku=sku))

    @strawberry.mutation(description="Price, code and attributes. Stock changes through setStock/adjustStock.")
    @payload_errors(SkuPayload)
    def update_sku(self, info: Ctx, input: UpdateSkuInput) -> SkuPayload | None:
        product_id, sku_id = from_global_id(input.id, "Sku")
        changes = catalog_service.SkuChanges(
            code=input.code, price=input.price, currency=input.currency, attributes=_attributes(input.attributes)
        )
        return SkuPayload(sku=Sku(sku=catalog_service.update_sku(info.context.principal, product_id, sku_id, changes)))

    @strawberry.mutation(description="Set the units available for sale (a stock count).")
    @payload_errors(SkuPayload)
    def set_stock(self, info: Ctx, input: SetStockInput) -> SkuPayload | None:
        product_id, sku_id = from_global_id(input.sku_id, "Sku", "skuId")
        return SkuPayload(sku=Sku(sku=catalog_service.set_stock(info.context.principal, product_id, sku_id, input.quantity)))

    @strawberry.mutation(description="Add or remove units (goods received, damaged...); never below zero.")
    @payload_errors(SkuPayload)
    def adjust_stock(self, info: Ctx, input: AdjustStockInput) -> SkuPayload | None:
        product_id, sku_id = from_global_id(input.sku_id, "Sku", "skuId")
        return SkuPayload(sku=Sku(sku=catalog_service.adjust_stock(
            info.context.principal, product_id, sku_id, input.delta, input.idempotency_key, utc_now())))

