"""Orders of every kind for their buyer: ``me.orders`` and ``node(id:)``."""
from __future__ import annotations

from chalicelib.core.principal import Principal, require_self
from chalicelib.core.table.paging import Page, PageRequest
from chalicelib.orders import store
from chalicelib.orders.rules import OrderState, OrderView

OWN = "your own orders"


def orders_of(principal: Principal | None, user_id: str, request: PageRequest,
              states: frozenset[OrderState] | None = None) -> Page[OrderView]:
    require_self(principal, user_id, OWN)
    return store.user_orders_page(user_id, request, states)


def own_order(principal: Principal | None, order_id: str) -> OrderView | None:
    """The order if it is the caller's; None otherwise (another's is as good as missing)."""
    if principal is None:
        return None
    order = store.get_order(order_id)
    return order if order is not None and order.user_id == principal.user_id else None
