"""The one ``Order`` type for every kind (so a client caches one entity per ``Order:<id>``).

Common fields live here; a kind adds its own with ``@extends(Order)`` (group-buy: team, sku…;
checkout: payment, shippingAddress) and answers null for orders of other kinds."""
from __future__ import annotations

from datetime import datetime

import strawberry

import chalicelib.orders.graphql.loaders  # noqa: F401  # registers this feature's request loaders
from chalicelib.catalog.published.graphql import Sku, sku_of
from chalicelib.core.graphql.connection import connection
from chalicelib.core.graphql.context import Ctx
from chalicelib.core.graphql.enums import described_enum
from chalicelib.core.graphql.ids import to_global_id
from chalicelib.core.graphql.money import Money
from chalicelib.core.graphql.pagination import PageInfo
from chalicelib.core.graphql.relay import Node
from chalicelib.core.table.paging import Page
from chalicelib.orders import rules
from chalicelib.orders.graphql.attribution import OrderAttribution, attribution_field

OrderKind = described_enum(rules.OrderKind, name="OrderKind", values={
    "GROUP_BUY": "A seat in a group-buy team (拼团): one SKU at the group price; see `team`.",
    "REGULAR": "One merchant's part of a checkout (cart or buy-now); see `payment` and `lines`.",
})
OrderState = described_enum(
    rules.OrderState, name="OrderState",
    description="AWAITING_PAYMENT → (group-buy: PAID_AWAITING_TEAM →) TO_SHIP → SHIPPED → COMPLETED; "
                "or CANCELLED; or REFUNDING → REFUNDED / REFUND_FAILED.",
    values={
        "AWAITING_PAYMENT": "Waiting for its payment until payBy (group-buy: holds a seat).",
        "PAID_AWAITING_TEAM": "Group-buy only: paid; ships only if the team forms.",
        "TO_SHIP": "Paid (group-buy: the team formed); waiting to ship.",
        "SHIPPED": "On its way.",
        "COMPLETED": "Finished: nothing more happens to it.",
        "CANCELLED": "Given back or not paid by payBy; nothing was charged.",
        "REFUNDING": "A refund is under way (e.g. the team failed).",
        "REFUNDED": "Refunded: see `refunded`.",
        "REFUND_FAILED": "The refund failed; operators retry it.",
    })


def _money(amount: int, currency: str) -> Money:
    return Money(amount=amount, currency=currency)  # type: ignore[arg-type]


@strawberry.type(description="One SKU of an order as bought, with what each discount took off it (a group-buy "
                             "order has one line: its SKU × quantity at the group price).")
class OrderLine:
    line: strawberry.Private[rules.OrderLineView]
    currency: strawberry.Private[str]
    order_id: strawberry.Private[str] = ""  # which order and which of its lines (features' fields read them)
    index: strawberry.Private[int] = 0

    @strawberry.field(description="The SKU as it is now; null if its product is gone.")
    async def sku(self, info: Ctx) -> Sku | None:
        return await sku_of(info, self.line.product_id, self.line.sku_id)

    @strawberry.field(description="The `Sku` id bought (even if the product is gone since).")
    def sku_id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("Sku", self.line.product_id, self.line.sku_id))

    @strawberry.field(description="The product's name when it was bought (empty when not recorded).")
    def product_name(self) -> str:
        return self.line.product_name

    @strawberry.field
    def quantity(self) -> int:
        return self.line.quantity

    @strawberry.field(description="Price per unit when bought.")
    def unit_price(self) -> Money:
        return _money(self.line.unit_price, self.currency)

    @strawberry.field(description="Unit price × quantity.")
    def items(self) -> Money:
        return _money(self.line.items, self.currency)

    @strawberry.field(description="This line's share of its order's promotion.")
    def promotion(self) -> Money:
        return _money(self.line.promotion, self.currency)

    @strawberry.field(description="This line's share of the coupons used (merchant and platform).")
    def coupons(self) -> Money:
        return _money(self.line.coupons, self.currency)

    @strawberry.field(description="This line's share of the points used, as money.")
    def points(self) -> Money:
        return _money(self.line.points, self.currency)

    @strawberry.field(description="What this line cost after every discount: what refunding it returns.")
    def total(self) -> Money:
        return _money(self.line.total, self.currency)


@strawberry.type(description="An order of either kind (`kind`); fields of the other kind are null. Money in fen.")
class Order(Node):
    view: strawberry.Private[rules.OrderView]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("Order", self.view.id))

    @strawberry.field
    def kind(self) -> OrderKind:  # type: ignore[valid-type]
        return self.view.kind

    @strawberry.field
    def state(self) -> OrderState:  # type: ignore[valid-type]
        return self.view.state

    @strawberry.field(description="What the state means for the customer, in English and Chinese.")
    def status_text(self) -> str:
        return self.view.status_text

    @strawberry.field(description="The merchant whose goods these are (a group-buy order: its deal's; null on one "
                                  "taken before orders kept it).")
    def merchant_id(self) -> strawberry.ID | None:
        return None if self.view.merchant_id is None else strawberry.ID(self.view.merchant_id)

    @strawberry.field(description="What was bought, line by line.")
    def lines(self) -> list[OrderLine]:
        return [OrderLine(line=line, currency=self.view.currency, order_id=self.view.id, index=i)
                for i, line in enumerate(self.view.lines)]

    @strawberry.field(description="What this order charges (the same as `total`).")
    def amount(self) -> Money:
        return _money(self.view.total, self.view.currency)

    @strawberry.field(description="Sum of the lines' unit price × quantity.")
    def items(self) -> Money:
        return _money(self.view.items, self.view.currency)

    @strawberry.field(description="Off by the merchant's promotion (满减).")
    def promotion(self) -> Money:
        return _money(self.view.promotion, self.view.currency)

    @strawberry.field(description="Off by coupons: the order's merchant coupon and its share of a platform coupon.")
    def coupons(self) -> Money:
        return _money(self.view.coupons, self.view.currency)

    @strawberry.field(description="Off by points, as money.")
    def points(self) -> Money:
        return _money(self.view.points, self.view.currency)

    @strawberry.field(description="Shipping fee.")
    def shipping(self) -> Money:
        return _money(self.view.shipping, self.view.currency)

    @strawberry.field(description="Items − promotion − coupons − points + shipping: what this order charges.")
    def total(self) -> Money:
        return _money(self.view.total, self.view.currency)

    @strawberry.field(description="Units bought, all lines together.")
    def quantity(self) -> int:
        return sum(line.quantity for line in self.view.lines)

    @strawberry.field(description="Points redeemed on this order at checkout.")
    def points_used(self) -> int:
        return self.view.points

    @strawberry.field(description="Taken off by those points (fen); the same as `points`.")
    def points_discount(self) -> Money:
        return _money(self.view.points, self.view.currency)

    @strawberry.field(description="Pay before this, or the order is cancelled (group-buy: the seat goes back).")
    def pay_by(self) -> datetime:
        return self.view.pay_by

    @strawberry.field
    def paid_at(self) -> datetime | None:
        return self.view.paid_at

    @strawberry.field
    def created_at(self) -> datetime:
        return self.view.created_at

    @strawberry.field(description="Refunded so far, in the order's currency (0 when none).")
    def refunded(self) -> Money:
        return _money(self.view.refunded, self.view.currency)

    @strawberry.field(description="What led to it (the `source` given when it was placed): shown to its buyer, its "
                                  "merchant and operators; null to anyone else, and when no source was given.")
    def attribution(self, info: Ctx) -> OrderAttribution | None:
        return attribution_field(info.context.principal, self.view)


@strawberry.type
class OrderEdge:
    node: Order
    cursor: str


@strawberry.type
class OrderConnection:
    edges: list[OrderEdge]
    page_info: PageInfo


def order_connection(scope: str, page: Page[rules.OrderView]) -> OrderConnection:
    """Orders by id (a position is an order id)."""
    return connection(OrderConnection, OrderEdge, scope, page, lambda o: Order(view=o))
