"""Distribution items: the join rule, distributors, links (code and dashboard row), their markers, rates."""
from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from chalicelib.core.table.models import TableItem


class DistributionRuleItem(TableItem, discriminator="DistributionRule"):
    mode = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    updated_by = UnicodeAttribute()


class DistributorItem(TableItem, discriminator="Distributor"):
    user_id = UnicodeAttribute()
    state = UnicodeAttribute()
    joined_at = UnicodeAttribute()
    upstream_id = UnicodeAttribute(null=True)  # named once, never changed


class DistributorLinkItem(TableItem, discriminator="DistributorLink"):
    """The distributor's row for one product: its code and counters (visits, paid orders, accrued fen)."""

    user_id = UnicodeAttribute()
    product_id = UnicodeAttribute()
    product_name = UnicodeAttribute()
    code = UnicodeAttribute()
    created_at = UnicodeAttribute()
    visits = NumberAttribute(default=0)
    orders = NumberAttribute(default=0)
    commission = NumberAttribute(default=0)


class LinkCodeItem(TableItem, discriminator="DistributorLinkCode"):
    """``DIST_LINK#<code>``: whose link, for which product."""

    user_id = UnicodeAttribute()
    product_id = UnicodeAttribute()


class LinkMarkItem(TableItem, discriminator="DistributorLinkMark"):
    """A visit or an order already counted on a link (visits expire by TTL after two days)."""

    ttl = NumberAttribute(null=True)


class DistributionRateItem(TableItem, discriminator="DistributionRate"):
    product_id = UnicodeAttribute()
    rate_bp = NumberAttribute()
    updated_at = UnicodeAttribute()
    updated_by = UnicodeAttribute()
