"""Attribution's items: the sales counters and the counted-order marker."""
from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from chalicelib.core.table.models import TableItem


class SourceSalesItem(TableItem, discriminator="SourceSales"):
    """``SALES#MERCHANT#<m>`` or ``SALES#POST#<p>`` / ``<kind>#<currency>``: paid orders and fen, ADDed once
    per order (with its CountedOrderItem)."""

    kind = UnicodeAttribute()  # an order source kind, or NONE
    currency = UnicodeAttribute()
    orders = NumberAttribute(default=0)
    amount = NumberAttribute(default=0)


class CountedOrderItem(TableItem, discriminator="AttributionCounted"):
    """``ATTRIBUTED#<order>`` / ``COUNTED``: this order's sales were added (a redelivered record adds nothing)."""

    order_id = UnicodeAttribute()
    kind = UnicodeAttribute()
    post_id = UnicodeAttribute(null=True)  # the post credited, if one was
    counted_at = UnicodeAttribute()
