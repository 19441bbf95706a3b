"""SKUs as a buyer sees them (a cart, a checkout): each product and SKU read together, for
any number of lines in one BatchGetItem per 100 distinct keys (a product and a SKU key each)."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from chalicelib.catalog import keys
from chalicelib.catalog.models import ProductItem, SkuItem
from chalicelib.catalog.rules import Product, ProductStatus, Sku
from chalicelib.catalog.store import to_product, to_sku
from chalicelib.core.table.batch import batch_get


@dataclass(frozen=True, slots=True)
class SkuForSale:
    """What the catalog says now of one (product, SKU): either may be gone (None)."""

    product: Product | None
    sku: Sku | None

    @property
    def on_sale(self) -> bool:
        """The product is active and still lists the SKU (archived, draft or dropped: not)."""
        return (self.product is not None and self.sku is not None and self.product.status is ProductStatus.ACTIVE
                and self.sku.id in self.product.sku_ids)

    @property
    def available(self) -> int:
        return 0 if self.sku is None else self.sku.stock.available


def skus_for_sale(pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], SkuForSale]:
    """(product id, SKU id) → what is on record for each pair asked."""
    wanted = list(dict.fromkeys(pairs))
    request = [(keys.product_pk(p), keys.PRODUCT_SK) for p in dict.fromkeys(p for p, _ in wanted)]
    request += [(keys.product_pk(p), keys.sku_sk(s)) for p, s in wanted]
    products: dict[str, Product] = {}
    skus: dict[tuple[str, str], Sku] = {}
    for item in batch_get(request):
        if isinstance(item, ProductItem):
            products[item.product_id] = to_product(item)
        elif isinstance(item, SkuItem):
            skus[(item.product_id, item.sku_id)] = to_sku(item)
    return {(p, s): SkuForSale(products.get(p), skus.get((p, s))) for p, s in wanted}
