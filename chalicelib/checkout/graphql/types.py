"""Checkout preview types: a breakdown per merchant order and per line, all Money in fen."""
from __future__ import annotations

import strawberry

from chalicelib.addresses.published.graphql import ShippingAddress
from chalicelib.catalog.published.graphql import Product, Sku
from chalicelib.checkout import pricing
from chalicelib.checkout.offers import CouponChoice
from chalicelib.checkout.preview import Preview
from chalicelib.community.published.graphql import OrderPickup
from chalicelib.community.published.models import snapshot_of_offer
from chalicelib.core.graphql.enums import described_enum
from chalicelib.core.graphql.ids import to_global_id
from chalicelib.core.graphql.money import Money
from chalicelib.coupons.published.graphql import Coupon
from chalicelib.coupons.published.rules import UNUSABLE_TEXT, Unusable

CouponUnusableReason = described_enum(Unusable, name="CouponUnusableReason",
                                     description="Why one of your coupons cannot be used in this checkout.",
                                     values=UNUSABLE_TEXT)

CNY = "CNY"  # the shop's currency: every amount at checkout is fen of it


def _money(amount: int) -> Money:
    return Money(amount=amount, currency=CNY)  # type: ignore[arg-type]


@strawberry.type(description="One line of a merchant order: its SKU and what each discount took off it "
                             "(apportioned to lines by largest remainder, so a later refund of this line is exact).")
class CheckoutLine:
    price: strawberry.Private[pricing.LinePrice]
    sku_record: strawberry.Private[object]
    product_record: strawberry.Private[object]

    @strawberry.field(description="The SKU bought.")
    def sku(self) -> Sku:
        return Sku(sku=self.sku_record)  # type: ignore[arg-type]

    @strawberry.field(description="Its product.")
    def product(self) -> Product:
        return Product(product=self.product_record)  # type: ignore[arg-type]

    @strawberry.field(description="Units of the SKU.")
    def quantity(self) -> int:
        return self.price.line.quantity

    @strawberry.field(description="The SKU's price now, per unit.")
    def unit_price(self) -> Money:
        return _money(self.price.line.unit_price)

    @strawberry.field(description="Unit price × quantity.")
    def items(self) -> Money:
        return _money(self.price.line.items)

    @strawberry.field(description="This line's share of its order's automatic promotion.")
    def promotion(self) -> Money:
        return _money(self.price.promotion)

    @strawberry.field(description="This line's share of its order's merchant coupon.")
    def merchant_coupon(self) -> Money:
        return _money(self.price.merchant_coupon)

    @strawberry.field(description="This line's share of the checkout's platform coupon.")
    def platform_coupon(self) -> Money:
        return _money(self.price.platform_coupon)

    @strawberry.field(description="This line's share of the points used, as money.")
    def points(self) -> Money:
        return _money(self.price.points)

    @strawberry.field(description="What this line costs after every discount (never negative).")
    def total(self) -> Money:
        return _money(self.price.paid)


@strawberry.type(description="What one merchant's order would cost (拆单: a checkout places one order per merchant).")
class CheckoutOrder:
    order: strawberry.Private[pricing.OrderPrice]
    preview: strawberry.Private[Preview]

    @strawberry.field(description="The merchant whose products these are.")
    def merchant_id(self) -> strawberry.ID:
        return strawberry.ID(self.order.merchant_id)

    @strawberry.field(description="The lines, as in the cart (or the buy-now SKU).")
    def lines(self) -> list[CheckoutLine]:
        found = self.preview.basket.for_sale
        return [CheckoutLine(price=p, sku_record=found[(p.line.product_id, p.line.sku_id)].sku,
                             product_record=found[(p.line.product_id, p.line.sku_id)].product)
                for p in self.order.lines]

    @strawberry.field(description="Sum of the lines' unit price × quantity.")
    def items(self) -> Money:
        return _money(self.order.items)

    @strawberry.field(description="Off by the merchant's automatic promotion (满减), the one giving most.")
    def promotion(self) -> Money:
        return _money(self.order.promotion)

    @strawberry.field(description="The promotion applied (a global `Promotion` id), null if none.")
    def promotion_id(self) -> strawberry.ID | None:
        pid = self.order.promotion_id
        return None if pid is None else strawberry.ID(to_global_id("Promotion", pid))

    @strawberry.field(description="Off by the merchant coupon chosen for this order.")
    def merchant_coupon(self) -> Money:
        return _money(self.order.merchant_coupon)

    @strawberry.field(description="This order's share of the platform coupon.")
    def platform_coupon(self) -> Money:
        return _money(self.order.platform_coupon)

    @strawberry.field(description="This order's share of the points used, as money.")
    def points(self) -> Money:
        return _money(self.order.points)

    @strawberry.field(description="Shipping fee (waived when the goods after discounts reach the free-shipping amount).")
    def shipping(self) -> Money:
        return _money(self.order.shipping)

    @strawberry.field(description="Items − promotion − coupons − points + shipping: what this order will charge.")
    def total(self) -> Money:
        return _money(self.order.total)


@strawberry.type(description="One of your coupons at this checkout: what it would take off here, or why it cannot.")
class CheckoutCoupon:
    choice: strawberry.Private[CouponChoice]

    @strawberry.field(description="The coupon.")
    def coupon(self) -> Coupon:
        return Coupon(coupon=self.choice.coupon)

    @strawberry.field(description="True when it can be used in this checkout.")
    def usable(self) -> bool:
        return self.choice.unusable is None

    @strawberry.field(description="True when the preview applied it (chosen by you, or the best for you).")
    def chosen(self) -> bool:
        return self.choice.chosen

    @strawberry.field(description="What it would take off here in place of the coupon chosen for its slot; 0 if unusable.")
    def discount(self) -> Money:
        return _money(self.choice.discount)

    @strawberry.field(description="Why it cannot be used here; null when usable.")
    def reason(self) -> CouponUnusableReason | None:  # type: ignore[valid-type]
        return self.choice.unusable

    @strawberry.field(description="The reason as a customer reads it; null when usable.")
    def reason_text(self) -> str | None:
        return None if self.choice.unusable is None else UNUSABLE_TEXT[self.choice.unusable]


@strawberry.type(description="Points at this checkout: 100 points are ¥1 off, at most half of the goods after discounts.")
class CheckoutPoints:
    used: int = strawberry.field(description="Points this preview uses (what you asked for).")
    max: int = strawberry.field(description="The most points this checkout can take (a whole number of units).")
    available: int = strawberry.field(description="Your points balance.")
    discount: Money = strawberry.field(description="What the points used take off, as money.")


@strawberry.type(description="A checkout's preview (确认订单): nothing is held or charged until placeOrder.")
class CheckoutPreview:
    preview: strawberry.Private[Preview]

    @strawberry.field(description="One order per merchant, in merchant order.")
    def orders(self) -> list[CheckoutOrder]:
        return [CheckoutOrder(order=o, preview=self.preview) for o in self.preview.price.orders]

    @strawberry.field(description="Sum of every line's unit price × quantity.")
    def items(self) -> Money:
        return _money(self.preview.price.items)

    @strawberry.field(description="Promotions and coupons together (points apart).")
    def discount(self) -> Money:
        p = self.preview.price
        return _money(sum(o.promotion + o.merchant_coupon + o.platform_coupon for o in p.orders))

    @strawberry.field(description="Sum of the orders' shipping fees.")
    def shipping(self) -> Money:
        return _money(sum(o.shipping for o in self.preview.price.orders))

    @strawberry.field(description="What the one payment for all orders will be.")
    def total(self) -> Money:
        return _money(self.preview.price.total)

    @strawberry.field(description="Points used, the most usable here, and your balance.")
    def points(self) -> CheckoutPoints:
        p = self.preview.price
        return CheckoutPoints(used=p.points_used, max=p.points_max, available=self.preview.points_available,
                              discount=_money(sum(o.points for o in p.orders)))

    @strawberry.field(description="Every coupon you hold: usable ones first, most off first; then the others "
                                  "with why not.")
    def coupons(self) -> list[CheckoutCoupon]:
        return [CheckoutCoupon(choice=c) for c in self.preview.coupons]

    @strawberry.field(description="Where it would ship (your default address unless you chose one); null when your "
                                  "address book is empty.")
    def shipping_address(self) -> ShippingAddress | None:
        return None if self.preview.address is None else ShippingAddress(snapshot=self.preview.address)

    @strawberry.field(description="Where and when it would be collected, for an order for `pickup`; null otherwise.")
    def pickup(self) -> OrderPickup | None:
        return None if self.preview.pickup is None else OrderPickup(snapshot=snapshot_of_offer(self.preview.pickup))
