"""Cart use cases: the caller's own cart only (the principal's user id, never an input)."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from chalicelib.cart import store
from chalicelib.cart.rules import (
    CartChanged,
    CartLine,
    CartSummary,
    ProductNotAvailable,
    check_added_quantity,
    check_quantity,
    summarise,
    view_line,
)
from chalicelib.catalog.published.rules import ProductStatus
from chalicelib.core.errors import NotFound, Required, ValidationFailed
from chalicelib.core.principal import Principal, require_self, require_user

MAX_SKU_IDS = 100  # SKUs one remove or select names: a cart has no more lines
ADD_ATTEMPTS = 3  # a line removed between a refused add and the retry


def cart_of(user_id: str, *, consistent: bool = False) -> CartSummary:
    """The cart as the customer sees it: one Query, plus one BatchGetItem per 100 distinct
    products and SKUs (1 for up to 50 lines of distinct products, 2 for 100)."""
    lines = store.read_lines(user_id, consistent=consistent)
    offers = store.offers((line.product_id, line.sku_id) for line in lines)
    return summarise(view_line(line, offers[(line.product_id, line.sku_id)]) for line in lines)


def own_cart(principal: Principal | None, user_id: str | None = None, *, consistent: bool = False) -> CartSummary:
    """The caller's cart (``user_id``, if given, must be the caller: ``me.cart``)."""
    caller = require_user(principal) if user_id is None else require_self(principal, user_id, "your own cart")
    return cart_of(caller.user_id, consistent=consistent)


def visible_cart(principal: Principal | None, user_id: str) -> CartSummary | None:
    """``node(id:)``: a cart is seen by its owner only; None for anyone else, as for no cart."""
    if principal is None or principal.user_id != user_id:
        return None
    return cart_of(user_id)


def add(principal: Principal | None, product_id: str, sku_id: str, quantity: int, now: datetime) -> None:
    """A new line (selected, at today's price), or more units on the SKU's line (selected again).
    Reads the product and SKU (one BatchGetItem), then one transaction for a new line, or one
    UpdateItem (after the transaction's refusal) for a line that exists."""
    user_id = require_user(principal).user_id
    check_quantity(quantity, "quantity")
    offer = store.offers([(product_id, sku_id)])[(product_id, sku_id)]
    if offer.product_status is None or offer.unit_price is None:
        raise NotFound("no such SKU", "skuId")
    if offer.product_status is not ProductStatus.ACTIVE:
        raise ProductNotAvailable("the product is not on sale", "skuId")
    line = CartLine(sku_id=sku_id, product_id=product_id, quantity=quantity, selected=True,
                    unit_price_when_added=offer.unit_price, added_at=now)
    for _ in range(ADD_ATTEMPTS):
        try:
            store.add_new_line(user_id, line, now)
            return
        except store.LineExists:
            pass
        if store.add_to_line(user_id, sku_id, quantity):
            return
        held = store.get_line(user_id, sku_id)
        if held is not None:
            check_added_quantity(held.quantity, quantity, "quantity")
            # The quantity changed again between the update and the read: try again.
    raise CartChanged("the cart changed meanwhile; try again", "skuId")


def update(principal: Principal | None, sku_id: str, *, quantity: int | None, selected: bool | None) -> None:
    user_id = require_user(principal).user_id
    if quantity is None and selected is None:
        raise Required("give quantity or selected", "quantity")
    if quantity is not None:
        check_quantity(quantity, "quantity")
    if not store.update_line(user_id, sku_id, quantity=quantity, selected=selected):
        raise NotFound("that SKU is not in your cart", "skuId")


def _check_sku_ids(sku_ids: Sequence[str], field: str) -> list[str]:
    if not sku_ids:
        raise Required("name at least one SKU", field)
    if len(sku_ids) > MAX_SKU_IDS:
        raise ValidationFailed(f"at most {MAX_SKU_IDS} SKUs at once", field)
    return list(dict.fromkeys(sku_ids))


def remove(principal: Principal | None, sku_ids: Sequence[str], now: datetime) -> None:
    """Remove the named lines; a SKU not in the cart is ignored (removing twice is harmless).
    One Query, then one transaction per 99 lines."""
    user_id = require_user(principal).user_id
    wanted = _check_sku_ids(sku_ids, "skuIds")
    held = {line.sku_id for line in store.read_lines(user_id, consistent=True)}
    present = [s for s in wanted if s in held]
    if present:
        store.delete_lines(user_id, present, now)


def select(principal: Principal | None, sku_ids: Sequence[str] | None, all_lines: bool, selected: bool) -> None:
    """Select (or unselect) the named lines, or every line with ``all_lines``. Lines already so are
    left alone; a SKU not in the cart is NOT_FOUND and nothing changes. One Query, then one
    transaction per 100 lines that change (none if none)."""
    user_id = require_user(principal).user_id
    if all_lines == (sku_ids is not None):
        raise ValidationFailed("give either skuIds or all: true", "skuIds")
    lines = {line.sku_id: line for line in store.read_lines(user_id, consistent=True)}
    if all_lines:
        wanted = list(lines)
    else:
        wanted = _check_sku_ids(sku_ids or [], "skuIds")
        for i, sku_id in enumerate(sku_ids or []):
            if sku_id not in lines:
                raise NotFound("that SKU is not in your cart", f"skuIds.{i}")
    changing = [s for s in wanted if lines[s].selected != selected]
    if changing:
        store.set_selected(user_id, changing, selected)
