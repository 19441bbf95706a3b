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
from chalicelib.core.settings import settings
from chalicelib.core.observability import begin_request, flush_metrics, logger
from chalicelib.core.clock import utc_now


def _answer(status: int, code: str, message: str) -> Response:
    return Response(json.dumps({"code": code, "message": message}), status_code=status,
                    headers={"Content-Type": "application/json"})


def handle_notification(request: Request, lambda_context: Any) -> Response:
    begin_request((request.context or {}).get("requestId") or getattr(lambda_context, "aws_request_id", "local"))
    return _process(dict(request.headers), request.raw_body or b"")


def _process(headers: dict[str, str], body: bytes) -> Response:
    from chalicelib.adapters.payments.factory import payment_provider_for
    from chalicelib.groupbuy.service import apply_payment_event

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


def simulate_capture(request: Request) -> Response:
    """Local only: make the SIMULATED provider capture an order and deliver its
    notification through the real notification handler (for `make dev` demos)."""
    from chalicelib.adapters.payments.factory import payment_provider_for
    from chalicelib.adapters.payments.simulated import SimulatedPayments

    config = settings()
    provider = payment_provider_for(config) if config.is_local else None
    if not isinstance(provider, SimulatedPayments):
        return Response("Not found", status_code=404, headers={"Content-Type": "text/plain"})
    body = request.json_body or {}
    order_id = body.get("orderId")
    if not isinstance(order_id, str):
        return _answer(400, "FAIL", 'send {"orderId": "..."}')
    from chalicelib.core.graphql.ids import from_global_id
    from chalicelib.core.errors import InvalidId

    try:
        (order_id,) = from_global_id(order_id, "Order", "orderId")
    except InvalidId:
        pass  # a raw order id is fine too
    headers, notification = provider.simulate_capture(order_id)
    return _process(headers, notification)
