"""SKUs as a buyer sees them (a cart, a checkout): product and SKU read together, for
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
    product: Product
    sku: Sku

    @property
    def on_sale(self) -> bool:
        """The product is active and still lists the SKU (archived, draft or dropped: not)."""
        return self.product.status is ProductStatus.ACTIVE and self.sku.id in self.product.sku_ids

    @property
    def available(self) -> int:
        return self.sku.stock.available


def skus_for_sale(pairs: Iterable[tuple[str, str]]) -> dict[str, SkuForSale]:
    """(product id, SKU id) pairs → what is on record by SKU id; a SKU or product that
    does not exist is absent. One BatchGetItem per 100 keys (each distinct product and
    SKU is one key)."""
    wanted = list(dict.fromkeys(pairs))
    products: dict[str, Product] = {}
    skus: dict[str, Sku] = {}
    request = [(keys.product_pk(p), keys.PRODUCT_SK) for p, _ in wanted] + [
        (keys.product_pk(p), keys.sku_sk(s)) for p, s in wanted]
    for item in batch_get(request):
        if isinstance(item, ProductItem):
            products[item.product_id] = to_product(item)
        elif isinstance(item, SkuItem):
            skus[item.sku_id] = to_sku(item)
    return {s: SkuForSale(products[p], skus[s]) for p, s in wanted if p in products and s in skus
            and skus[s].product_id == p}
