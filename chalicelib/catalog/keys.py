"""Catalog keys: categories, products, SKUs, tags, stock reservations."""
from __future__ import annotations

PRODUCT_SK = "PRODUCT"
CATEGORY_SK = "CATEGORY"
RESERVATION_SK = "RESERVATION"
CATEGORY_TREE = "CATEGORY_TREE"
SKU_PREFIX = "SKU#"
TAG_PREFIX = "TAG#"


def product_pk(product_id: str) -> str:
    return f"PRODUCT#{product_id}"


def sku_sk(sku_id: str) -> str:
    return f"{SKU_PREFIX}{sku_id}"


def tag_sk(tag: str) -> str:
    return f"{TAG_PREFIX}{tag}"


def category_pk(category_id: str) -> str:
    return f"CATEGORY#{category_id}"


def category_products(category_id: str) -> str:
    """GSI1 partition: active products of a category, newest first."""
    return f"CATEGORY#{category_id}#PRODUCTS"


def category_skus(category_id: str) -> str:
    """GSI2 partition: SKUs of the category's active products, sorted as the products."""
    return f"CATEGORY#{category_id}#SKUS"


def category_sku_sort(product_id: str, sku_id: str) -> str:
    return f"{product_id}#{sku_id}"


def tag_products(tag: str) -> str:
    """GSI1 partition: active products carrying a tag, newest first."""
    return f"TAG#{tag}#PRODUCTS"


def merchant_products(merchant_id: str) -> str:
    """GSI2 partition: every product of a merchant, whatever its status."""
    return f"MERCHANT#{merchant_id}#PRODUCTS"


def reservation_pk(reservation_id: str) -> str:
    return f"RESERVATION#{reservation_id}"
