"""After-sales keys: a request (its audit trail inside it) and its queue entry under ``AFTERSALES#<id>``; each order line's
after-sales ledger beside its order (``ORDER#<order>``), so one Query reads an order's ledgers."""
from __future__ import annotations

REQUEST_SK = "REQUEST"
QUEUE_SK = "QUEUE"
LINE_PREFIX = "AFTERSALES#LINE#"
REFUND_ID_PREFIX = "A"  # out_refund_no: "A" + the request id, the same on every attempt


def request_pk(request_id: str) -> str:
    return f"AFTERSALES#{request_id}"


def order_pk(order_id: str) -> str:
    """The order's own partition (orders of every kind: ``ORDER#<id>``)."""
    return f"ORDER#{order_id}"


def line_sk(index: int) -> str:
    return f"{LINE_PREFIX}{index:02d}"


def user_requests(user_id: str) -> str:
    """GSI1: a customer's requests, newest first."""
    return f"USER#{user_id}#AFTERSALES"


def merchant_requests(merchant_id: str) -> str:
    """GSI2: a merchant's requests, newest first."""
    return f"MERCHANT#{merchant_id}#AFTERSALES"


# GSI1 partitions of the operators' queues (a request's QUEUE item is in at most one).
DISPUTES = "AFTERSALES#DISPUTED"
REFUND_FAILED = "AFTERSALES#REFUND_FAILED"


def refund_id_of(request_id: str) -> str:
    return f"{REFUND_ID_PREFIX}{request_id}"
