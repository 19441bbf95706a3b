"""Catalog rules other features build on (pure: media kinds, a product's status, a SKU)."""
from __future__ import annotations

from chalicelib.catalog.rules import Media, MediaKind, Product, ProductStatus, Sku

__all__ = ["Media", "MediaKind", "Product", "ProductStatus", "Sku"]
