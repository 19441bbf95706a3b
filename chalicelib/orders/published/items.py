"""For features that act on orders of any kind after payment (fulfilment, after-sales): the
order's table item as its kind stored it (checkout's ShopOrderItem or group-buy's OrderItem,
both with orders' DeliveryAttributes and a ``state``), so one conditional update on the item's
own class moves either kind."""
from __future__ import annotations

from pynamodb.exceptions import DoesNotExist

from chalicelib.core.table.models import TableItem
from chalicelib.orders import kinds
from chalicelib.orders.store import ORDER_SK, merchant_orders, order_pk, user_orders

__all__ = ["ORDER_SK", "get_order_item", "item_types", "merchant_orders", "order_pk", "user_orders", "view_of"]

item_types = kinds.item_types
view_of = kinds.view_of


def get_order_item(order_id: str) -> TableItem | None:
    """One strongly consistent GetItem; None when missing or not an order of a registered kind."""
    try:
        item = TableItem.get(order_pk(order_id), ORDER_SK, consistent_read=True)
    except DoesNotExist:
        return None
    return item if isinstance(item, kinds.item_types()) else None
