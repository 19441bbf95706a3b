"""The after-payment terms every order kind follows (fulfilment, after-sales read them)."""
from __future__ import annotations

from chalicelib.orders.terms import OrderTerms, order_terms

__all__ = ["OrderTerms", "order_terms"]
