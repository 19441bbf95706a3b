"""PynamoDB models of the single table.

One base model owns the table's keys and indexes; each entity is a subclass told
apart by the ``type`` discriminator, so a query over a partition that holds several
entities (a product and its SKUs) comes back as the right classes in one request.
Each feature declares its items in its own ``models.py``; chalicelib/models.py
imports them all, so no discriminator is ever unknown for want of an import.
"""
from __future__ import annotations

from pynamodb.attributes import (
    DiscriminatorAttribute,
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


class IdempotencyItem(TableItem, discriminator="Idempotency"):
    """A client's idempotency key, written with the effect it guards; expires by TTL."""

    fingerprint = UnicodeAttribute()
    result_id = UnicodeAttribute(null=True)  # what the first request created (an order id...)
    created_at = UnicodeAttribute()
    ttl = NumberAttribute()


class PersistedQueryItem(TableItem, discriminator="PersistedQuery"):
    """A query text registered by Apollo's automatic persisted queries, keyed by its sha256.

    Content-addressed, so written once (if absent) and never updated; expires by TTL so
    queries no client sends any more do not stay forever (a client re-registers on a miss)."""

    query = UnicodeAttribute()
    created_at = UnicodeAttribute()
    ttl = NumberAttribute()
