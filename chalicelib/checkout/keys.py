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


# Pay for me: another payer's trade number (WeChat out_trade_no) is ``<payment id>-<4 share
# characters>`` (32 characters); the buyer's is the payment id itself.
TRADE_SEPARATOR = "-"
TRADE_SUFFIX_LENGTH = 4
# A capture under a second trade number of an already captured payment is kept as its own
# refund-only payment, ``E`` + that trade number (put once), which the refund workflow refunds.
EXTRA_CAPTURE_PREFIX = "E"
SHARE_SK = "PAYMENT_SHARE"


def payment_of_trade(trade_no: str) -> str:
    """The payment a trade number pays: the part before the separator."""
    return trade_no.split(TRADE_SEPARATOR, 1)[0]


def payment_share_pk(share_code: str) -> str:
    return f"PAYMENT_SHARE#{share_code}"


# GSI2 partition: payments whose refund failed, for operators (newest first by payment id).
REFUND_FAILED_PAYMENTS = "PAYMENTS#REFUND_FAILED"
