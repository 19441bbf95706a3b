"""What the checkout uses to sell a community round for pickup (chalicelib/community/ordering.py)."""
from __future__ import annotations

from chalicelib.community.ordering import (
    PickupOffer,
    PickupPlace,
    add_order_claims,
    add_paid,
    add_release,
    pickup_offer,
)
from chalicelib.community.rules_rounds import Wanted

__all__ = ["PickupOffer", "PickupPlace", "Wanted", "add_order_claims", "add_paid", "add_release", "pickup_offer"]
