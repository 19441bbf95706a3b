"""The cart's field on User: your cart."""
from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.accounts.published.graphql import user_fields
from chalicelib.cart.graphql.types import Cart, cart_of
from chalicelib.core.principal import require_self


@user_fields
@strawberry.type
class CartUserFields:
    @strawberry.field(description="Your cart: one Query, plus one BatchGetItem per 100 distinct products and "
                                  "SKUs of its lines (see docs/data-model.md).")
    def cart(self, info: Info) -> Cart:
        return cart_of(require_self(info.context.principal, self.user_id, "your own cart").user_id)
