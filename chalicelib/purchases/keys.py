"""Purchase keys: one partition per customer."""
from __future__ import annotations


def purchases_pk(user_id: str) -> str:
    """Products a user has paid for (reviews show "verified purchase"), and each paid order."""
    return f"PURCHASES#{user_id}"


def purchase_sk(product_id: str) -> str:
    return f"PRODUCT#{product_id}"


ORDER_PREFIX = "ORDER#"


def purchase_order_sk(order_id: str) -> str:
    """One paid order (order ids are ULIDs: newest last). Put with the product's +1, deleted with its −1."""
    return f"{ORDER_PREFIX}{order_id}"
