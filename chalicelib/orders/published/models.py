"""For order kinds' items: the shipping and after-sales attributes to mix in, and reading them."""
from __future__ import annotations

from chalicelib.orders.models import DeliveryAttributes, delivery_of

__all__ = ["DeliveryAttributes", "delivery_of"]
