"""Keys of attribution's counters and of the marker that makes counting an order idempotent."""
from __future__ import annotations

COUNTED_SK = "COUNTED"


def counted_pk(order_id: str) -> str:
    """``ATTRIBUTED#<order>`` / ``COUNTED``: put (if absent) in the transaction that adds the order's sales."""
    return f"ATTRIBUTED#{order_id}"


def merchant_sales_pk(merchant_id: str) -> str:
    """A merchant's sales by source: one item per (kind, currency)."""
    return f"SALES#MERCHANT#{merchant_id}"


def post_sales_pk(post_id: str) -> str:
    """What a post drove: one item per currency (kind POST)."""
    return f"SALES#POST#{post_id}"


def sales_sk(kind: str, currency: str) -> str:
    return f"{kind}#{currency}"
