"""POST /payments/notify: the payment provider tells us a payment's outcome.

Verified before anything is read; idempotent (providers deliver more than once and
out of order); answered in WeChat Pay's expected shape: HTTP 200/204 means "got it,
stop retrying", anything else makes WeChat retry later.
"""
from __future__ import annotations

import json
from typing import Any

from chalice.app import Request, Response

from chalicelib.adapters.payments import InvalidNotification
from chalicelib.core.clock import utc_now
from chalicelib.core.observability import begin_request, flush_metrics, logger
from chalicelib.core.settings import settings

MAX_ORDER_ID = 128  # longer is not an order id: refused before any read


def _answer(status: int, code: str, message: str) -> Response:
    return Response(json.dumps({"code": code, "message": message}), status_code=status,
                    headers={"Content-Type": "application/json"})


def handle_notification(request: Request, lambda_context: Any) -> Response:
    begin_request((request.context or {}).get("requestId") or getattr(lambda_context, "aws_request_id", "local"))
    return _process(dict(request.headers), request.raw_body or b"")


def _process(headers: dict[str, str], body: bytes) -> Response:
    from chalicelib.adapters.payments.factory import payment_provider_for
    from chalicelib.groupbuy.payments import apply_payment_event

    provider = payment_provider_for(settings())
    try:
        event = provider.parse_notification(headers, body)
    except InvalidNotification:
        # A forged or garbled notification: refuse it; a genuine one is retried by WeChat.
        logger.warning("payment notification refused: it does not verify")
        return _answer(401, "FAIL", "notification does not verify")
    try:
        outcome = apply_payment_event(event, utc_now())
    except Exception:  # noqa: BLE001 - let the provider retry; the handling is idempotent
        logger.exception("payment notification could not be applied", extra={"order_id": event.order_id})
        return _answer(500, "FAIL", "try again later")
    finally:
        flush_metrics()
    logger.info("payment notification", extra={"order_id": event.order_id, "outcome": outcome})
    return _answer(200, "SUCCESS", outcome)


def _simulation() -> Any:
    """The SIMULATED provider, or None outside the local stage or with another provider."""
    from chalicelib.adapters.payments.factory import payment_provider_for
    from chalicelib.adapters.payments.simulated import SimulatedPayments

    config = settings()
    provider = payment_provider_for(config) if config.is_local else None
    return provider if isinstance(provider, SimulatedPayments) else None


def _not_found() -> Response:
    return Response("Not found", status_code=404, headers={"Content-Type": "text/plain"})


def simulate_capture(request: Request) -> Response:
    """Local only: make the SIMULATED provider capture an order and deliver its
    notification through the real notification handler (for `make dev` demos)."""
    provider = _simulation()
    if provider is None:
        return _not_found()
    body = request.json_body or {}
    order_id = body.get("orderId") if isinstance(body, dict) else None
    if not isinstance(order_id, str):
        return _answer(400, "INVALID", 'send {"orderId": "..."}')
    from chalicelib.core.errors import InvalidId
    from chalicelib.core.graphql.ids import from_global_id
    from chalicelib.groupbuy.store import get_order

    try:
        (order_id,) = from_global_id(order_id, "Order", "orderId")
    except InvalidId:
        pass  # a raw order id is fine too
    # As payOrder: an order that does not exist is NOT_FOUND, and nothing is captured.
    order = get_order(order_id) if 0 < len(order_id) <= MAX_ORDER_ID else None
    if order is None:
        return _answer(404, "NOT_FOUND", "no such order")
    if provider.query_payment(order_id) is None:
        return _answer(409, "INVALID_STATE", "no payment was created for this order yet (payOrder creates one)")
    try:
        headers, notification = provider.simulate_capture(order_id)
    except ValueError as error:
        return _answer(409, "INVALID_STATE", f"simulated: {error}")
    return _process(headers, notification)


REFUND_FAULTS = ("FAIL", "FAIL_FOREVER", "TIME_OUT", "TIME_OUT_APPLIED", "PROCESSING", "NONE")
MAX_FAULT_COUNT = 100


def simulate_refund_faults(request: Request) -> Response:
    """Local only: make the SIMULATED provider's coming refunds fail, time out or
    answer PROCESSING, to show the refund failure stories over HTTP.

    Body ``{"fault": "FAIL" | "FAIL_FOREVER" | "TIME_OUT" | "TIME_OUT_APPLIED" |
    "PROCESSING" | "NONE", "count": 1..100}`` (count: how many coming refund calls;
    not for FAIL_FOREVER, which lasts until NONE clears every fault)."""
    provider = _simulation()
    if provider is None:
        return _not_found()
    body = request.json_body or {}
    fault = body.get("fault") if isinstance(body, dict) else None
    if fault not in REFUND_FAULTS:
        return _answer(400, "INVALID", f"fault must be one of {', '.join(REFUND_FAULTS)}")
    count_ = body.get("count", 1)
    if not isinstance(count_, int) or isinstance(count_, bool) or not 1 <= count_ <= MAX_FAULT_COUNT:
        return _answer(400, "INVALID", f"count must be a whole number from 1 to {MAX_FAULT_COUNT}")
    provider.clear_refund_faults()  # one fault at a time: what was asked before is replaced
    if fault == "FAIL":
        provider.fail_next_refunds(count_)
    elif fault == "FAIL_FOREVER":
        provider.fail_refunds_forever()
    elif fault in ("TIME_OUT", "TIME_OUT_APPLIED"):
        provider.time_out_next_refunds(count_, applied=fault == "TIME_OUT_APPLIED")
    elif fault == "PROCESSING":
        provider.process_next_refunds_slowly(count_)
    logger.info("simulated refund fault set", extra={"fault": fault, "count": count_})
    return _answer(200, "SUCCESS", fault if fault in ("NONE", "FAIL_FOREVER") else f"{fault} x{count_}")
