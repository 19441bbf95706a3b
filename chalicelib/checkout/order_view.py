"""A regular order as an order of any kind (orders' registry). Registered when imported."""
from __future__ import annotations

from dataclasses import dataclass

from chalicelib.addresses.published.checkout import ShippingAddress
from chalicelib.checkout.models import ShopOrderItem
from chalicelib.checkout.rules import OrderState as RegularState
from chalicelib.checkout.rules import ShopOrder
from chalicelib.checkout.store import shipping_address_of, to_order
from chalicelib.orders.published.kinds import (
    NOT_SHIPPED,
    Delivery,
    OrderKind,
    OrderLineView,
    OrderState,
    OrderView,
    register_kind,
    shown_state,
)
from chalicelib.orders.published.models import delivery_of

ORDER_STATUS_TEXT = {
    RegularState.AWAITING_PAYMENT: "Awaiting payment (待支付)",
    RegularState.TO_SHIP: "Paid, to ship (待发货)",
    RegularState.SHIPPED: "Shipped (已发货)",
    RegularState.COMPLETED: "Completed (已完成)",
    RegularState.CANCELLED: "Cancelled (已取消)",
    RegularState.REFUNDING: "Refunding (退款中)",
    RegularState.REFUNDED: "Refunded (已退款)",
    RegularState.REFUND_FAILED: "Refund failed, we are on it (退款失败，处理中)",
}


@dataclass(frozen=True, slots=True)
class RegularOrder:
    """What checkout's fields on Order read: the order and where it ships (personal data)."""

    order: ShopOrder
    address: ShippingAddress | None


def order_view(order: ShopOrder, address: ShippingAddress | None = None, currency: str = "CNY",
               delivery: Delivery = NOT_SHIPPED, trade_no: str | None = None, captured_total: int = 0) -> OrderView:
    lines = tuple(OrderLineView(ln.product_id, ln.sku_id, ln.quantity, ln.unit_price, ln.product_name, ln.sku_code,
                                promotion=ln.promotion, coupons=ln.merchant_coupon + ln.platform_coupon,
                                points=ln.points) for ln in order.lines)
    state, text = shown_state(OrderState(order.state.value), ORDER_STATUS_TEXT[order.state],
                              order.total - order.shipping, delivery)
    return OrderView(
        id=order.id, kind=OrderKind.REGULAR, user_id=order.user_id, merchant_id=order.merchant_id,
        state=state, status_text=text, lines=lines,
        shipping=order.shipping, total=order.total, currency=currency, created_at=order.created_at,
        pay_by=order.pay_by, paid_at=order.paid_at, refunded=delivery.after_sales_refunded,
        source=RegularOrder(order, address), shipping_address=address, delivery=delivery, trade_no=trade_no,
        captured_total=captured_total, spent_with=order.payment_id, pickup=order.pickup,
        attribution=order.attribution,
    )


def _item_view(item: ShopOrderItem) -> OrderView:
    return order_view(to_order(item), shipping_address_of(item), item.currency, delivery_of(item), item.trade_no,
                      int(item.payment_captured or 0))


register_kind(ShopOrderItem, _item_view)
