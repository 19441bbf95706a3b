"""For order kinds (group-buy, checkout): the view to map their order to and the registry to fill."""
from __future__ import annotations

from chalicelib.orders.kinds import register_kind
from chalicelib.orders.rules import NOT_SHIPPED, Delivery, OrderKind, OrderLineView, OrderState, OrderView, shown_state

__all__ = ["NOT_SHIPPED", "Delivery", "OrderKind", "OrderLineView", "OrderState", "OrderView", "register_kind",
           "shown_state"]
