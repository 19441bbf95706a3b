"""Orders of every kind in the table: one GetItem for an order, one Query for a user's orders."""
from __future__ import annotations

from pynamodb.exceptions import DoesNotExist

from chalicelib.core.table.models import TableItem
from chalicelib.core.table.paging import Page, PageRequest, query_page
from chalicelib.orders import kinds
from chalicelib.orders.rules import OrderState, OrderView

ORDER_SK = "ORDER"


def order_pk(order_id: str) -> str:
    """Every kind shares ``ORDER#<id>``/``ORDER`` (the item's type tells them apart)."""
    return f"ORDER#{order_id}"


def user_orders(user_id: str) -> str:
    """GSI1 partition: a user's orders of every kind (sort key: the order id, a ULID)."""
    return f"USER#{user_id}#ORDERS"


def merchant_orders(merchant_id: str) -> str:
    """GSI2 partition: a merchant's shippable orders of every kind (sort key: the order id)."""
    return f"MERCHANT#{merchant_id}#ORDERS"


def get_order(order_id: str) -> OrderView | None:
    try:
        item = TableItem.get(order_pk(order_id), ORDER_SK, consistent_read=True)
    except DoesNotExist:
        return None
    return kinds.view_of(item)


def user_orders_page(user_id: str, request: PageRequest,
                     states: frozenset[OrderState] | None = None) -> Page[OrderView]:
    """Newest first, every kind in ONE Query. The state filter is applied to the items read,
    not in the key: a page reads ``size`` orders and shows those in ``states``; its end cursor is
    the last order read, so a page of no match still moves on (never stalls; a short or empty
    page with hasNextPage true means: read on)."""
    page = query_page(TableItem.gsi1, user_orders(user_id), request, kinds=kinds.item_types())
    views = page.map(kinds.view_of)
    return views if states is None else views.keep(lambda v: v.state in states)
