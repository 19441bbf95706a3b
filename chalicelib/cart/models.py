"""Cart items: the header (line count, for the 100-line limit) and one item per line."""
from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute

from chalicelib.core.table.models import TableItem


class CartItem(TableItem, discriminator="Cart"):
    """The cart's header: every write that adds or removes lines changes ``line_count`` in the
    same transaction, conditioned on it, so the limit holds however many adds race."""

    line_count = NumberAttribute(default=0)
    updated_at = UnicodeAttribute(null=True)


class CartLineItem(TableItem, discriminator="CartLine"):
    product_id = UnicodeAttribute()
    sku_id = UnicodeAttribute()
    quantity = NumberAttribute()
    selected = BooleanAttribute(default=True)
    unit_price_when_added = NumberAttribute()  # fen
    added_at = UnicodeAttribute()
