"""A group-buy order as an order of any kind (orders' registry): one line, its SKU × quantity
at the group price, the points' discount on it. Registered when imported."""
from __future__ import annotations

from chalicelib.addresses.published.models import snapshot_of
from chalicelib.groupbuy import rules as domain
from chalicelib.groupbuy.mapping import to_order
from chalicelib.groupbuy.models import OrderItem
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

# What a customer reads next to the state (English / 中文).
ORDER_STATUS_TEXT = {
    domain.OrderState.AWAITING_PAYMENT: "Awaiting payment (待支付)",
    domain.OrderState.PAID_AWAITING_TEAM: "Paid, awaiting team (已支付，待成团)",
    domain.OrderState.TO_SHIP: "Team formed, to ship (已成团，待发货)",
    domain.OrderState.SHIPPED: "Shipped (已发货)",
    domain.OrderState.COMPLETED: "Completed (已完成)",
    domain.OrderState.CANCELLED: "Cancelled (已取消)",
    domain.OrderState.REFUNDING: "Refunding (退款中)",
    domain.OrderState.REFUNDED: "Refunded (已退款)",
    domain.OrderState.REFUND_FAILED: "Refund failed, we are on it (退款失败，处理中)",
}


def order_view(order: domain.Order, delivery: Delivery = NOT_SHIPPED, address: object | None = None) -> OrderView:
    before_points = order.amount.amount + order.discount  # the group price of the units
    line = OrderLineView(order.product_id, order.sku_id, order.quantity, before_points // max(order.quantity, 1),
                         points=order.discount)
    state, text = shown_state(OrderState(order.state.value), ORDER_STATUS_TEXT[order.state], order.amount.amount,
                              delivery)
    return OrderView(
        id=order.id, kind=OrderKind.GROUP_BUY, user_id=order.user_id, merchant_id=order.merchant_id,
        state=state, status_text=text, lines=(line,),
        shipping=0, total=order.amount.amount, currency=order.amount.currency, created_at=order.created_at,
        pay_by=order.pay_by, paid_at=order.paid_at, refunded=order.refunded + delivery.after_sales_refunded,
        source=order, delivery=delivery, trade_no=order.id if order.captured else None,
        captured_total=order.captured, spent_with=order.id, shipping_address=address,
        attribution=order.attribution,
    )


def _item_view(item: OrderItem) -> OrderView:
    return order_view(to_order(item), delivery_of(item), None if item.address is None else snapshot_of(item.address))


register_kind(OrderItem, _item_view)
