"""PynamoDB models of the single table.

One base model owns the table's keys and indexes; each entity is a subclass told
apart by the ``type`` discriminator, so a query over a partition that holds several
entities (a product and its SKUs) comes back as the right classes in one request.
"""
from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    DiscriminatorAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from ..config import settings


class _Meta:
    table_name = settings().table_name
    region = settings().region
    host = settings().dynamodb_endpoint
    # Lambda's own timeout bounds a request; fail fast rather than hang it.
    connect_timeout_seconds = 2
    read_timeout_seconds = 5
    max_retry_attempts = 3


class GSI1(GlobalSecondaryIndex):
    class Meta:
        index_name = "GSI1"
        projection = AllProjection()

    GSI1PK = UnicodeAttribute(hash_key=True)
    GSI1SK = UnicodeAttribute(range_key=True)


class GSI2(GlobalSecondaryIndex):
    class Meta:
        index_name = "GSI2"
        projection = AllProjection()

    GSI2PK = UnicodeAttribute(hash_key=True)
    GSI2SK = UnicodeAttribute(range_key=True)


class TableItem(Model):
    class Meta(_Meta):
        pass

    PK = UnicodeAttribute(hash_key=True)
    SK = UnicodeAttribute(range_key=True)
    type = DiscriminatorAttribute()
    GSI1PK = UnicodeAttribute(null=True)
    GSI1SK = UnicodeAttribute(null=True)
    GSI2PK = UnicodeAttribute(null=True)
    GSI2SK = UnicodeAttribute(null=True)
    gsi1 = GSI1()
    gsi2 = GSI2()


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


class UserItem(TableItem, discriminator="User"):
    user_id = UnicodeAttribute()
    role = UnicodeAttribute()
    display_name = UnicodeAttribute(default="")
    avatar_url = UnicodeAttribute(null=True)
    # Personal data: needed to pay with WeChat (JSAPI payer). Never logged.
    wechat_openid = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()


class IdentityItem(TableItem, discriminator="Identity"):
    user_id = UnicodeAttribute()


class IdempotencyItem(TableItem, discriminator="Idempotency"):
    """A client's idempotency key, written with the effect it guards; expires by TTL."""

    fingerprint = UnicodeAttribute()
    created_at = UnicodeAttribute()
    ttl = NumberAttribute()
