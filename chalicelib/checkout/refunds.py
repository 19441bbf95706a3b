"""Giving back a late capture: a checkout payment captured after it was cancelled (the
window passed, or the buyer cancelled) turns REFUNDING, and the refund workflow (started
by the stream, chalicelib/checkout/stream_handlers.py) refunds exactly what was captured.

One refund per payment, its id ``R`` + the payment id on every attempt, so the provider
never pays it twice however often the workflow or an operator retries. A refund the
provider refuses for good (or that stays PROCESSING past the workflow's retries) leaves
the payment REFUND_FAILED, listed for operators until one retries it."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.adapters.payments import (
    PaymentProvider,
    RefundRequest,
    refund_at_provider,
)
from chalicelib.checkout import store
from chalicelib.checkout.keys import EXTRA_CAPTURE_PREFIX
from chalicelib.checkout.rules import Payment, PaymentState
from chalicelib.core.errors import InvalidState, NotFound
from chalicelib.core.observability import count, logger
from chalicelib.core.principal import Principal, Role, require_role
from chalicelib.core.table.paging import Page, PageRequest


def refund_id_of(payment: Payment) -> str:
    # Out_refund_no: the same on every attempt, so the provider pays it at most once. Per
    # captured trade number: a second payer's capture (its own ``E`` payment) has its own.
    return f"R{captured_trade(payment)}"


def captured_trade(payment: Payment) -> str:
    """The out_trade_no the money was captured under (pay for me: not always the payment id)."""
    if payment.trade_no:
        return payment.trade_no
    return payment.id


def refund_payment(payment_id: str, payments: PaymentProvider, now: datetime) -> dict[str, Any]:
    """Refund a REFUNDING payment's capture in full. Raises PaymentError while the provider
    may still succeed (PROCESSING included: asked again later under the same refund id,
    never marked done early); RefundNotPossible when it refused for good."""
    payment = store.get_payment(payment_id)
    if payment is None:
        raise NotFound("no such payment", "paymentId")
    if payment.state is PaymentState.REFUNDED:
        return {"paymentId": payment_id, "status": "REFUNDED", "already": True}
    if payment.state is not PaymentState.REFUNDING:
        return {"paymentId": payment_id, "status": payment.state.value, "skipped": True}
    refund_at_provider(payments, RefundRequest(
        order_id=captured_trade(payment), refund_id=refund_id_of(payment), amount=payment.captured,
        total=payment.captured, currency=payment.currency, reason=_reason(payment)))
    if store.complete_refund(payment):
        count("CheckoutRefundsCompleted")
    return {"paymentId": payment_id, "status": "REFUNDED", "amount": payment.captured}


def _reason(payment: Payment) -> str:
    if payment.id.startswith(EXTRA_CAPTURE_PREFIX):
        return "someone else paid this order first"
    return "paid after the order was cancelled"


def mark_refund_failed(payment_id: str, reason: str) -> dict[str, Any]:
    payment = store.get_payment(payment_id)
    if payment is None:
        raise NotFound("no such payment", "paymentId")
    if store.fail_refund(payment, reason):
        count("CheckoutRefundsFailed")
        logger.error("refund failed; the payment waits for an operator", extra={"payment_id": payment_id})
    return {"paymentId": payment_id, "status": "REFUND_FAILED"}


def retry_refund(principal: Principal | None, payment_id: str) -> Payment:
    """Operators: refund a REFUND_FAILED payment again (a new workflow execution, same refund id)."""
    require_role(principal, Role.OPERATOR)
    payment = store.get_payment(payment_id)
    if payment is None:
        raise NotFound("no such payment", "paymentId")
    if payment.state is not PaymentState.REFUND_FAILED or not store.retry_refund(payment):
        raise InvalidState(f"this payment is {payment.state.value.lower()}, not refund failed", "paymentId")
    count("CheckoutRefundsRetried")
    return store.get_payment(payment_id) or payment


def refund_failed_payments(principal: Principal | None, limit: int | PageRequest,
                           after: str | None = None) -> Page[Payment]:
    """Operators: payments whose refund failed, waiting for retry_refund, newest first."""
    require_role(principal, Role.OPERATOR)
    return store.refund_failed_payments(limit, after)
