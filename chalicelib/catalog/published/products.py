"""Products for your reads: a product by id, and its item and key for your own batch read."""
from __future__ import annotations

from chalicelib.catalog.keys import PRODUCT_SK, product_pk, sku_sk
from chalicelib.catalog.models import ProductItem, SkuItem
from chalicelib.catalog.store import product_record, to_product

__all__ = ["PRODUCT_SK", "ProductItem", "SkuItem", "product_pk", "product_record", "sku_sk", "to_product"]
