"""For after-sales: its writes on an order of either kind, and the order as any kind reads."""
from __future__ import annotations

from chalicelib.orders.after_sales import add_check_state, add_refunded, add_release_hold
from chalicelib.orders.store import get_order

__all__ = ["add_check_state", "add_refunded", "add_release_hold", "get_order"]
