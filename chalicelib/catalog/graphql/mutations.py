"""Catalog mutations: categories (operators), products, SKUs and stock (merchants and operators).
Each takes one ``input`` and returns a payload with ``errors``; resolvers only translate."""
from __future__ import annotations

from typing import Annotated

import strawberry

from chalicelib.catalog import rules
from chalicelib.catalog import service as catalog_service
from chalicelib.catalog.graphql.types import Category, MediaKind, Product, ProductStatus, Sku
from chalicelib.catalog.rules import Media as DomainMedia
from chalicelib.catalog.rules import SkuAttribute as DomainSkuAttribute
from chalicelib.core.clock import utc_now
from chalicelib.core.graphql.context import Ctx
from chalicelib.core.graphql.errors import UserError, payload_errors
from chalicelib.core.graphql.ids import from_global_id
from chalicelib.core.graphql.money import Currency


# ---------- inputs ----------
def _described(description: str, **default):
    return strawberry.field(description=description, **default)


UNCHANGED = " Omit to leave it as it is."
TAGS = (f"At most {rules.MAX_TAGS}; each 1-24 letters, digits, '-' or '_', kept in lower case "
        "(duplicates dropped).")
MEDIA = f"At most {rules.MAX_MEDIA}, in display order."


@strawberry.input(description="A picture or video of a product.")
class MediaInput:
    url: str = _described("https only; at most 2048 characters.")
    kind: MediaKind = _described("What the URL points to.", default=MediaKind.IMAGE)  # type: ignore[assignment]


@strawberry.input(description="One property that tells a SKU apart, e.g. size: L.")
class SkuAttributeInput:
    name: str = _described("At most 32 characters, e.g. size.")
    value: str = _described("At most 64 characters, e.g. L.")


@strawberry.input(description="A new SKU.")
class SkuInput:
    code: str = _described("The merchant's own code for it; at most 64 characters.")
    price: int = _described("Minor units of the currency (fen for CNY): 1999 is ¥19.99. At least 0.")
    currency: Currency = _described("The price's currency.", default=Currency.CNY)  # type: ignore[valid-type]
    attributes: list[SkuAttributeInput] = _described(
        f"At most {rules.MAX_ATTRIBUTES}, e.g. colour and size.", default_factory=list)
    stock: int = _described(f"Units available for sale at the start: 0 to {rules.MAX_STOCK}.", default=0)


@strawberry.input
class CreateCategoryInput:
    name: str = _described("At most 64 characters.")
    parent_id: strawberry.ID | None = _described("The parent `Category` id; omit for a top-level category.",
                                                 default=None)


@strawberry.input
class CreateProductInput:
    category_id: strawberry.ID = _described("The `Category` id it is listed under.")
    name: str = _described("At most 120 characters.")
    description: str = _described("Plain text; at most 5000 characters.", default="")
    tags: list[str] = _described(TAGS, default_factory=list)
    media: list[MediaInput] = _described(MEDIA, default_factory=list)
    green: bool = _described("A green product earns double points.", default=False)
    skus: list[SkuInput] = _described(f"At most {rules.MAX_SKUS_PER_PRODUCT}; more can be added with addSku.",
                                      default_factory=list)
    status: ProductStatus = _described("DRAFT to prepare it unseen, ACTIVE to sell it at once.",  # type: ignore[assignment]
                                       default=ProductStatus.DRAFT)


@strawberry.input(description="Only the fields given change.")
class UpdateProductInput:
    id: strawberry.ID = _described("The `Product` id.")
    name: str | None = _described("At most 120 characters." + UNCHANGED, default=None)
    description: str | None = _described("Plain text; at most 5000 characters." + UNCHANGED, default=None)
    category_id: strawberry.ID | None = _described("Move it to this `Category` id." + UNCHANGED, default=None)
    tags: list[str] | None = _described(TAGS + " Replaces them all." + UNCHANGED, default=None)
    media: list[MediaInput] | None = _described(MEDIA + " Replaces them all." + UNCHANGED, default=None)
    green: bool | None = _described("A green product earns double points." + UNCHANGED, default=None)
    status: ProductStatus | None = _described("The new status; ARCHIVED is final." + UNCHANGED, default=None)


@strawberry.input
class ArchiveProductInput:
    id: strawberry.ID = _described("The `Product` id.")


@strawberry.input
class AddSkuInput:
    product_id: strawberry.ID = _described("The `Product` id.")
    sku: SkuInput = _described("The new SKU.")


@strawberry.input(description="Only the fields given change.")
class UpdateSkuInput:
    id: strawberry.ID = _described("The `Sku` id.")
    code: str | None = _described("At most 64 characters." + UNCHANGED, default=None)
    price: int | None = _described("Minor units of the currency (fen for CNY). At least 0." + UNCHANGED,
                                   default=None)
    currency: Currency | None = _described("The price's currency." + UNCHANGED, default=None)  # type: ignore[valid-type]
    attributes: list[SkuAttributeInput] | None = _described(
        f"At most {rules.MAX_ATTRIBUTES}; replaces them all." + UNCHANGED, default=None)


@strawberry.input
class SetStockInput:
    sku_id: strawberry.ID = _described("The `Sku` id.")
    quantity: int = _described(f"Units available for sale from now on: 0 to {rules.MAX_STOCK}.")


@strawberry.input
class AdjustStockInput:
    sku_id: strawberry.ID = _described("The `Sku` id.")
    delta: int = _described(f"Units to add (positive) or remove (negative): not 0, at most {rules.MAX_STOCK} "
                            "either way. Stock never goes below zero.")
    idempotency_key: str | None = _described(
        "8-64 letters, digits or -_:. Send the same key when retrying: the adjustment applies once (kept 24 h).",
        default=None)


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
        code=sku.code, price=sku.price, currency=sku.currency.value, attributes=_attributes(sku.attributes) or (),
        stock=sku.stock,
    )


def _product_payload(record: catalog_service.ProductRecord, info: Ctx) -> ProductPayload:
    info.context.loaders.skus.prime(record.product, list(record.skus))
    return ProductPayload(product=Product(product=record.product))


# Each mutation's one argument, described.
CreateCategoryArgument = Annotated[CreateCategoryInput, strawberry.argument(
    description="The category's name and, for a subcategory, its parent.")]
CreateProductArgument = Annotated[CreateProductInput, strawberry.argument(
    description="The product, its SKUs and whether it goes on sale at once.")]
UpdateProductArgument = Annotated[UpdateProductInput, strawberry.argument(
    description="The product's id and the fields to change.")]
ArchiveProductArgument = Annotated[ArchiveProductInput, strawberry.argument(
    description="The product to archive.")]
AddSkuArgument = Annotated[AddSkuInput, strawberry.argument(
    description="The product and its new SKU.")]
UpdateSkuArgument = Annotated[UpdateSkuInput, strawberry.argument(
    description="The SKU's id and the fields to change.")]
SetStockArgument = Annotated[SetStockInput, strawberry.argument(
    description="The SKU and its new stock count.")]
AdjustStockArgument = Annotated[AdjustStockInput, strawberry.argument(
    description="The SKU, the units to add or remove, and a retry key.")]


@strawberry.type
class CatalogMutations:
    @strawberry.mutation(description="Operators only.")
    @payload_errors(CategoryPayload)
    def create_category(self, info: Ctx, input: CreateCategoryArgument) -> CategoryPayload | None:
        parent = from_global_id(input.parent_id, "Category", "parentId")[0] if input.parent_id is not None else None
        category = catalog_service.create_category(info.context.principal, input.name, parent)
        return CategoryPayload(category=Category(category=category))

    @strawberry.mutation(description="Merchants and operators.")
    @payload_errors(ProductPayload)
    def create_product(self, info: Ctx, input: CreateProductArgument) -> ProductPayload | None:
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
    def update_product(self, info: Ctx, input: UpdateProductArgument) -> ProductPayload | None:
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
    def archive_product(self, info: Ctx, input: ArchiveProductArgument) -> ProductPayload | None:
        (product_id,) = from_global_id(input.id, "Product")
        return _product_payload(catalog_service.archive_product(info.context.principal, product_id, utc_now()), info)

    @strawberry.mutation
    @payload_errors(SkuPayload)
    def add_sku(self, info: Ctx, input: AddSkuArgument) -> SkuPayload | None:
        (product_id,) = from_global_id(input.product_id, "Product", "productId")
        sku = catalog_service.add_sku(info.context.principal, product_id, _sku_input(input.sku), utc_now())
        return SkuPayload(sku=Sku(sku=sku))

    @strawberry.mutation(description="Price, code and attributes. Stock changes through setStock/adjustStock.")
    @payload_errors(SkuPayload)
    def update_sku(self, info: Ctx, input: UpdateSkuArgument) -> SkuPayload | None:
        product_id, sku_id = from_global_id(input.id, "Sku")
        changes = catalog_service.SkuChanges(
            code=input.code, price=input.price,
            currency=None if input.currency is None else input.currency.value, attributes=_attributes(input.attributes)
        )
        return SkuPayload(sku=Sku(sku=catalog_service.update_sku(info.context.principal, product_id, sku_id, changes)))

    @strawberry.mutation(description="Set the units available for sale (a stock count).")
    @payload_errors(SkuPayload)
    def set_stock(self, info: Ctx, input: SetStockArgument) -> SkuPayload | None:
        product_id, sku_id = from_global_id(input.sku_id, "Sku", "skuId")
        return SkuPayload(sku=Sku(sku=catalog_service.set_stock(info.context.principal, product_id, sku_id, input.quantity)))

    @strawberry.mutation(description="Add or remove units (goods received, damaged...); never below zero.")
    @payload_errors(SkuPayload)
    def adjust_stock(self, info: Ctx, input: AdjustStockArgument) -> SkuPayload | None:
        product_id, sku_id = from_global_id(input.sku_id, "Sku", "skuId")
        return SkuPayload(sku=Sku(sku=catalog_service.adjust_stock(
            info.context.principal, product_id, sku_id, input.delta, input.idempotency_key, utc_now())))

