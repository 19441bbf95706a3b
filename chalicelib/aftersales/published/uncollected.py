"""For the root assembly: the system refunds an order for pickup in full (not collected in time in a round that
refunds those; its round cancelled)."""
from __future__ import annotations

from chalicelib.aftersales.compensation import refund_pickup, refund_uncollected
from chalicelib.aftersales.rules import AfterSalesInProgress, Reason

__all__ = ["AfterSalesInProgress", "Reason", "refund_pickup", "refund_uncollected"]
