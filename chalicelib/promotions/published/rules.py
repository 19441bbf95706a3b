"""Promotion rules for checkout (pure): the types, whether one runs, what it takes off, which one applies."""
from __future__ import annotations

from chalicelib.promotions.rules import (
    Promotion,
    Tier,
    best_promotion,
    eligible_amount,
    is_active,
    promotion_discount,
)

__all__ = ["Promotion", "Tier", "best_promotion", "eligible_amount", "is_active", "promotion_discount"]
