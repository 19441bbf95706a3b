"""What led to an order (issue 14): the source kinds, the checked value, the shape check."""
from __future__ import annotations

from chalicelib.orders.attribution import MAX_REF_LENGTH, NONE_KIND, Attribution, SourceKind, attribution_of, stored

__all__ = ["MAX_REF_LENGTH", "NONE_KIND", "Attribution", "SourceKind", "attribution_of", "stored"]
