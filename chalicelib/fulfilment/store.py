"""Orders of either kind in the table, as fulfilment moves them: each move is ONE conditional
UpdateItem on the order's own item (checkout's ShopOrderItem or group-buy's OrderItem: the same
``state`` and DeliveryAttributes), so the condition, not an earlier read, decides who wins.

A merchant's orders are one GSI2 partition, ``MERCHANT#<merchant>#ORDERS`` / ``<order id>``:
a regular order is listed there when placed, a group-buy order when its team succeeds."""
from __future__ import annotations

from datetime import datetime

from chalicelib.addresses.published.checkout import ShippingAddress
from chalicelib.addresses.published.models import address_map
from chalicelib.core.clock import iso
from chalicelib.core.table.conditional import update_if
from chalicelib.core.table.models import TableItem
from chalicelib.core.table.paging import Page, PageRequest, query_page
from chalicelib.fulfilment.rules import Completion, Shipment
from chalicelib.orders.published.items import get_order_item, item_types, merchant_orders, view_of
from chalicelib.orders.published.kinds import OrderState, OrderView

__all__ = ["complete", "get_order_item", "merchant_orders_page", "set_address", "ship", "view_of"]

# A buyer may still choose where an order ships until it is shipped.
ADDRESSABLE = (OrderState.AWAITING_PAYMENT, OrderState.PAID_AWAITING_TEAM, OrderState.TO_SHIP)


def merchant_orders_page(merchant_id: str, request: PageRequest, bounds: tuple[str, str] | None,
                         states: frozenset[OrderState] | None) -> Page[OrderView]:
    """Newest first, ONE Query whatever the range: ``bounds`` (order ids: the creation times'
    first and last ids) are the key condition; ``states`` filters the orders read, as me.orders does."""
    page = query_page(TableItem.gsi2, merchant_orders(merchant_id), request, kinds=item_types(), bounds=bounds)
    views = page.map(view_of)
    return views if states is None else views.keep(lambda v: v.state in states)


def ship(item: TableItem, shipment: Shipment, merchant_id: str | None) -> bool:
    """TO_SHIP → SHIPPED, if the order still is TO_SHIP, has an address, no refund request holds
    it (after-sales), and (a merchant shipping) is that merchant's. ``item`` is refreshed as the
    write left it."""
    kind = type(item)
    condition = (kind.state == OrderState.TO_SHIP.value) & kind.address.exists() & kind.after_sales_hold.does_not_exist()
    if merchant_id is not None:
        condition &= kind.merchant_id == merchant_id
    return update_if(item, [
        kind.state.set(OrderState.SHIPPED.value), kind.shipped_at.set(iso(shipment.shipped_at)),
        kind.carrier.set(shipment.carrier), kind.tracking_no.set(shipment.tracking_no),
        kind.complete_by.set(iso(shipment.complete_by)),
    ], condition)


def complete(item: TableItem, completion: Completion, *, buyer_id: str | None = None,
             due_at: datetime | None = None) -> bool:
    """SHIPPED → COMPLETED, once: by its buyer (``buyer_id``), or by the timer when its
    complete_by has come (``due_at``: now)."""
    kind = type(item)
    condition = kind.state == OrderState.SHIPPED.value
    if buyer_id is not None:
        condition &= kind.user_id == buyer_id
    if due_at is not None:
        condition &= kind.complete_by <= iso(due_at)
    return update_if(item, completion_actions(kind, completion), condition)


def completion_actions(kind: type[TableItem], completion: Completion) -> list:
    """COMPLETED, and the return windows it opens."""
    return [kind.state.set(OrderState.COMPLETED.value), kind.completed_at.set(iso(completion.completed_at)),
            kind.returns_until.set(iso(completion.returns_until)),
            kind.after_sales_until.set(iso(completion.after_sales_until))]


def set_address(item: TableItem, address: ShippingAddress, buyer_id: str) -> bool:
    """The order's address snapshot, by its buyer, while it is not shipped yet."""
    kind = type(item)
    condition = (kind.user_id == buyer_id) & kind.state.is_in(*(s.value for s in ADDRESSABLE))
    return update_if(item, [kind.address.set(address_map(address))], condition)
