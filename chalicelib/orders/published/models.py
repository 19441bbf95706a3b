"""For order kinds' items: the shipping, after-sales and attribution attributes to mix in, and reading them."""
from __future__ import annotations

from chalicelib.orders.models import (
    AttributionAttributes,
    AttributionMap,
    DeliveryAttributes,
    attribution_from,
    attribution_map,
    delivery_of,
)

__all__ = ["AttributionAttributes", "AttributionMap", "DeliveryAttributes", "attribution_from", "attribution_map",
           "delivery_of"]
