"""Products to put in carts, and carts filled directly (a 95-line cart in one BatchWriteItem
chunk set, rather than 95 transactions)."""
from __future__ import annotations

from datetime import datetime, timedelta

from chalicelib.cart import keys
from chalicelib.cart.models import CartItem, CartLineItem
from chalicelib.catalog import service as catalog
from chalicelib.catalog.rules import MAX_SKUS_PER_PRODUCT, ProductStatus
from chalicelib.core.clock import iso, utc_now
from chalicelib.core.graphql.ids import to_global_id
from chalicelib.core.ids import new_id
from chalicelib.core.principal import Principal, Role
from chalicelib.core.table.batch import batch_write

MERCHANT = Principal("01J0000000000000000000MRCH", Role.MERCHANT)
OPERATOR = Principal("01J0000000000000000000OPER", Role.OPERATOR)


def customer() -> Principal:
    return Principal(new_id(), Role.CUSTOMER)


def skus(count: int, *, price: int = 1000, stock: int = 10) -> list[tuple[str, str]]:
    """``count`` (product id, SKU id) pairs of active products, 50 SKUs a product."""
    category = catalog.create_category(OPERATOR, "Fruit", None)
    pairs: list[tuple[str, str]] = []
    while len(pairs) < count:
        size = min(MAX_SKUS_PER_PRODUCT, count - len(pairs))
        record = catalog.create_product(MERCHANT, catalog.NewProduct(
            category_id=category.id, name="Mango", status=ProductStatus.ACTIVE,
            skus=tuple(catalog.SkuInput(code=f"M{i}", price=price, stock=stock) for i in range(size)),
        ), utc_now())
        pairs += [(record.product.id, sku.id) for sku in record.skus]
    return pairs


def sku_gid(pair: tuple[str, str]) -> str:
    return to_global_id("Sku", *pair)


def fill_cart(user_id: str, pairs: list[tuple[str, str]], *, price: int = 1000, quantity: int = 1,
              start: datetime | None = None) -> None:
    """Lines for ``pairs`` and a header counting them, written without the service's transactions."""
    start = start or utc_now() - timedelta(days=1)
    lines = []
    for i, (product_id, sku_id) in enumerate(pairs):
        line = CartLineItem(keys.cart_pk(user_id), keys.line_sk(sku_id))
        line.product_id, line.sku_id, line.quantity, line.selected = product_id, sku_id, quantity, True
        line.unit_price_when_added, line.added_at = price, iso(start + timedelta(seconds=i))
        lines.append(line)
    header = CartItem(keys.cart_pk(user_id), keys.CART_SK)
    header.line_count, header.updated_at = len(pairs), iso(start)
    batch_write([header, *lines])
