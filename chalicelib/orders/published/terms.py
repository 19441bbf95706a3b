"""The after-payment terms (auto-completion, return windows, after-sales deadlines), for the features that apply them."""
from __future__ import annotations

from chalicelib.orders.terms import DEFAULT_TERMS, OrderTerms, order_terms

__all__ = ["DEFAULT_TERMS", "OrderTerms", "order_terms"]
