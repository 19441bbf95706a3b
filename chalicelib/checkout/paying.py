"""A checkout's payment after placing: the capture (in time: its orders are to ship; late:
the money goes back), and cancellation when the payment window passes or the buyer
cancels — stock, coupons (still valid) and points come back exactly once."""
from __future__ import annotations

from datetime import datetime

from chalicelib.adapters.payments import PaymentEvent, PaymentProvider, capture_at_provider
from chalicelib.adapters.payments import PaymentState as ProviderState
from chalicelib.checkout import keys, store
from chalicelib.checkout.rules import Payment, PaymentState
from chalicelib.core.errors import InvalidState, NotFound
from chalicelib.core.observability import count, logger
from chalicelib.core.principal import Principal, require_user
from chalicelib.coupons.published.checkout import return_coupon
from chalicelib.points.published.checkout import checkout_source, reverse


def apply_payment_event(event: PaymentEvent, now: datetime, payer_id: str | None = None) -> str:
    """A verified notification for a checkout's payment. Idempotent and order-independent:
    'applied', 'duplicate', 'late' (captured after the window or after a cancel: refunded),
    'extra' (a second payer's capture of a payment captured already: refunded), 'ignored'
    (not a capture), 'amount_mismatch' (not what was asked: cancelled and refunded) or
    'unknown_order'. In time means the provider's success time is before ``pay_by``, whether
    or not the timer has run.

    Pay for me: the out_trade_no is a trade number, the payment id (the buyer's) or
    ``<payment id>-XXXX`` (another payer's); the first capture in time pays the orders, and
    a capture under any other trade number goes back."""
    if event.state is not ProviderState.SUCCESS:
        return "ignored"
    trade_no = event.order_id
    payment = store.get_payment(keys.payment_of_trade(trade_no))
    if payment is None or payment.payer_of(trade_no) is None:
        return "unknown_order"
    payer_id = payer_id or payment.payer_of(trade_no)
    if payment.captured:
        return _already_captured(payment, event, trade_no, payer_id, now)
    if event.amount != payment.amount or event.currency != payment.currency:
        # Never keep money that does not match what was asked: the payment is cancelled (if it
        # still awaited) and what was captured goes back through the late-capture refund.
        logger.error("captured amount differs from the payment", extra={"payment_id": payment.id})
        if payment.state is PaymentState.AWAITING:
            cancel(payment, now)
            payment = store.get_payment(payment.id) or payment
        outcome = _keep_late(payment, event, trade_no, payer_id, now)
        return "amount_mismatch" if outcome in ("late", "duplicate") else outcome
    moment = event.paid_at_or(now)
    if payment.state is PaymentState.AWAITING and moment < payment.pay_by:
        if store.mark_paid(payment, event.transaction_id, event.amount, payer_id, moment, now, trade_no):
            count("CheckoutsPaid")
            return "applied"
        payment = store.get_payment(payment.id) or payment  # another payer first, or cancelled meanwhile
        if payment.captured:
            return _already_captured(payment, event, trade_no, payer_id, now)
    if payment.state is PaymentState.AWAITING:  # captured after pay_by, before the timer ran
        cancel(payment, now)
        payment = store.get_payment(payment.id) or payment
    return _keep_late(payment, event, trade_no, payer_id, now)


def _keep_late(payment: Payment, event: PaymentEvent, trade_no: str, payer_id: str | None, now: datetime) -> str:
    """A capture for a cancelled payment: recorded on it (it turns REFUNDING), once; if another
    trade number's capture was recorded first, this one goes back on its own."""
    if payment.state is PaymentState.CANCELLED and store.record_late_capture(
            payment, event.transaction_id, event.amount, now, trade_no):
        count("LateCaptures")
        return "late"
    payment = store.get_payment(payment.id) or payment
    return _already_captured(payment, event, trade_no, payer_id, now) if payment.captured else "duplicate"


def _already_captured(payment: Payment, event: PaymentEvent, trade_no: str, payer_id: str | None,
                      now: datetime) -> str:
    if payment.captured_under(trade_no):
        return "duplicate"
    # Two family members both paid: the first capture is the payment's; this one is refunded.
    if store.record_extra_capture(payment, trade_no, payer_id, event.transaction_id, event.amount, now):
        count("ExtraCaptures")
        logger.warning("a second payer's capture is refunded", extra={"payment_id": payment.id})
    return "extra"


def cancel(payment: Payment, now: datetime) -> bool:
    """Cancel an awaiting payment and its orders: held stock back on sale (one transaction,
    once, by the payment's state), then its coupons and points back (each once, by its own
    guard). False if it was not awaiting (paid or cancelled before)."""
    cancelled = store.mark_cancelled(payment, now)
    if cancelled:
        count("CheckoutsCancelled")
    state = PaymentState.CANCELLED if cancelled else (store.get_payment(payment.id) or payment).state
    if state in _CANCELLED:
        give_back(payment, now)
    return cancelled


_CANCELLED = (PaymentState.CANCELLED, PaymentState.REFUNDING, PaymentState.REFUNDED, PaymentState.REFUND_FAILED)


def give_back(payment: Payment, now: datetime) -> None:
    """Coupons (if still valid) and points of a cancelled payment. Idempotent: safe to run
    again after a crash between the cancel and this (the timer's retry does)."""
    for order_id, coupon_id in _coupon_uses(payment):
        return_coupon(coupon_id, payment.user_id, order_id, now)
    if payment.points_used:
        reverse(payment.user_id, checkout_source(payment.id), now)


def _coupon_uses(payment: Payment) -> list[tuple[str, str]]:
    """(what used it, coupon id): merchant coupons were used by their order, the platform
    coupon by the payment."""
    uses = []
    for order in store.orders_of(payment):
        if order.merchant_coupon_id:
            uses.append((order.id, order.merchant_coupon_id))
    merchant_ids = {c for _, c in uses}
    uses += [(payment.id, c) for c in payment.coupon_ids if c not in merchant_ids]
    return uses


def cancel_when_window_passed(payment_id: str, now: datetime, payments: PaymentProvider | None = None) -> str:
    """The payment-window timer's task: time decides, the timer only cleans up. Before
    cancelling it asks the provider (``payments``) whether a payer paid in time under any of
    the payment's trade numbers, so a capture whose notification is still on its way pays the
    orders instead of being refunded. Retried safely: a payment paid or cancelled meanwhile is
    left alone (its give-back is redone)."""
    payment = store.get_payment(payment_id)
    if payment is None:
        return "unknown"
    if payment.state is PaymentState.AWAITING and now < payment.pay_by:
        return "not_yet"
    if payment.state is PaymentState.AWAITING:
        if payments is not None and _paid_in_time(payment, payments, now):
            return "paid"
        return "cancelled" if cancel(payment, now) else "already"
    if payment.state in _CANCELLED:
        give_back(payment, now)
    return "already"


def _paid_in_time(payment: Payment, payments: PaymentProvider, now: datetime) -> bool:
    """A capture the provider holds for one of the payment's trade numbers, applied as its
    notification would be."""
    for trade_no in (payment.id, *payment.trade_payers):
        event = capture_at_provider(payments, trade_no)
        if event is not None and apply_payment_event(event, now) == "applied":
            return True
    return False


def cancel_by_buyer(principal: Principal | None, payment_id: str, now: datetime) -> Payment:
    caller = require_user(principal)
    payment = store.get_payment(payment_id)
    if payment is None or payment.user_id != caller.user_id:
        raise NotFound("no such payment", "paymentId")
    if payment.state is not PaymentState.AWAITING or not cancel(payment, now):
        current = store.get_payment(payment_id) or payment
        raise InvalidState(f"this payment is {current.state.value.lower()}, not awaiting payment", "paymentId")
    return store.get_payment(payment_id) or payment
