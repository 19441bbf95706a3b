"""After-sales refunds (issue 12): take back a refund's share of an order's points, give
back points spent on the refunded lines, hold an order's points until its return window closes."""
from __future__ import annotations

from chalicelib.points.refunds import give_back_spent, hold_until, reverse_refunded_part, reverse_refunded_products
from chalicelib.points.refunds_store import PartReversal

__all__ = ["PartReversal", "give_back_spent", "hold_until", "reverse_refunded_part", "reverse_refunded_products"]
