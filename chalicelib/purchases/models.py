"""Purchase items: a product's count of paid orders, and each paid order."""
from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from chalicelib.core.table.models import TableItem


class PurchaseItem(TableItem, discriminator="Purchase"):
    """``PURCHASES#<user>`` / ``PRODUCT#<product>``: paid orders of a product not refunded."""

    paid_orders = NumberAttribute(default=0)


class PurchaseOrderItem(TableItem, discriminator="PurchaseOrder"):
    """``PURCHASES#<user>`` / ``ORDER#<order>``: a paid order not refunded. It guards the
    order's count in its product's PurchaseItem (put with the +1, deleted with the −1,
    each only if absent / present) and is the order history's entry."""

    product_id = UnicodeAttribute()
    created_at = UnicodeAttribute()  # when it was paid (the provider's success time)
    amount = NumberAttribute(default=0)  # what was paid, in fen
