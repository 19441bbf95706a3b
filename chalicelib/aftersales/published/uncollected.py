"""For the delivery timer: refund an order for pickup nobody collected in time, when its round says so."""
from __future__ import annotations

from chalicelib.aftersales.compensation import refund_uncollected
from chalicelib.aftersales.rules import AfterSalesInProgress

__all__ = ["AfterSalesInProgress", "refund_uncollected"]
