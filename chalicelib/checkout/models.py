"""Checkout items: a regular order per merchant, and the one payment covering a checkout's orders."""
from __future__ import annotations

from pynamodb.attributes import ListAttribute, MapAttribute, NumberAttribute, UnicodeAttribute

from chalicelib.addresses.published.models import AddressMap
from chalicelib.community.published.models import PickupMap
from chalicelib.core.table.models import TableItem
from chalicelib.orders.published.models import AttributionAttributes, DeliveryAttributes


class OrderLineMap(MapAttribute):
    """A line as bought: the price and every discount share, in fen (a refund of the line is ``paid``)."""

    sku_id = UnicodeAttribute()
    product_id = UnicodeAttribute()
    product_name = UnicodeAttribute()
    sku_code = UnicodeAttribute()
    quantity = NumberAttribute()
    unit_price = NumberAttribute()
    promotion = NumberAttribute(default=0)
    merchant_coupon = NumberAttribute(default=0)
    platform_coupon = NumberAttribute(default=0)
    points = NumberAttribute(default=0)
    paid = NumberAttribute(null=True)  # items less every share: written so readers (points, purchases) need no rule


class HeldMap(MapAttribute):
    """Units of a SKU a payment holds for its orders (available → reserved until paid or cancelled)."""

    product_id = UnicodeAttribute()
    sku_id = UnicodeAttribute()
    quantity = NumberAttribute()


class ShopOrderItem(AttributionAttributes, DeliveryAttributes, TableItem, discriminator="ShopOrder"):
    """``ORDER#<id>`` / ``ORDER``: one merchant's part of a checkout (shipping and after-sales
    attributes: orders' DeliveryAttributes)."""

    order_id = UnicodeAttribute()
    payment_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    merchant_id = UnicodeAttribute()
    state = UnicodeAttribute()
    lines = ListAttribute(of=OrderLineMap, default=list)
    shipping = NumberAttribute(default=0)
    promotion_id = UnicodeAttribute(null=True)
    merchant_coupon_id = UnicodeAttribute(null=True)
    address = AddressMap(null=True)  # None for an order for pickup
    pickup = PickupMap(null=True)  # 自提: the round and the leader's point it is collected at
    currency = UnicodeAttribute(default="CNY")
    created_at = UnicodeAttribute()
    pay_by = UnicodeAttribute()
    paid_at = UnicodeAttribute(null=True)
    cancelled_at = UnicodeAttribute(null=True)
    # Copied from the payment when it is captured in time: what an after-sales refund refunds against.
    trade_no = UnicodeAttribute(null=True)
    payment_captured = NumberAttribute(default=0)


class PaymentItem(TableItem, discriminator="Payment"):
    """``PAYMENT#<id>`` / ``PAYMENT``: what one checkout charges, for all its orders (one capture)."""

    payment_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    order_ids = ListAttribute(of=UnicodeAttribute, default=list)
    amount = NumberAttribute()
    currency = UnicodeAttribute(default="CNY")
    state = UnicodeAttribute()
    platform_coupon_id = UnicodeAttribute(null=True)
    coupon_ids = ListAttribute(of=UnicodeAttribute, default=list)  # every coupon used, to give back on cancel
    points_used = NumberAttribute(default=0)
    stock = ListAttribute(of=HeldMap, default=list)  # held for the orders
    from_cart = NumberAttribute(default=0)  # 1 when the lines came from the cart
    pickup_round_id = UnicodeAttribute(null=True)  # an order for pickup: its round and leader
    pickup_leader_id = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    pay_by = UnicodeAttribute()
    paid_at = UnicodeAttribute(null=True)
    payer_id = UnicodeAttribute(null=True)  # who paid (pay-for-me: not always the buyer)
    transaction_id = UnicodeAttribute(null=True)
    captured = NumberAttribute(default=0)
    refunded = NumberAttribute(default=0)
    refund_attempt = NumberAttribute(default=0)  # an operator's retry adds one: the refund runs again
    refund_error = UnicodeAttribute(null=True)
    cancelled_at = UnicodeAttribute(null=True)
    # Pay for me: each other payer's trade number (out_trade_no) → their user id; absent until one asks.
    trade_payers = MapAttribute(null=True)
    trade_no = UnicodeAttribute(null=True)  # the trade number that was captured (the refund's out_trade_no)
    share_code = UnicodeAttribute(null=True)  # set once by sharePayment


class PaymentShareItem(TableItem, discriminator="PaymentShare"):
    """``PAYMENT_SHARE#<code>`` / ``PAYMENT_SHARE``: a shared payment's code → its id; expires by TTL
    a day after the payment's pay_by (the payer can still see it was paid)."""

    payment_id = UnicodeAttribute()
    created_at = UnicodeAttribute()
    ttl = NumberAttribute()
