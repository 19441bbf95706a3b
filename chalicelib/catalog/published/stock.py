"""Stock within your transaction: reserve, resolve and return units of a SKU, and read or release a reservation."""
from __future__ import annotations

from chalicelib.catalog.service import release_reservation
from chalicelib.catalog.stock import (
    Reservation,
    ReservationState,
    StockKey,
    add_hold,
    add_release_hold,
    add_reserve,
    add_resolve,
    add_restock,
    add_return_sold,
    add_sell_hold,
    get_reservation,
)

__all__ = [
    "Reservation",
    "ReservationState",
    "StockKey",
    "add_hold",
    "add_release_hold",
    "add_reserve",
    "add_resolve",
    "add_restock",
    "add_return_sold",
    "add_sell_hold",
    "get_reservation",
    "release_reservation",
]
