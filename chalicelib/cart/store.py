"""The cart in the table. Items (docs/data-model.md lists the access patterns):

- ``CART#<user>`` / ``CART``: the header, ``line_count``: the number of lines. Every write
  that adds or removes lines changes it in the same transaction, so the 100-line limit
  holds under concurrency (a condition on the count, not a count read beforehand).
- ``CART#<user>`` / ``LINE#<sku>``: one line per SKU: product, quantity, selected, the
  unit price when added (fen), when added.

The whole cart is one Query of its partition; the catalog's products and SKUs of its
lines are one BatchGetItem per 100 keys (``offers``).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from pynamodb.exceptions import DoesNotExist

from chalicelib.cart import keys
from chalicelib.cart.models import CartItem, CartLineItem
from chalicelib.cart.rules import MAX_LINES, MAX_QUANTITY, CartChanged, CartFull, CartLine, Offer
from chalicelib.catalog.published.for_sale import skus_for_sale
from chalicelib.core.clock import from_iso, iso
from chalicelib.core.table.conditional import update_if
from chalicelib.core.table.models import TableItem
from chalicelib.core.table.transactions import MAX_ITEMS, Transaction

# Lines one transaction changes besides the header update.
LINES_PER_TRANSACTION = MAX_ITEMS - 1


class LineExists(Exception):
    """The SKU already has a line: add to its quantity instead."""


def _line(item: CartLineItem) -> CartLine:
    return CartLine(sku_id=item.sku_id, product_id=item.product_id, quantity=int(item.quantity),
                    selected=bool(item.selected), unit_price_when_added=int(item.unit_price_when_added),
                    added_at=from_iso(item.added_at))


def _line_ref(user_id: str, sku_id: str) -> CartLineItem:
    return CartLineItem(keys.cart_pk(user_id), keys.line_sk(sku_id))


def _header_ref(user_id: str) -> CartItem:
    return CartItem(keys.cart_pk(user_id), keys.CART_SK)


def read_lines(user_id: str, *, consistent: bool = False) -> list[CartLine]:
    """Every line of the cart: one Query of its partition (the header comes along and is skipped)."""
    found = TableItem.query(keys.cart_pk(user_id), consistent_read=consistent)
    return [_line(item) for item in found if isinstance(item, CartLineItem)]


def get_line(user_id: str, sku_id: str, *, consistent: bool = True) -> CartLine | None:
    try:
        return _line(CartLineItem.get(keys.cart_pk(user_id), keys.line_sk(sku_id), consistent_read=consistent))
    except DoesNotExist:
        return None


def line_count(user_id: str) -> int:
    try:
        return int(CartItem.get(keys.cart_pk(user_id), keys.CART_SK, consistent_read=True).line_count)
    except DoesNotExist:
        return 0


def offers(pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], Offer]:
    """What the catalog says now about each (product, SKU): one BatchGetItem of the distinct
    products and SKUs per 100 keys. A missing product or SKU gives an offer of Nones."""
    return {pair: Offer(product=found.product, sku=found.sku) for pair, found in skus_for_sale(pairs).items()}


# ---------------------------------------------------------------- adding
def add_new_line(user_id: str, line: CartLine, now: datetime) -> None:
    """ONE transaction: the line put if absent, and the header's count up by one below the
    limit. Raises LineExists (add to its quantity instead) or CartFull; writes nothing then."""
    tx = Transaction()
    tx.refuse("line", LineExists())
    tx.refuse("cart", CartFull(f"a cart holds at most {MAX_LINES} lines; remove one first", "skuId"))
    item = _line_ref(user_id, line.sku_id)
    item.product_id, item.sku_id, item.quantity = line.product_id, line.sku_id, line.quantity
    item.selected, item.unit_price_when_added, item.added_at = line.selected, line.unit_price_when_added, iso(line.added_at)
    tx.put("line", item, TableItem.PK.does_not_exist())
    tx.update("cart", _header_ref(user_id),
              [CartItem.line_count.add(1), CartItem.updated_at.set(iso(now)), CartItem.type.set(CartItem)],
              CartItem.line_count.does_not_exist() | (CartItem.line_count < MAX_LINES))
    tx.commit()


def add_to_line(user_id: str, sku_id: str, quantity: int) -> bool:
    """Add units to an existing line and select it (one conditional UpdateItem). False if the
    line is gone or would exceed the limit: the caller reads it to tell which."""
    return update_if(_line_ref(user_id, sku_id),
                     [CartLineItem.quantity.add(quantity), CartLineItem.selected.set(True)],
                     CartLineItem.PK.exists() & (CartLineItem.quantity <= MAX_QUANTITY - quantity))


# ---------------------------------------------------------------- changing
def update_line(user_id: str, sku_id: str, *, quantity: int | None, selected: bool | None) -> bool:
    """One conditional UpdateItem; False if the SKU has no line."""
    actions = []
    if quantity is not None:
        actions.append(CartLineItem.quantity.set(quantity))
    if selected is not None:
        actions.append(CartLineItem.selected.set(selected))
    if not actions:
        return get_line(user_id, sku_id) is not None
    return update_if(_line_ref(user_id, sku_id), actions, CartLineItem.PK.exists())


def _chunks(items: Sequence[str], size: int) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def delete_lines(user_id: str, sku_ids: Sequence[str], now: datetime) -> None:
    """Delete lines that exist (each conditioned on it) and lower the count by as many: one
    transaction per 99 lines. Raises CartChanged if one was removed meanwhile (the chunks
    before it are done; removing again is harmless)."""
    for chunk in _chunks(sku_ids, LINES_PER_TRANSACTION):
        tx = Transaction()
        tx.refuse("line:", CartChanged("the cart changed meanwhile; read it again"), prefix=True)
        for i, sku_id in enumerate(chunk):
            tx.delete(f"line:{i}", _line_ref(user_id, sku_id), CartLineItem.PK.exists())
        tx.update("cart", _header_ref(user_id), [CartItem.line_count.add(-len(chunk)),
                                                 CartItem.updated_at.set(iso(now))], CartItem.PK.exists())
        tx.commit()


def set_selected(user_id: str, sku_ids: Sequence[str], selected: bool) -> None:
    """Select or unselect existing lines: one transaction per 100 lines, each line conditioned
    on existing. Raises CartChanged if one was removed meanwhile."""
    for chunk in _chunks(sku_ids, MAX_ITEMS):
        tx = Transaction()
        tx.refuse("line:", CartChanged("the cart changed meanwhile; read it again"), prefix=True)
        for i, sku_id in enumerate(chunk):
            tx.update(f"line:{i}", _line_ref(user_id, sku_id), [CartLineItem.selected.set(selected)],
                      CartLineItem.PK.exists())
        tx.commit()


# ---------------------------------------------------------------- checkout
CHECKOUT_LINE_LABEL = "cart-line:"


def add_remove_lines(tx: Transaction, user_id: str, lines: Sequence[CartLine]) -> None:
    """Within the caller's transaction: delete the bought lines, each only if its quantity is
    still the one read, and lower the header's count by as many. Adds len(lines) + 1 items
    (none for no lines). A refused line raises CartChanged (declared here, after whatever the
    caller declared before)."""
    if not lines:
        return
    tx.refuse(CHECKOUT_LINE_LABEL, CartChanged("a cart line changed since it was read; read the cart again",
                                               "lines"), prefix=True)
    for i, line in enumerate(lines):
        tx.delete(f"{CHECKOUT_LINE_LABEL}{i}", _line_ref(user_id, line.sku_id),
                  CartLineItem.quantity == line.quantity)
    tx.update("cart-header", _header_ref(user_id), [CartItem.line_count.add(-len(lines))], CartItem.PK.exists())
