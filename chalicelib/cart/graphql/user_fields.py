"""The cart's field on User: your cart."""
from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.accounts.published.graphql import user_fields
from chalicelib.cart import service
from chalicelib.cart.graphql.types import Cart


@user_fields
@strawberry.type
class CartUserFields:
    @strawberry.field(description="Your cart: one Query, plus one BatchGetItem per 100 distinct products and "
                                  "SKUs of its lines (see docs/data-model.md).")
    def cart(self, info: Info) -> Cart:
        return Cart(user_id=self.user_id, summary=service.own_cart(info.context.principal, self.user_id))
