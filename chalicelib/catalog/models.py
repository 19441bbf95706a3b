"""Catalog items: categories, products, SKUs, tag links, stock reservations."""
from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, ListAttribute, MapAttribute, NumberAttribute, UnicodeAttribute

from chalicelib.core.table.models import TableItem


class MediaMap(MapAttribute):
    url = UnicodeAttribute()
    kind = UnicodeAttribute()


class AttributeMap(MapAttribute):
    name = UnicodeAttribute()
    value = UnicodeAttribute()


class CategoryItem(TableItem, discriminator="Category"):
    category_id = UnicodeAttribute()
    name = UnicodeAttribute()
    parent_id = UnicodeAttribute(null=True)


class ProductItem(TableItem, discriminator="Product"):
    product_id = UnicodeAttribute()
    merchant_id = UnicodeAttribute()
    category_id = UnicodeAttribute()
    name = UnicodeAttribute()
    description = UnicodeAttribute(default="")
    status = UnicodeAttribute()
    green = BooleanAttribute(default=False)
    tags = ListAttribute(of=UnicodeAttribute, default=list)
    media = ListAttribute(of=MediaMap, default=list)
    sku_ids = ListAttribute(of=UnicodeAttribute, default=list)
    price_from = NumberAttribute(null=True)  # fen, the lowest SKU price (feed cards read it from here)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    version = NumberAttribute(default=0)


class SkuItem(TableItem, discriminator="Sku"):
    """A SKU and its stock counters, in its product's partition."""

    product_id = UnicodeAttribute()
    sku_id = UnicodeAttribute()
    code = UnicodeAttribute()
    price_amount = NumberAttribute()
    currency = UnicodeAttribute()
    attributes = ListAttribute(of=AttributeMap, default=list)
    available = NumberAttribute(default=0)
    reserved = NumberAttribute(default=0)
    sold = NumberAttribute(default=0)


class ProductTagItem(TableItem, discriminator="ProductTag"):
    """Links a product to a tag; indexed (GSI1) only while the product is active."""

    product_id = UnicodeAttribute()
    tag = UnicodeAttribute()


class ReservationItem(TableItem, discriminator="Reservation"):
    reservation_id = UnicodeAttribute()
    stock_pk = UnicodeAttribute()
    stock_sk = UnicodeAttribute()
    quantity = NumberAttribute()
    state = UnicodeAttribute()
    owner_id = UnicodeAttribute()
    created_at = UnicodeAttribute()
    expires_at = UnicodeAttribute()
    resolved_at = UnicodeAttribute(null=True)
