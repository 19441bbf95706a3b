"""What other features may use of the purchase history."""
from __future__ import annotations

from chalicelib.purchases.service import paid_orders_newest_first
from chalicelib.purchases.store import PaidOrder, is_purchase, purchase_key

__all__ = ["PaidOrder", "is_purchase", "paid_orders_newest_first", "purchase_key"]
