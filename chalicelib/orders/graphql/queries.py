"""``node(id:)`` for an order of any kind: its buyer's only (null for anyone else)."""
from __future__ import annotations

from chalicelib.core.graphql.context import Ctx
from chalicelib.core.graphql.relay import node_resolver
from chalicelib.orders import service
from chalicelib.orders.graphql.types import Order


@node_resolver("Order")
def _order_node(info: Ctx, parts: tuple[str, ...]) -> Order | None:
    order = service.own_order(info.context.principal, parts[0])
    return None if order is None else Order(view=order)
