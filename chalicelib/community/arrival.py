"""A delivered batch's paid orders arrive at the leader's point: the table stream's reaction to a batch moving to
DELIVERED. Each page of the leader's PAID# orders (one Query, 100 a page) goes to fulfilment, which moves each order
still TO_SHIP by its own conditional write (one BatchGetItem a page, one UpdateItem an order): a redelivered record
moves nothing twice, an order held by after-sales stays. Each moved order then follows fulfilment's SHIPPED path
(the buyer's message, the timer that completes it at complete_by)."""
from __future__ import annotations

from datetime import datetime

from chalicelib.community import keys_rounds as keys
from chalicelib.community.models_rounds import RoundPaidOrderItem
from chalicelib.core.observability import count
from chalicelib.core.table.models import TableItem
from chalicelib.core.table.paging import query_page
from chalicelib.fulfilment.published.pickup import arrived_at_point

PAGE = 100  # a BatchGetItem's keys


def batch_arrived(round_id: str, leader_id: str, delivered_at: datetime) -> int:
    """How many orders this call moved to SHIPPED."""
    moved, after = 0, None
    while True:
        page = query_page(TableItem, keys.round_pk(round_id), PAGE, after, forward=True,
                          prefix=keys.paid_orders_prefix(leader_id), kinds=RoundPaidOrderItem, consistent_read=True)
        if page.items:
            moved += len(arrived_at_point([item.order_id for item in page.items], delivered_at))
        if not page.has_more:
            break
        after = page.end
    count("CommunityOrdersArrived", moved)
    return moved
