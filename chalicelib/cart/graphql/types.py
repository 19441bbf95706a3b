"""Cart types: Cart (``me.cart``) and its CartLines, both Nodes readable by their owner only.

Resolvers only translate the service's CartSummary; every price is Money (fen)."""
from __future__ import annotations

from datetime import datetime

import strawberry

from chalicelib.cart import rules as domain
from chalicelib.cart import service
from chalicelib.catalog.published.graphql import Product, Sku
from chalicelib.core.graphql.context import Ctx
from chalicelib.core.graphql.enums import described_enum
from chalicelib.core.graphql.ids import to_global_id
from chalicelib.core.graphql.money import Money
from chalicelib.core.graphql.relay import Node, node_resolver

CartLineStatus = described_enum(domain.LineStatus, name="CartLineStatus",
                                description="Whether a cart line can be bought as it is.", values={
    domain.LineStatus.AVAILABLE: "For sale, with stock for the line's quantity.",
    domain.LineStatus.OUT_OF_STOCK: "For sale, but no unit is left now.",
    domain.LineStatus.INSUFFICIENT_STOCK: "For sale, but fewer units are left than the line's quantity (see "
                                          "`sku.stock.available`); lower the quantity to buy it.",
    domain.LineStatus.ARCHIVED: "No longer for sale: the product was archived or withdrawn, or the SKU removed. "
                                "Kept in the cart so you see it; remove it.",
})


def _money(amount: int | None, currency: str) -> Money | None:
    return None if amount is None else Money(amount=amount, currency=currency)


@strawberry.type(description="One SKU in your cart, with its price and stock as they are now.")
class CartLine(Node):
    user_id: strawberry.Private[str]
    viewed: strawberry.Private[domain.ViewedLine]

    @strawberry.field(description="`CartLine` global id: one per SKU in your cart.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("CartLine", self.user_id, self.viewed.line.sku_id))

    @strawberry.field(description="The product, whatever its state now (null only if it was deleted).")
    def product(self) -> Product | None:
        found = self.viewed.offer.product
        return None if found is None else Product(product=found)

    @strawberry.field(description="The SKU with its stock now; null if the merchant removed it.")
    def sku(self) -> Sku | None:
        found = self.viewed.offer.sku
        return None if found is None else Sku(sku=found)

    @strawberry.field(description="The `Sku` global id, even when the SKU is gone (to remove the line).")
    def sku_id(self) -> strawberry.ID:
        line = self.viewed.line
        return strawberry.ID(to_global_id("Sku", line.product_id, line.sku_id))

    @strawberry.field(description=f"Units: {domain.MIN_QUANTITY} to {domain.MAX_QUANTITY}.")
    def quantity(self) -> int:
        return self.viewed.line.quantity

    @strawberry.field(description="Chosen for checkout (new lines are selected).")
    def selected(self) -> bool:
        return self.viewed.line.selected

    @strawberry.field(description="Whether the line can be bought as it is.")
    def status(self) -> CartLineStatus:  # type: ignore[valid-type]
        return self.viewed.status

    @strawberry.field(description="The SKU's price now; null if the SKU is gone.")
    def unit_price(self) -> Money | None:
        return _money(self.viewed.unit_price, self._currency)

    @strawberry.field(description="The SKU's price when the line was added.")
    def unit_price_when_added(self) -> Money:
        return Money(amount=self.viewed.line.unit_price_when_added, currency=self._currency)

    @strawberry.field(description="True if `unitPrice` differs from `unitPriceWhenAdded` (show the change).")
    def price_changed(self) -> bool:
        return self.viewed.price_changed

    @strawberry.field(description="`unitPrice` x `quantity`; null if the SKU is gone.")
    def line_total(self) -> Money | None:
        return _money(self.viewed.line_total, self._currency)

    @strawberry.field(description="When the SKU was first added to the cart.")
    def added_at(self) -> datetime:
        return self.viewed.line.added_at

    @property
    def _currency(self) -> str:
        sku = self.viewed.offer.sku
        return "CNY" if sku is None else sku.price.currency


@strawberry.type(description="Your shopping cart: every line, newest first, including lines that cannot be "
                             "bought now (see `CartLine.status`).")
class Cart(Node):
    user_id: strawberry.Private[str]
    summary: strawberry.Private[domain.CartSummary]

    @strawberry.field(description="`Cart` global id; one cart per customer, readable by its owner only.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("Cart", self.user_id))

    @strawberry.field(description=f"Every line, newest first (at most {domain.MAX_LINES}: no paging).")
    def lines(self) -> list[CartLine]:
        return [CartLine(user_id=self.user_id, viewed=v) for v in self.summary.lines]

    @strawberry.field(description=f"Lines in the cart (at most {domain.MAX_LINES}).")
    def line_count(self) -> int:
        return self.summary.line_count

    @strawberry.field(description="Selected lines that can be bought as they are (status AVAILABLE).")
    def selected_line_count(self) -> int:
        return self.summary.selected_line_count

    @strawberry.field(description="Units of the lines counted in `selectedLineCount`.")
    def selected_quantity(self) -> int:
        return self.summary.selected_quantity

    @strawberry.field(description="Sum of `lineTotal` of the lines counted in `selectedLineCount`, before "
                                  "promotions and coupons (checkout's preview applies them).")
    def selected_subtotal(self) -> Money:
        return Money(amount=self.summary.selected_subtotal, currency="CNY")


@node_resolver("Cart")
def _cart_node(info: Ctx, parts: tuple[str, ...]) -> Cart | None:
    """Yours only."""
    summary = service.visible_cart(info.context.principal, parts[0])
    return None if summary is None else Cart(user_id=parts[0], summary=summary)


@node_resolver("CartLine", parts=2)
def _cart_line_node(info: Ctx, parts: tuple[str, ...]) -> CartLine | None:
    """Yours only; null once the line is removed."""
    summary = service.visible_cart(info.context.principal, parts[0])
    found = None if summary is None else next((v for v in summary.lines if v.line.sku_id == parts[1]), None)
    return None if found is None else CartLine(user_id=parts[0], viewed=found)
