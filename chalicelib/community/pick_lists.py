"""Pick lists (拣货单): what the merchant packs for one leader's point in one round, live and exact.

- its lines: the units of each SKU paid for at that point (``PICK#<leader>#…``, at most one per round line):
  ONE Query;
- its orders: the round's paid orders at that point (``PAID#<leader>#<order id>``), a page a Query, each order's
  current state read in ONE BatchGetItem for the page (an order refunded since stays listed, in its state).

Both are written in the transaction that marks a payment paid (community/ordering.py ``add_paid``), so the lines
always equal the sum of the listed orders' lines. The leader sees their own; the round's merchant and operators
any leader's of the round; for anyone else there is no such pick list. No customer's identity is shown: the
leader hands over by pickup code.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from chalicelib.community import keys_rounds as keys
from chalicelib.community import store_rounds
from chalicelib.community.models_rounds import RoundPaidOrderItem, RoundPickedItem
from chalicelib.community.rules_rounds import MAX_LINES, Round
from chalicelib.core.clock import from_iso
from chalicelib.core.errors import NotFound
from chalicelib.core.principal import Principal, Role, require_user
from chalicelib.core.table.batch import batch_get
from chalicelib.core.table.models import TableItem
from chalicelib.core.table.paging import Page, PageRequest, checked_request, query_page
from chalicelib.orders.published.items import ORDER_SK, order_pk, view_of
from chalicelib.orders.published.kinds import OrderView

MAX_PAGE = 100
NO_PICK_LIST = "no such pick list"


@dataclass(frozen=True, slots=True)
class PickLine:
    product_id: str
    sku_id: str
    units: int


@dataclass(frozen=True, slots=True)
class PickOrder:
    order_id: str
    lines: tuple[PickLine, ...]  # as paid
    paid_at: datetime
    order: OrderView | None  # as it is now (None: no longer readable)


@dataclass(frozen=True, slots=True)
class PickList:
    round: Round
    leader_id: str


def may_see(caller: Principal, sold: Round, leader_id: str) -> bool:
    """The leader their own; the round's merchant and operators any leader's."""
    return caller.role is Role.OPERATOR or caller.user_id in (sold.merchant_id, leader_id)


def pick_list(principal: Principal | None, round_id: str, leader_id: str) -> PickList:
    """One GetItem (the round). NOT_FOUND for a round the leader does not serve, or a caller who may not see it."""
    caller = require_user(principal)
    sold = store_rounds.get_round(round_id)
    if sold is None or leader_id not in sold.leader_ids or not may_see(caller, sold, leader_id):
        raise NotFound(NO_PICK_LIST, "roundId")
    return PickList(sold, leader_id)


def pick_lines(pick: PickList) -> list[PickLine]:
    """SKU × units, one strongly consistent Query (a round has at most MAX_LINES lines, so one page holds them)."""
    page = query_page(TableItem, keys.round_pk(pick.round.id), MAX_LINES, forward=True,
                      prefix=keys.picked_prefix(pick.leader_id), kinds=RoundPickedItem, consistent_read=True)
    prefix = keys.picked_prefix(pick.leader_id)
    lines = []
    for item in page.items:
        product_id, sku_id = item.SK[len(prefix):].split("#", 1)
        lines.append(PickLine(product_id, sku_id, int(item.units)))
    return lines


def paid_orders(pick: PickList, request: PageRequest | int, after: str | None = None) -> Page[PickOrder]:
    """Oldest order id first: one strongly consistent Query of the page, and one BatchGetItem of its orders."""
    prefix = keys.paid_orders_prefix(pick.leader_id)
    request = checked_request(request, after, MAX_PAGE, lambda p: p.startswith(prefix) and len(p) <= 200)
    page = query_page(TableItem, keys.round_pk(pick.round.id), request, forward=True, prefix=prefix,
                      kinds=RoundPaidOrderItem, consistent_read=True)
    views: dict[str, OrderView] = {}
    if page.items:
        for found in batch_get((order_pk(item.order_id), ORDER_SK) for item in page.items):
            view = view_of(found)
            if view is not None:
                views[view.id] = view
    return page.map(lambda item: PickOrder(
        item.order_id, tuple(PickLine(line.product_id, line.sku_id, int(line.quantity)) for line in item.lines),
        from_iso(item.paid_at), views.get(item.order_id)))
