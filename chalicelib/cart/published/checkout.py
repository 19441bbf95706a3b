"""The cart for checkout: the customer's selected lines, and their removal inside the order's transaction.

- ``selected_lines(user_id)``: the selected lines, oldest first. ONE Query (a consistent read).
  Every selected line is returned, whatever its product's state now: checkout decides what it
  can sell (the catalog's products and SKUs are its own read).
- ``add_remove_lines(tx, user_id, lines)``: adds ``len(lines) + 1`` items to ``tx`` (one
  conditional delete per line, one update of the cart's line count), none for an empty list;
  so a checkout of N cart lines has 100 - (N + 1) items left for its own writes. Each delete
  holds only if the line's quantity is still the one read: a line changed or removed since
  makes ``commit`` raise ``CartChanged`` (code CART_CHANGED, field ``lines``), declared with
  ``tx.refuse`` after the caller's own refusals, so declare yours first if they should win.
"""
from __future__ import annotations

from chalicelib.cart import store
from chalicelib.cart.rules import CartChanged, CartLine
from chalicelib.core.table.transactions import Transaction

__all__ = ["CartChanged", "CartLine", "add_remove_lines", "selected_lines"]


def selected_lines(user_id: str) -> list[CartLine]:
    """The cart's selected lines, oldest first: one consistent Query of the cart's partition."""
    lines = store.read_lines(user_id, consistent=True)
    return sorted((line for line in lines if line.selected), key=lambda line: (line.added_at, line.sku_id))


def add_remove_lines(tx: Transaction, user_id: str, lines: list[CartLine]) -> None:
    """Delete the bought ``lines`` and lower the cart's count, within ``tx``: adds len(lines) + 1
    transaction items (0 for no lines). Refused (quantity changed, line gone): CartChanged."""
    store.add_remove_lines(tx, user_id, lines)
