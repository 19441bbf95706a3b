"""Cart rules (pure): the limits, a line's status and price flags, the selected subtotal.

A cart holds one line per SKU. Lines that can no longer be bought (archived product,
SKU gone, no stock) stay in the cart, flagged by their status, so the customer sees
why instead of finding them silently gone.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from chalicelib.catalog.published.rules import Product, ProductStatus, Sku
from chalicelib.core.errors import DomainError, ErrorCode, ValidationFailed

SHOP_CURRENCY = "CNY"  # the cart's subtotal is fen of it, as checkout charges
MAX_LINES = 100  # lines in one cart; the header item counts them so the limit holds under concurrency
MIN_QUANTITY = 1
MAX_QUANTITY = 99  # units of one SKU in one line


class CartFull(DomainError):
    code = ErrorCode.CART_FULL


class CartChanged(DomainError):
    """A line changed (its quantity, or it was removed) between the caller's read and its write."""

    code = ErrorCode.CART_CHANGED


class ProductNotAvailable(DomainError):
    """The SKU's product is not on sale (archived or a draft): it cannot be added."""

    code = ErrorCode.PRODUCT_NOT_AVAILABLE


class LineStatus(Enum):
    AVAILABLE = "AVAILABLE"
    OUT_OF_STOCK = "OUT_OF_STOCK"
    INSUFFICIENT_STOCK = "INSUFFICIENT_STOCK"
    ARCHIVED = "ARCHIVED"


@dataclass(frozen=True)
class CartLine:
    """A line as stored: checkout reads these (published/checkout.py). Prices in fen."""

    sku_id: str
    product_id: str
    quantity: int
    selected: bool
    unit_price_when_added: int
    added_at: datetime


@dataclass(frozen=True)
class Offer:
    """What the catalog says now about a line's SKU: None when the product or the SKU is gone."""

    product: Product | None
    sku: Sku | None

    @property
    def product_status(self) -> ProductStatus | None:
        return None if self.product is None else self.product.status

    @property
    def unit_price(self) -> int | None:
        return None if self.sku is None else self.sku.price.amount

    @property
    def available(self) -> int | None:
        return None if self.sku is None else self.sku.stock.available


@dataclass(frozen=True)
class ViewedLine:
    line: CartLine
    offer: Offer
    status: LineStatus
    unit_price: int | None  # fen now; None when the SKU is gone
    price_changed: bool
    line_total: int | None  # unit_price x quantity, fen

    @property
    def buyable(self) -> bool:
        """In stock, on sale, and priced in the currency checkout charges (a SKU priced in
        another currency shows its price but is neither counted nor checked out)."""
        return self.status is LineStatus.AVAILABLE and self.offer.sku is not None and \
            self.offer.sku.price.currency == SHOP_CURRENCY


@dataclass(frozen=True)
class CartSummary:
    lines: tuple[ViewedLine, ...]
    selected_subtotal: int  # fen: selected lines that can be bought as they are
    selected_line_count: int  # those lines
    selected_quantity: int  # their units

    @property
    def line_count(self) -> int:
        return len(self.lines)


def check_quantity(quantity: object, field: str) -> int:
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        raise ValidationFailed("must be a whole number", field)
    if not MIN_QUANTITY <= quantity <= MAX_QUANTITY:
        raise ValidationFailed(f"a cart line holds {MIN_QUANTITY} to {MAX_QUANTITY} units", field)
    return quantity


def check_added_quantity(held: int, added: int, field: str) -> None:
    """Adding a SKU already in the cart adds to its line, within the same limit."""
    if held + added > MAX_QUANTITY:
        raise ValidationFailed(f"a cart line holds at most {MAX_QUANTITY} units; this one has {held}", field)


def line_status(offer: Offer, quantity: int) -> LineStatus:
    if offer.product_status is not ProductStatus.ACTIVE or offer.unit_price is None or offer.available is None:
        return LineStatus.ARCHIVED  # archived, draft again, deleted, or the SKU removed
    if offer.available <= 0:
        return LineStatus.OUT_OF_STOCK
    if offer.available < quantity:
        return LineStatus.INSUFFICIENT_STOCK
    return LineStatus.AVAILABLE


def view_line(line: CartLine, offer: Offer) -> ViewedLine:
    price = offer.unit_price
    return ViewedLine(
        line=line,
        offer=offer,
        status=line_status(offer, line.quantity),
        unit_price=price,
        price_changed=price is not None and price != line.unit_price_when_added,
        line_total=None if price is None else price * line.quantity,
    )


def summarise(viewed: Iterable[ViewedLine]) -> CartSummary:
    """Newest lines first; the subtotal counts selected lines that can be bought as they are."""
    lines = tuple(sorted(viewed, key=lambda v: (v.line.added_at, v.line.sku_id), reverse=True))
    counted = [v for v in lines if v.line.selected and v.buyable]
    return CartSummary(
        lines=lines,
        selected_subtotal=sum(v.line_total or 0 for v in counted),
        selected_line_count=len(counted),
        selected_quantity=sum(v.line.quantity for v in counted),
    )
