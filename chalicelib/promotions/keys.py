"""Promotion keys: one item per merchant holds all its current promotions."""
from __future__ import annotations

PROMOTIONS_SK = "PROMOTIONS"


def merchant_pk(merchant_id: str) -> str:
    return f"MERCHANT#{merchant_id}"
