"""Checkout keys: regular orders (one per merchant) and the payment that covers them."""
from __future__ import annotations

ORDER_SK = "ORDER"
PAYMENT_SK = "PAYMENT"
PAYMENT_ID_PREFIX = "P"  # a payment's id (and WeChat out_trade_no) is "P" + a ULID: never an order's id


def order_pk(order_id: str) -> str:
    """Regular and group-buy orders share the ``ORDER#<ulid>`` key space (the item's type tells
    them apart), so one GetItem finds an ``Order:<id>`` of either kind."""
    return f"ORDER#{order_id}"


def user_orders(user_id: str) -> str:
    """GSI1 partition: a user's orders of every kind, newest first (group-buy's too)."""
    return f"USER#{user_id}#ORDERS"


def merchant_orders(merchant_id: str) -> str:
    """GSI2 partition: a merchant's regular orders, newest first."""
    return f"MERCHANT#{merchant_id}#ORDERS"


def payment_pk(payment_id: str) -> str:
    return f"PAYMENT#{payment_id}"


# GSI2 partition: payments whose refund failed, for operators (newest first by payment id).
REFUND_FAILED_PAYMENTS = "PAYMENTS#REFUND_FAILED"
