"""Cart keys: one partition per customer holds the cart's header (its line count) and its lines,
so the whole cart is one Query."""
from __future__ import annotations

CART_SK = "CART"
LINE_PREFIX = "LINE#"


def cart_pk(user_id: str) -> str:
    return f"CART#{user_id}"


def line_sk(sku_id: str) -> str:
    return f"{LINE_PREFIX}{sku_id}"
