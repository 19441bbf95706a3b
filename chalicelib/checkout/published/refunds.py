"""For after-sales: a regular order refunded in full gives back its coupons, if still valid. Its
merchant coupon at once; the platform coupon (shared by the payment's orders) once every order of
the payment is refunded in full. Each give-back is conditional (coupons' return_coupon), so
running this again changes nothing."""
from __future__ import annotations

from datetime import datetime

from chalicelib.checkout import keys, store
from chalicelib.checkout.models import ShopOrderItem
from chalicelib.core.table.batch import batch_get
from chalicelib.coupons.published.checkout import return_coupon


def give_back_coupons(order_id: str, now: datetime) -> int:
    """How many coupons came back now (0 for a group-buy order: it used none)."""
    item = store.get_order_item(order_id)
    if item is None or not _refunded_in_full(item):
        return 0
    back = 0
    if item.merchant_coupon_id:
        back += return_coupon(item.merchant_coupon_id, item.user_id, order_id, now)
    payment = store.get_payment(item.payment_id)
    platform = [c for c in (payment.coupon_ids if payment else ()) if c != item.merchant_coupon_id]
    if payment is None or not platform:
        return back
    siblings = [i for i in batch_get((keys.order_pk(o), keys.ORDER_SK) for o in payment.order_ids)
                if isinstance(i, ShopOrderItem)]
    if len(siblings) == len(payment.order_ids) and all(_refunded_in_full(s) for s in siblings):
        other_merchant_coupons = {s.merchant_coupon_id for s in siblings}
        for coupon_id in platform:
            if coupon_id not in other_merchant_coupons:
                back += return_coupon(coupon_id, item.user_id, payment.id, now)
    return back


def _refunded_in_full(item: ShopOrderItem) -> bool:
    """Every line paid back (shipping goes back only with an order refunded before it shipped)."""
    order = store.to_order(item)
    goods = order.total - order.shipping
    return goods > 0 and int(item.after_sales_refunded or 0) >= goods
