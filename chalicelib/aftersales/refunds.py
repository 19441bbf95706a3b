"""Refunding a request: its amount against the order's capture, refund id ``A`` + the request id on
every attempt (the provider never pays one refund id twice, however often the workflow or an
operator retries). Run by the shared refund workflow (infra/statemachines/refund.asl.json,
routed here by chalicelib/payments.py on ``requestId``)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.adapters.payments import (
    PaymentProvider,
    RefundRequest,
    refund_at_provider,
)
from chalicelib.aftersales import keys, store
from chalicelib.aftersales.models import AfterSalesRequestItem
from chalicelib.aftersales.rules import Actor, RequestState
from chalicelib.core.errors import NotFound
from chalicelib.core.observability import count, logger

REASONS = {"REFUND_ONLY": "refund (after-sales)", "RETURN_AND_REFUND": "return and refund (after-sales)",
           "COMPENSATION": "compensation"}


def refund_request(request_id: str, payments: PaymentProvider, now: datetime) -> dict[str, Any]:
    """PaymentError while the provider may still succeed (PROCESSING too: asked again later under
    the same refund id); RefundNotPossible when it refused for good."""
    item = store.get_item(request_id)
    if item is None:
        raise NotFound("no such after-sales request", "requestId")
    request = store.to_request(item)
    if request.state is RequestState.REFUNDED:
        return {"requestId": request_id, "status": "REFUNDED", "already": True}
    if request.state is not RequestState.REFUNDING:
        return {"requestId": request_id, "status": request.state.value, "skipped": True}
    refund_at_provider(payments, RefundRequest(
        order_id=request.trade_no or "", refund_id=keys.refund_id_of(request.id), amount=request.amount,
        total=request.captured_total, currency=request.currency, reason=REASONS[request.kind.value]))
    if store.complete_refund(item, now):
        count("AfterSalesRefunded")
    return {"requestId": request_id, "status": "REFUNDED", "amount": request.amount}


def mark_refund_failed(request_id: str, reason: str, now: datetime) -> dict[str, Any]:
    request = store.get_request(request_id)
    if request is None:
        raise NotFound("no such after-sales request", "requestId")
    if store.transition(request, RequestState.REFUND_FAILED, leaving=(RequestState.REFUNDING,), actor=Actor.SYSTEM,
                        actor_id=None, action="REFUND_FAILED", now=now, reason=reason,
                        actions=[AfterSalesRequestItem.refund_error.set(reason)]):
        count("AfterSalesRefundsFailed")
        logger.error("after-sales refund failed; it waits for an operator", extra={"request_id": request_id})
    return {"requestId": request_id, "status": "REFUND_FAILED"}
