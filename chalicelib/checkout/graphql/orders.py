"""The checkout's payment (one per checkout, covering its orders) and its fields on the one Order type."""
from __future__ import annotations

from datetime import datetime

import strawberry

import chalicelib.checkout.graphql.loaders  # noqa: F401  # registers this feature's request loaders
from chalicelib.addresses.published.checkout import ShippingAddress as AddressSnapshot
from chalicelib.checkout import store
from chalicelib.checkout.keys import PAYMENT_ID_PREFIX
from chalicelib.checkout.order_view import RegularOrder, order_view
from chalicelib.checkout.placing import is_buyer
from chalicelib.checkout.rules import Payment as PaymentRecord
from chalicelib.checkout.rules import PaymentState as PaymentStateRecord
from chalicelib.checkout.rules import ShopOrder
from chalicelib.core.graphql.context import Ctx
from chalicelib.core.graphql.enums import described_enum
from chalicelib.core.graphql.extend import extends
from chalicelib.core.graphql.ids import from_global_id, to_global_id
from chalicelib.core.graphql.money import Money
from chalicelib.core.graphql.relay import Node, node_resolver
from chalicelib.orders.published.graphql import Order

PaymentState = described_enum(
    PaymentStateRecord, name="PaymentState",
    description="AWAITING → PAID; or AWAITING → CANCELLED (→ REFUNDING → REFUNDED / REFUND_FAILED when a capture "
                "arrives after the cancel).",
    values={
        "AWAITING": "Placed, not paid: pay before payBy (payPayment gives the parameters again), or it is cancelled.",
        "PAID": "Captured in time: its orders are to ship.",
        "CANCELLED": "Not paid by payBy, or cancelled by you: stock, coupons and points came back; nothing charged.",
        "REFUNDING": "Paid after it was cancelled: the money is on its way back.",
        "REFUNDED": "Paid after it was cancelled, and refunded.",
        "REFUND_FAILED": "The refund of a late payment failed; operators retry it.",
    })

PAYMENT_STATUS_TEXT = {
    PaymentStateRecord.AWAITING: "Awaiting payment (待支付)",
    PaymentStateRecord.PAID: "Paid (已支付)",
    PaymentStateRecord.CANCELLED: "Cancelled (已取消)",
    PaymentStateRecord.REFUNDING: "Paid late, refunding (超时支付，退款中)",
    PaymentStateRecord.REFUNDED: "Paid late, refunded (超时支付，已退款)",
    PaymentStateRecord.REFUND_FAILED: "Refund failed, we are on it (退款失败，处理中)",
}


def payment_global_id(payment_id: str) -> str:
    """``Payment:<ULID>``: the id without its "P" (global id parts are bare ULIDs)."""
    return to_global_id("Payment", payment_id.removeprefix(PAYMENT_ID_PREFIX))


def payment_id_of(global_id: str, field: str) -> str:
    return PAYMENT_ID_PREFIX + from_global_id(global_id, "Payment", field)[0]


def regular_order(order: ShopOrder, address: AddressSnapshot | None = None) -> Order:
    """``address``: the snapshot when the caller has it (placing), else read if asked for."""
    return Order(view=order_view(order, address))


@strawberry.type(description="What one checkout charges, for all its orders (one per merchant): one "
                             "wx.requestPayment. Only its buyer sees it.")
class Payment(Node):
    payment: strawberry.Private[PaymentRecord]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(payment_global_id(self.payment.id))

    @strawberry.field(description="The sum of its orders' totals.")
    def amount(self) -> Money:
        return Money(amount=self.payment.amount, currency=self.payment.currency)  # type: ignore[arg-type]

    @strawberry.field
    def state(self) -> PaymentState:  # type: ignore[valid-type]
        return self.payment.state

    @strawberry.field(description="What the state means for the customer, in English and Chinese.")
    def status_text(self) -> str:
        return PAYMENT_STATUS_TEXT[self.payment.state]

    @strawberry.field(description="Pay before this, or the payment and all its orders are cancelled.")
    def pay_by(self) -> datetime:
        return self.payment.pay_by

    @strawberry.field
    def paid_at(self) -> datetime | None:
        return self.payment.paid_at

    @strawberry.field
    def created_at(self) -> datetime:
        return self.payment.created_at

    @strawberry.field(description="The orders it pays for, one per merchant.")
    def orders(self) -> list[Order]:
        return [regular_order(o) for o in store.orders_of(self.payment)]


@node_resolver("Payment")
async def _payment_node(info: Ctx, parts: tuple[str, ...]) -> Payment | None:
    if info.context.principal is None:
        return None
    found = await info.context.loaders.checkout_payment.load(PAYMENT_ID_PREFIX + parts[0])
    return Payment(payment=found) if found is not None and is_buyer(info.context.principal, found.user_id) else None


@extends(Order)
@strawberry.type
class RegularOrderFields:
    """Fields a regular order has; null for an order of another kind."""

    @strawberry.field(description="The payment covering this order and the rest of its checkout: its buyer's only "
                                  "(null for anyone else, such as the merchant or a leader handing it over); null "
                                  "for a group-buy order.")
    async def payment(self, info: Ctx) -> Payment | None:
        source = self.view.source
        if not isinstance(source, RegularOrder) or not is_buyer(info.context.principal, source.order.user_id):
            return None
        found = await info.context.loaders.checkout_payment.load(source.order.payment_id)
        return None if found is None else Payment(payment=found)
