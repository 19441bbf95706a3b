"""Money across features (root assembly): the provider's notifications, the shared refund
workflow's tasks and the local simulation routes, each handed to the feature that owns
the id.

Why a root module and not a registry in core: one provider account and one notify URL
serve group-buy orders and checkout payments, and a notification nobody claims is
answered 200 "unknown_order" (the provider stops retrying). With the dispatch written
out here, which feature gets an id cannot depend on which modules a Lambda happened to
import. Ids tell the owner: a checkout payment's id (its out_trade_no) is "P" + a ULID
(chalicelib/checkout/keys.py) — or, paid for by someone else, "<payment id>-XXXX", which
starts with "P" too — a group-buy order's is a bare ULID, which starts with a digit.

POST /payments/notify is verified before anything is read; idempotent (providers
deliver more than once and out of order); answered in WeChat Pay's expected shape:
HTTP 200/204 means "got it, stop retrying", anything else makes WeChat retry later.
"""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from chalice.app import Request, Response

from chalicelib.adapters.payments import InvalidNotification, PaymentEvent
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


def is_checkout_payment(out_trade_no: str) -> bool:
    from chalicelib.checkout.keys import PAYMENT_ID_PREFIX

    return out_trade_no.startswith(PAYMENT_ID_PREFIX)


def apply_payment_event(event: PaymentEvent, now: datetime) -> str:
    """A verified notification, applied by the feature that owns its out_trade_no."""
    if is_checkout_payment(event.order_id):
        from chalicelib.checkout.paying import apply_payment_event as apply_checkout_payment

        return apply_checkout_payment(event, now)
    from chalicelib.groupbuy.payments import apply_payment_event as apply_groupbuy_payment

    return apply_groupbuy_payment(event, now)


def _process(headers: dict[str, str], body: bytes) -> Response:
    from chalicelib.adapters.payments.factory import payment_provider_for

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
    """Local only: make the SIMULATED provider capture a payment and deliver its
    notification through the real notification handler (for `make dev` demos).

    Body ``{"orderId": ...}`` (a group-buy order, or a checkout order: its payment is
    captured, for all the checkout's orders) or ``{"paymentId": ...}``; raw or global ids."""
    provider = _simulation()
    if provider is None:
        return _not_found()
    body = request.json_body or {}
    given = (body.get("paymentId") or body.get("orderId")) if isinstance(body, dict) else None
    if not isinstance(given, str):
        return _answer(400, "INVALID", 'send {"orderId": "..."} or {"paymentId": "..."}')
    # As payOrder: what does not exist is NOT_FOUND, and nothing is captured.
    out_trade_no = _out_trade_no(_raw_id(given)) if 0 < len(given) <= MAX_ORDER_ID else None
    if out_trade_no is None:
        return _answer(404, "NOT_FOUND", "no such order or payment")
    if provider.query_payment(out_trade_no) is None:
        return _answer(409, "INVALID_STATE", "no payment was created for this order yet (payOrder creates one)")
    try:
        headers, notification = provider.simulate_capture(out_trade_no)
    except ValueError as error:
        return _answer(409, "INVALID_STATE", f"simulated: {error}")
    return _process(headers, notification)


def _raw_id(given: str) -> str:
    """A global id's own id (of an Order, of either kind, or a Payment); a raw id as it is."""
    from chalicelib.checkout.keys import PAYMENT_ID_PREFIX
    from chalicelib.core.errors import InvalidId
    from chalicelib.core.graphql.ids import parse_global_id

    try:
        type_name, parts = parse_global_id(given)
    except InvalidId:
        return given
    if len(parts) != 1:
        return given
    if type_name == "Payment":  # a Payment's global id carries its ULID without the prefix
        return parts[0] if parts[0].startswith(PAYMENT_ID_PREFIX) else PAYMENT_ID_PREFIX + parts[0]
    return parts[0] if type_name == "Order" else given


def _out_trade_no(raw_id: str) -> str | None:
    """What the provider was asked to charge for this id: a checkout payment, the payment
    of a checkout order, or a group-buy order; None if it is none of these."""
    from chalicelib.checkout import store as checkout_store
    from chalicelib.checkout.keys import payment_of_trade
    from chalicelib.groupbuy.store import get_order

    if is_checkout_payment(raw_id):  # a payment id, or a pay-for-me trade number "<payment id>-XXXX"
        payment = checkout_store.get_payment(payment_of_trade(raw_id))
        return raw_id if payment is not None and payment.payer_of(raw_id) is not None else None
    shop_order = checkout_store.get_order_item(raw_id)
    if shop_order is not None:
        return shop_order.payment_id
    return raw_id if get_order(raw_id) is not None else None


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


# ---------------------------------------------------------------- the refund workflow's tasks
# infra/statemachines/refund.asl.json serves both features: a group-buy order's refund is
# started with {"orderId"}, a checkout payment's with {"paymentId"} (its late capture), an
# after-sales request's with {"requestId"} (its approved refund).
def refund(event: dict[str, Any]) -> dict[str, Any]:
    if "requestId" in event:
        from chalicelib.aftersales.tasks import refund_request

        return refund_request(event)
    if "paymentId" in event:
        from chalicelib.checkout.tasks import refund_payment

        return refund_payment(event)
    from chalicelib.groupbuy.tasks import refund_order

    return refund_order(event)


def mark_refund_failed(event: dict[str, Any]) -> dict[str, Any]:
    if "requestId" in event:
        from chalicelib.aftersales.tasks import mark_refund_failed as mark_request_refund_failed

        return mark_request_refund_failed(event)
    if "paymentId" in event:
        from chalicelib.checkout.tasks import mark_refund_failed as mark_payment_refund_failed

        return mark_payment_refund_failed(event)
    from chalicelib.groupbuy.tasks import mark_refund_failed as mark_order_refund_failed

    return mark_order_refund_failed(event)
