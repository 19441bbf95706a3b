"""Checkout's reactions to table changes: the payment's timers.

- a Payment inserted AWAITING starts its window timer (payment_window), named after the
  payment: at pay_by the task cancels it if it is still unpaid;
- a Payment that turns REFUNDING (a capture after its cancel, or an operator's retry of a
  failed refund: refund_attempt + 1) starts the refund workflow, named
  ``<payment id>-<refund attempt>``.

Step Functions refuses a second execution of a name, so a redelivered record starts
nothing twice.
"""
from __future__ import annotations

import os

from chalicelib.core.executions import start_once
from chalicelib.core.observability import logger
from chalicelib.core.stream import Change, on_change

PAYMENT_WINDOW_ARN = "TUANSTACK_PAYMENT_WINDOW_SFN_ARN"
REFUND_ARN = "TUANSTACK_REFUND_SFN_ARN"  # the refund machine group-buy uses too (chalicelib/payments.py)


@on_change("Payment")
def payment_placed(change: Change) -> None:
    if not (change.inserted and change.new.get("state") == "AWAITING"):
        return
    payment_id = change.new["payment_id"]
    started = start_once(os.environ[PAYMENT_WINDOW_ARN], payment_id,
                         {"paymentId": payment_id, "payBy": change.new["pay_by"]})
    logger.debug("payment window timer", extra={"started": started})


@on_change("Payment")
def payment_refunding(change: Change) -> None:
    if not (change.inserted or change.modified) or change.new.get("state") != "REFUNDING":
        return
    attempt = change.new.number("refund_attempt")
    if change.old.get("state") == "REFUNDING" and change.old.number("refund_attempt") == attempt:
        return  # still the same refund: its execution exists
    payment_id = change.new["payment_id"]
    started = start_once(os.environ[REFUND_ARN], f"{payment_id}-{attempt}", {"paymentId": payment_id})
    logger.debug("payment refund", extra={"started": started, "attempt": attempt})
