"""A paid regular order for after-sales tests, and moving it on as fulfilment would."""
from __future__ import annotations

from datetime import datetime, timedelta

from pynamodb.expressions.operand import Path

from chalicelib.aftersales import asking
from chalicelib.aftersales.rules import Reason, RequestKind
from chalicelib.checkout import paying, placing
from chalicelib.checkout.rules import CheckoutRequest
from chalicelib.core.clock import iso, utc_now
from chalicelib.core.ids import new_id
from chalicelib.core.table.models import TableItem
from chalicelib.core.table.transactions import Transaction
from chalicelib.orders.published.models import DeliveryAttributes
from chalicelib.orders.published.terms import OrderTerms
from chalicelib.orders.store import ORDER_SK, get_order, order_pk
from tests.checkout.support import PAYMENTS, buyer, platform_coupon, shop

FAST = OrderTerms(auto_complete_seconds=10, no_reason_return_seconds=60, quality_return_seconds=120,
                  decision_seconds=3, send_back_seconds=3, receipt_seconds=3)


def paid_order(quantities: tuple[int, ...] = (3,), *, price: int = 6000, points: int = 0, coupon_off: int = 0,
               provider=PAYMENTS, **request):
    """(shop, customer, order view) of a paid regular order of the shop's SKUs (with a platform
    coupon of ``coupon_off`` fen and ``points`` redeemed, when given)."""
    s = shop(skus=len(quantities), price=price)
    customer = buyer(s, quantities=quantities, points=points)
    request.setdefault("coupon_ids", (platform_coupon(customer, off=coupon_off),) if coupon_off else ())
    placed = placing.place_order(customer, CheckoutRequest(**request, points=points) if points else
                                 CheckoutRequest(**request), new_id(), provider, "openid-x", utc_now())
    headers, body = provider.simulate_capture(placed.payment.id)  # the provider holds the capture to refund
    assert paying.apply_payment_event(provider.parse_notification(headers, body), utc_now()) == "applied"
    (order,) = placed.orders
    return s, customer, get_order(order.id)


def move_order(order_id: str, state: str, *, completed_at: datetime | None = None, terms: OrderTerms = FAST) -> None:
    """The order shipped (or completed at ``completed_at``), as fulfilment records it."""
    now = utc_now()
    actions = [Path("state").set(state), DeliveryAttributes.shipped_at.set(iso(now)),
               DeliveryAttributes.carrier.set("SF"), DeliveryAttributes.tracking_no.set("SF1234567890")]
    if state == "COMPLETED":
        done = completed_at or now
        actions += [DeliveryAttributes.completed_at.set(iso(done)),
                    DeliveryAttributes.returns_until.set(iso(done + timedelta(seconds=terms.no_reason_return_seconds))),
                    DeliveryAttributes.after_sales_until.set(iso(done + timedelta(seconds=terms.quality_return_seconds)))]
    tx = Transaction()  # not Model.update: it would read the item back as a TableItem
    tx.update("order", TableItem(order_pk(order_id), ORDER_SK), actions)
    tx.commit()


def ask(customer, order, kind=RequestKind.REFUND_ONLY, reason=Reason.NO_REASON, lines=None, *, key=None, now=None,
        photos=()):
    lines = lines if lines is not None else ((order.lines[0].sku_id, order.lines[0].quantity),)
    return asking.ask(customer, order.id, asking.Ask(kind, reason, tuple(lines), None, tuple(photos)), key,
                       now or utc_now(), FAST)
