"""Placing a checkout (提交订单): one order per merchant under one payment, in ONE DynamoDB
transaction with everything they take — the stock held, the coupons used, the points spent,
the bought cart lines removed and the idempotency key claimed. Then the payment parameters
for ``wx.requestPayment`` (for the whole payment)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from chalicelib.accounts.published.users import wechat_openid
from chalicelib.adapters.payments import JsapiParams, PaymentProvider, PaymentRequest
from chalicelib.addresses.published.checkout import ShippingAddress
from chalicelib.cart.published.checkout import add_remove_lines
from chalicelib.checkout import store
from chalicelib.checkout.config import checkout_terms
from chalicelib.checkout.keys import PAYMENT_ID_PREFIX
from chalicelib.checkout.preview import Preview, preview, wanted_of
from chalicelib.checkout.rules import (
    MAX_LINES,
    CheckoutRequest,
    CheckoutTerms,
    CheckoutTooLarge,
    HeldStock,
    NoAddress,
    OrderLine,
    OrderState,
    Payment,
    PaymentState,
    PickupRef,
    ShopOrder,
)
from chalicelib.community.published.checkout import add_order_claims
from chalicelib.community.published.models import snapshot_of_offer
from chalicelib.core.errors import DomainError, InvalidState, NotFound, PaymentWindowPassed
from chalicelib.core.idempotency import IdempotentRequest, idempotent_request
from chalicelib.core.ids import new_id
from chalicelib.core.observability import count, logger
from chalicelib.core.principal import Principal, require_user
from chalicelib.core.table import idempotency
from chalicelib.core.table.transactions import MAX_ITEMS, Transaction
from chalicelib.coupons.published.checkout import add_use
from chalicelib.orders.published.attribution import stored
from chalicelib.points.published.checkout import checkout_source, spend

OPERATION = "placeOrder"


@dataclass(frozen=True, slots=True)
class Placed:
    payment: Payment
    orders: list[ShopOrder]
    params: JsapiParams | None  # None: the provider was unreachable (payPayment asks again) or nothing to pay
    replayed: bool = False
    address: ShippingAddress | None = None  # where the orders ship (None on a replay: read with the orders)


def place_order(principal: Principal | None, request: CheckoutRequest, idempotency_key: str,
                payments: PaymentProvider, openid: str | None, now: datetime,
                terms: CheckoutTerms | None = None) -> Placed:
    caller = require_user(principal)
    terms = terms or checkout_terms()
    key = idempotent_request(caller.user_id, OPERATION, idempotency_key, _fingerprint(request))
    earlier = _replay(key)  # first: a replay must not read the cart again (the lines it bought are gone)
    if earlier is not None:
        return earlier
    try:
        return _place(caller, request, key, payments, openid, now, terms)
    except DomainError:
        # The same key racing: the first request may have placed since we looked, emptying the
        # cart (NothingToCheckOut) or spending the points we planned to. Its answer, not a refusal.
        earlier = _replay(key)
        if earlier is not None:
            return earlier
        raise


def _place(caller: Principal, request: CheckoutRequest, key: IdempotentRequest, payments: PaymentProvider,
           openid: str | None, now: datetime, terms: CheckoutTerms) -> Placed:
    priced = preview(caller, request, now, terms)
    if priced.address is None and priced.pickup is None:
        raise NoAddress("add a shipping address first", "addressId")
    if len(priced.basket.lines) > MAX_LINES:
        raise CheckoutTooLarge(f"at most {MAX_LINES} lines in one checkout; check out the rest separately", "lines")
    payment, orders = _payment_and_orders(caller.user_id, priced, now, terms, request.source)

    def writes(tx: Transaction) -> None:
        # Declared first, so it wins: a racing request under the same key also fails on the
        # stock, coupons and cart lines the first one took, and it is a replay, not a refusal.
        idempotency.refuse_as_replay(tx, key)
        store.add_place(tx, payment, [(o, priced.address) for o in orders], priced.pickup)
        if priced.pickup is not None and request.pickup is not None:
            add_order_claims(tx, priced.pickup, caller.user_id, wanted_of(request.pickup), now)
        for merchant_id, coupon in priced.chosen.merchant.items():
            add_use(tx, coupon, next(o.id for o in orders if o.merchant_id == merchant_id), now)
        if priced.chosen.platform is not None:
            add_use(tx, priced.chosen.platform, payment.id, now)  # it spans the orders: the payment holds it
        if priced.basket.cart_lines:
            add_remove_lines(tx, caller.user_id, list(priced.basket.cart_lines))
        idempotency.claim(tx, key, now, result_id=payment.id)
        if len(tx) > MAX_ITEMS:  # the line limit keeps us under it; a points account of many lots might not
            raise CheckoutTooLarge(f"this checkout needs {len(tx)} writes, more than one transaction holds "
                                   f"({MAX_ITEMS}); check out fewer lines", "lines")

    try:
        if payment.points_used:
            # The replay's refusal goes before the points' own (which ``also`` cannot precede).
            spend(caller.user_id, checkout_source(payment.id), payment.points_used, now, also=writes,
                  refusals={idempotency.LABEL: lambda: idempotency.Replayed(idempotency.check_replay(key))})
        else:
            tx = Transaction()
            writes(tx)
            tx.commit()
    except idempotency.Replayed as replay:  # the same key, raced: the first request's orders
        first = store.get_payment(replay.result_id or "")
        return Placed(first, store.orders_of(first), None, replayed=True) if first else _lost(key)
    count("CheckoutsPlaced")
    if payment.amount == 0:
        # Coupons (with no shipping fee) covered everything: nothing to charge, and WeChat Pay
        # takes no zero amount, so it is paid as it is placed; its orders are to ship.
        store.mark_paid(payment, None, 0, caller.user_id, now, now)
        paid = store.get_payment(payment.id) or payment
        return Placed(paid, store.orders_of(paid), None, address=priced.address)
    return Placed(payment, orders, payment_params(payments, payment, openid, now), address=priced.address)


def _replay(key: IdempotentRequest) -> Placed | None:
    """The first request's placing under this key, or None if there was none yet."""
    try:
        payment = store.get_payment(idempotency.previous_result(key) or "")
    except idempotency.NotClaimed:
        return None
    return Placed(payment, store.orders_of(payment), None, replayed=True) if payment else _lost(key)


def _lost(key: object) -> Placed:
    raise RuntimeError("an idempotency key names a payment that does not exist")


def _fingerprint(request: CheckoutRequest) -> tuple:
    buy, pickup = request.buy_now, request.pickup
    return ((buy.product_id, buy.sku_id, buy.quantity) if buy else None, request.address_id,
            None if request.coupon_ids is None else sorted(request.coupon_ids), request.points,
            (pickup.round_id, pickup.leader_id, [(w.product_id, w.sku_id, w.quantity) for w in pickup.lines])
            if pickup else None) + (() if request.source is None else (stored(request.source),))  # type: ignore[arg-type]


def _payment_and_orders(user_id: str, priced: Preview, now: datetime, terms: CheckoutTerms,
                        source: object | None = None) -> tuple[Payment, list[ShopOrder]]:
    payment_id = PAYMENT_ID_PREFIX + new_id()
    pay_by = (now + timedelta(seconds=terms.payment_window_seconds)).replace(microsecond=0)
    pickup = priced.pickup
    if pickup is not None:
        pay_by = min(pay_by, pickup.cutoff_at)  # an order for pickup is paid by its round's cutoff, or cancelled
    found = priced.basket.for_sale
    orders = []
    for priced_order in priced.price.orders:
        lines = []
        for p in priced_order.lines:
            sale = found[(p.line.product_id, p.line.sku_id)]
            lines.append(OrderLine(p.line.sku_id, p.line.product_id, sale.product.name if sale.product else "",
                                   sale.sku.code if sale.sku else "", p.line.quantity, p.line.unit_price,
                                   p.promotion, p.merchant_coupon, p.platform_coupon, p.points))
        coupon = priced.chosen.merchant.get(priced_order.merchant_id)
        orders.append(ShopOrder(new_id(), payment_id, user_id, priced_order.merchant_id, OrderState.AWAITING_PAYMENT,
                                tuple(lines), priced_order.shipping, now, pay_by, priced_order.promotion_id,
                                coupon.id if coupon else None,
                                pickup=None if pickup is None else snapshot_of_offer(pickup),
                                attribution=source))
    stock = tuple(HeldStock(line.product_id, line.sku_id, line.quantity) for line in priced.basket.lines)
    payment = Payment(payment_id, user_id, tuple(o.id for o in orders), priced.price.total, PaymentState.AWAITING,
                      now, pay_by, stock, tuple(priced.chosen.ids), priced.price.points_used,
                      pickup=None if pickup is None else PickupRef(pickup.round_id, pickup.leader_id))
    return payment, orders


def payment_params(payments: PaymentProvider, payment: Payment, openid: str | None, now: datetime,
                   trade_no: str | None = None) -> JsapiParams | None:
    """``wx.requestPayment`` parameters for the whole payment, under the payer's trade number
    (the buyer's: the payment id; pay for me: chalicelib/checkout/sharing.py); None if the
    provider did not answer (the orders are placed either way; payPayment asks again)."""
    if payment.amount <= 0 or payment.pay_by <= now:
        return None
    try:
        return payments.create_jsapi_payment(PaymentRequest(
            order_id=trade_no or payment.id, amount=payment.amount, currency=payment.currency,
            description="Tuanstack order", payer_openid=openid or "", expires_at=payment.pay_by))
    except Exception:  # noqa: BLE001 - the orders are placed either way; payPayment asks again
        logger.warning("payment provider unavailable while placing", extra={"payment_id": payment.id})
        return None


def place_for_buyer(principal: Principal | None, request: CheckoutRequest, idempotency_key: str,
                    payments: PaymentProvider, now: datetime) -> Placed:
    """``placeOrder``: ``place_order`` with the buyer's WeChat openid (the JSAPI payer)."""
    caller = require_user(principal)
    return place_order(principal, request, idempotency_key, payments, wechat_openid(caller.user_id), now)


def is_buyer(principal: Principal | None, user_id: str) -> bool:
    """A payment, and an order's shipping address, are their buyer's only."""
    return principal is not None and principal.user_id == user_id


def pay_again(principal: Principal | None, payment_id: str, payments: PaymentProvider,
              now: datetime) -> tuple[Payment, JsapiParams]:
    """``wx.requestPayment`` parameters again for your awaiting payment (the first were lost,
    or the provider did not answer at placing); refused once ``pay_by`` has passed."""
    caller = require_user(principal)
    payment = store.get_payment(payment_id)
    if payment is None or payment.user_id != caller.user_id:
        raise NotFound("no such payment", "paymentId")
    if payment.state is not PaymentState.AWAITING:
        raise InvalidState(f"this payment is {payment.state.value.lower()}, not awaiting payment", "paymentId")
    if payment.pay_by <= now:
        raise PaymentWindowPassed("the time to pay for this checkout has passed", "paymentId")
    params = payment_params(payments, payment, wechat_openid(caller.user_id), now)
    if params is None:
        raise InvalidState("the payment service is unavailable; try again", "paymentId")
    return payment, params
