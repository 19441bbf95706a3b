"""Catalog GraphQL types other features return or extend (Product, Sku, Media)."""
from __future__ import annotations

from chalicelib.catalog.graphql.types import Media, MediaKind, Product, Sku, sku_of, visible_product

__all__ = ["Media", "MediaKind", "Product", "Sku", "sku_of", "visible_product"]
