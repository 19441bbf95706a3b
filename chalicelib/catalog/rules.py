"""Catalog rules: categories, products (SPU), SKUs and their validation."""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from enum import Enum

from chalicelib.core.errors import ValidationFailed
from chalicelib.core.money import Money, require_whole

MAX_SKUS_PER_PRODUCT = 50  # all SKUs and the product fit one transaction (≤100 items)
MAX_TAGS = 10
MAX_MEDIA = 9
MAX_ATTRIBUTES = 5
MAX_STOCK = 10_000_000
TAG_PATTERN = re.compile(r"^[\w\u4e00-\u9fff-]{1,24}$")


class ProductStatus(Enum):
    DRAFT = "DRAFT"
    ACTIVE = "ACTIVE"
    ARCHIVED = "ARCHIVED"


class MediaKind(Enum):
    IMAGE = "IMAGE"
    VIDEO = "VIDEO"


@dataclass(frozen=True, slots=True)
class Media:
    url: str
    kind: MediaKind = MediaKind.IMAGE


@dataclass(frozen=True, slots=True)
class Category:
    id: str
    name: str
    parent_id: str | None = None


@dataclass(frozen=True, slots=True)
class SkuAttribute:
    name: str
    value: str


@dataclass(frozen=True, slots=True)
class Stock:
    """Counters of one stock item. ``available`` can be reserved; ``reserved`` is held
    by unpaid reservations; ``sold`` was committed. None of them is ever negative."""

    available: int = 0
    reserved: int = 0
    sold: int = 0


@dataclass(frozen=True, slots=True)
class Sku:
    id: str
    product_id: str
    code: str
    price: Money
    attributes: tuple[SkuAttribute, ...] = ()
    stock: Stock = field(default_factory=Stock)


@dataclass(frozen=True, slots=True)
class Product:
    id: str
    merchant_id: str
    category_id: str
    name: str
    description: str = ""
    status: ProductStatus = ProductStatus.DRAFT
    green: bool = False
    tags: tuple[str, ...] = ()
    media: tuple[Media, ...] = ()
    sku_ids: tuple[str, ...] = ()
    created_at: str = ""
    updated_at: str = ""
    # Fen, the lowest price among its SKUs ("from ¥9.90"), kept by every write that
    # adds SKUs or changes a price, so a feed card snapshots it from the product item
    # alone. None without SKUs (and on products written before it existed).
    price_from: int | None = None

    @property
    def is_visible_to_customers(self) -> bool:
        return self.status is ProductStatus.ACTIVE


def lowest_price(skus: Iterable[Sku]) -> int | None:
    """A product's ``price_from``: the lowest SKU price in fen, None without SKUs.

    Amounts are compared as they are, without conversion: the storefront prices in
    CNY. (Nothing yet stops a merchant from pricing one SKU in another currency;
    such a product's from-price would mix units.)"""
    amounts = [sku.price.amount for sku in skus]
    return min(amounts) if amounts else None


def clean_text(value: object, field: str, *, max_length: int, required: bool = True) -> str:
    if not isinstance(value, str):
        raise ValidationFailed("must be text", field)
    value = value.strip()
    if required and not value:
        raise ValidationFailed("must not be empty", field)
    if len(value) > max_length:
        raise ValidationFailed(f"must be at most {max_length} characters", field)
    return value


def clean_tags(tags: list[str] | tuple[str, ...], field: str = "tags") -> tuple[str, ...]:
    if len(tags) > MAX_TAGS:
        raise ValidationFailed(f"at most {MAX_TAGS} tags", field)
    cleaned: list[str] = []
    for i, tag in enumerate(tags):
        tag = tag.strip().lower()
        if not TAG_PATTERN.match(tag):
            raise ValidationFailed("a tag is 1-24 letters, digits, '-' or '_'", f"{field}.{i}")
        if tag not in cleaned:
            cleaned.append(tag)
    return tuple(cleaned)


def clean_media(media: list[Media] | tuple[Media, ...], field: str = "media") -> tuple[Media, ...]:
    if len(media) > MAX_MEDIA:
        raise ValidationFailed(f"at most {MAX_MEDIA} media items", field)
    cleaned = []
    for i, item in enumerate(media):
        url = clean_text(item.url, f"{field}.{i}.url", max_length=2048)
        if not url.startswith("https://") or len(url) <= len("https://"):
            raise ValidationFailed("media URLs must use https", f"{field}.{i}.url")
        cleaned.append(Media(url, item.kind))
    return tuple(cleaned)


def clean_attributes(attributes: list[SkuAttribute] | tuple[SkuAttribute, ...], field: str) -> tuple[SkuAttribute, ...]:
    if len(attributes) > MAX_ATTRIBUTES:
        raise ValidationFailed(f"at most {MAX_ATTRIBUTES} attributes", field)
    names: set[str] = set()
    cleaned = []
    for i, attr in enumerate(attributes):
        name = clean_text(attr.name, f"{field}.{i}.name", max_length=32)
        value = clean_text(attr.value, f"{field}.{i}.value", max_length=64)
        if name in names:
            raise ValidationFailed(f"attribute {name!r} is given twice", f"{field}.{i}.name")
        names.add(name)
        cleaned.append(SkuAttribute(name, value))
    return tuple(cleaned)


def clean_stock_quantity(value: object, field: str) -> int:
    return require_whole(value, field, minimum=0, maximum=MAX_STOCK)


def clean_stock_delta(value: object, field: str) -> int:
    delta = require_whole(value, field, minimum=-MAX_STOCK, maximum=MAX_STOCK)
    if delta == 0:
        raise ValidationFailed("must not be zero", field)
    return delta


def clean_reserve_quantity(value: object, field: str = "quantity") -> int:
    return require_whole(value, field, minimum=1, maximum=MAX_STOCK)


# Archived is terminal: an archived product's id stays resolvable for old orders
# and posts, but it never sells again (a merchant creates a new product instead).
_TRANSITIONS = {
    ProductStatus.DRAFT: {ProductStatus.ACTIVE, ProductStatus.ARCHIVED},
    ProductStatus.ACTIVE: {ProductStatus.DRAFT, ProductStatus.ARCHIVED},
    ProductStatus.ARCHIVED: set(),
}


def change_status(product: Product, status: ProductStatus) -> Product:
    if status is product.status:
        return product
    if status not in _TRANSITIONS[product.status]:
        raise ValidationFailed(f"a {product.status.value.lower()} product cannot become {status.value.lower()}", "status")
    if status is ProductStatus.ACTIVE and not product.sku_ids:
        raise ValidationFailed("a product needs at least one SKU to be active", "status")
    return replace(product, status=status)
