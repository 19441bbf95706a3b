"""Everything a checkout reads, each in a fixed number of requests whatever the number of
lines: the cart's selected lines (1 Query), their products and SKUs (1 BatchGetItem per
100 keys), the merchants' promotions (1 BatchGetItem), the customer's coupons (1 Query),
points account (1 GetItem) and the address (1 or 2 GetItems)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from chalicelib.addresses.published.checkout import ShippingAddress, address_for_checkout, default_address
from chalicelib.cart.published.checkout import CartLine, selected_lines
from chalicelib.catalog.published.for_sale import SkuForSale, skus_for_sale
from chalicelib.checkout.pricing import Line
from chalicelib.checkout.rules import CHECKOUT_CURRENCY, BuyNow, LineNotForSale, LineOutOfStock, NothingToCheckOut
from chalicelib.community.published.checkout import PickupOffer
from chalicelib.coupons.published.checkout import usable_coupons
from chalicelib.coupons.published.rules import Coupon
from chalicelib.points.published.checkout import get_account
from chalicelib.promotions.published.checkout import promotions_of
from chalicelib.promotions.published.rules import Promotion


@dataclass(frozen=True, slots=True)
class Basket:
    """The lines to buy, priced at their SKUs' current prices, with what the catalog says of each."""

    lines: tuple[Line, ...]
    for_sale: dict[tuple[str, str], SkuForSale]  # by (product id, SKU id)
    cart_lines: tuple[CartLine, ...]  # empty for a buy-now checkout


def basket(user_id: str, buy_now: BuyNow | None) -> Basket:
    """The cart's selected lines or the buy-now SKU, each checked on sale and in stock
    (typed errors naming the line; nothing is dropped silently)."""
    if buy_now is not None:
        wanted = [(buy_now.product_id, buy_now.sku_id, buy_now.quantity, "buyNow")]
        cart: tuple[CartLine, ...] = ()
    else:
        cart = tuple(selected_lines(user_id))
        if not cart:
            raise NothingToCheckOut("select at least one cart line to check out", "lines")
        wanted = [(c.product_id, c.sku_id, c.quantity, f"lines.{i}") for i, c in enumerate(cart)]
    found, lines = _on_sale(wanted)
    return Basket(tuple(lines), found, cart)


def pickup_basket(offer: PickupOffer, wanted: tuple[BuyNow, ...]) -> Basket:
    """A round's lines for pickup at their round prices (the offer's), each checked on sale and in stock."""
    prices = {(line.product_id, line.sku_id): line.price for line in offer.lines}
    found, lines = _on_sale([(w.product_id, w.sku_id, w.quantity, f"pickup.lines.{i}") for i, w in enumerate(wanted)],
                            prices, offer.merchant_id)
    return Basket(tuple(lines), found, ())


def _on_sale(wanted: list[tuple[str, str, int, str]], prices: dict[tuple[str, str], int] | None = None,
             merchant_id: str | None = None) -> tuple[dict[tuple[str, str], SkuForSale], list[Line]]:
    """What the catalog says of each wanted (product, SKU, quantity, field path), and its line at the SKU's price
    (or at ``prices``' price, when a round sets it)."""
    found = skus_for_sale((p, s) for p, s, _, _ in wanted)
    lines = []
    for product_id, sku_id, quantity, path in wanted:
        item = found[(product_id, sku_id)]
        if not item.on_sale or item.product is None or item.sku is None:
            raise LineNotForSale("this product is no longer for sale", path)
        if merchant_id is not None and item.product.merchant_id != merchant_id:
            raise LineNotForSale("this product is no longer sold by the round's merchant", path)
        if item.sku.price.currency != CHECKOUT_CURRENCY:
            # WeChat Pay charges CNY, and coupons, promotions and points are fen of it: a SKU
            # priced in another currency is not sold here rather than charged as if in fen.
            raise LineNotForSale(f"priced in {item.sku.price.currency}; checkout takes {CHECKOUT_CURRENCY} only", path)
        if item.available < quantity:
            raise LineOutOfStock(f"only {item.available} left", path)
        price = item.sku.price.amount if prices is None else prices[(product_id, sku_id)]
        lines.append(Line(sku_id, product_id, item.product.merchant_id, item.product.category_id, price, quantity))
    return found, lines


def promotions(lines: tuple[Line, ...], now: datetime) -> dict[str, list[Promotion]]:
    return promotions_of({line.merchant_id for line in lines}, now)


def coupons(user_id: str, now: datetime) -> list[Coupon]:
    return usable_coupons(user_id, now)


def points_available(user_id: str) -> int:
    return get_account(user_id).available


def address(user_id: str, address_id: str | None) -> ShippingAddress | None:
    return default_address(user_id) if address_id is None else address_for_checkout(user_id, address_id)
