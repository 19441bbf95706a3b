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

from chalicelib.core.settings import settings


class _Meta:
    table_name = settings().table_name
    region = settings().region
    host = settings().dynamodb_endpoint
    # Lambda's own timeout bounds a request; fail fast rather than hang it.
    connect_timeout_seconds = settings().dynamodb_connect_timeout_seconds
    max_pool_connections = 32  # one in Lambda; the dev server and tests run many threads
    read_timeout_seconds = settings().dynamodb_read_timeout_seconds
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
    result_id = UnicodeAttribute(null=True)  # what the first request created (an order id...)
    created_at = UnicodeAttribute()
    ttl = NumberAttribute()


class DealItem(TableItem, discriminator="Deal"):
    deal_id = UnicodeAttribute()
    merchant_id = UnicodeAttribute()
    product_id = UnicodeAttribute()
    prices = ListAttribute(of=MapAttribute, default=list)  # [{sku_id, amount}]
    currency = UnicodeAttribute()
    stock = MapAttribute(default=dict)  # allotted units by sku id, as created
    team_size = NumberAttribute()
    team_lifetime_seconds = NumberAttribute()
    payment_window_seconds = NumberAttribute()
    per_user_limit = NumberAttribute()
    virtual_min_paid = NumberAttribute(null=True)
    starts_at = UnicodeAttribute()
    ends_at = UnicodeAttribute()
    created_at = UnicodeAttribute()
    ended = BooleanAttribute(default=False)


class DealStockItem(TableItem, discriminator="DealStock"):
    """A deal's allotment of one SKU: the same counters as a SKU's stock."""

    deal_id = UnicodeAttribute()
    sku_id = UnicodeAttribute()
    available = NumberAttribute(default=0)
    reserved = NumberAttribute(default=0)
    sold = NumberAttribute(default=0)


class DealBuyerItem(TableItem, discriminator="DealBuyer"):
    """Units one user holds or bought in a deal: the per-user limit's counter."""

    units = NumberAttribute(default=0)


class TeamItem(TableItem, discriminator="Team"):
    team_id = UnicodeAttribute()
    deal_id = UnicodeAttribute()
    product_id = UnicodeAttribute()
    leader_id = UnicodeAttribute()
    state = UnicodeAttribute()
    taken = NumberAttribute(default=0)  # seats held + paid: never above size
    paid = NumberAttribute(default=0)
    size = NumberAttribute()
    prices = ListAttribute(of=MapAttribute, default=list)
    currency = UnicodeAttribute()
    payment_window_seconds = NumberAttribute()
    per_user_limit = NumberAttribute()
    virtual_min_paid = NumberAttribute(null=True)
    completed_virtually = BooleanAttribute(default=False)
    opened_at = UnicodeAttribute()
    expires_at = UnicodeAttribute()
    closed_at = UnicodeAttribute(null=True)


class SeatItem(TableItem, discriminator="Seat"):
    team_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    order_id = UnicodeAttribute()
    state = UnicodeAttribute()
    is_leader = BooleanAttribute(default=False)
    # Public profile only (shown to other members): never phone, openid or address.
    display_name = UnicodeAttribute(default="")
    avatar_url = UnicodeAttribute(null=True)
    joined_at = UnicodeAttribute()


class OrderItem(TableItem, discriminator="Order"):
    order_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    team_id = UnicodeAttribute()
    deal_id = UnicodeAttribute()
    product_id = UnicodeAttribute()
    sku_id = UnicodeAttribute()
    quantity = NumberAttribute()
    amount = NumberAttribute()
    currency = UnicodeAttribute()
    state = UnicodeAttribute()
    created_at = UnicodeAttribute()
    pay_by = UnicodeAttribute()
    paid_at = UnicodeAttribute(null=True)
    transaction_id = UnicodeAttribute(null=True)
    captured = NumberAttribute(default=0)
    refunded = NumberAttribute(default=0)
    refund_attempt = NumberAttribute(default=0)
    refund_error = UnicodeAttribute(null=True)
    points_used = NumberAttribute(default=0)
    discount = NumberAttribute(default=0)
