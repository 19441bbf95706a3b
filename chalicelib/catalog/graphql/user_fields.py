"""Catalog's fields on User: a merchant's own products."""
from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.accounts.published.graphql import user_fields
from chalicelib.catalog import store as catalog_store
from chalicelib.catalog.graphql.types import ProductConnection, connection_of
from chalicelib.core.errors import Forbidden
from chalicelib.core.graphql.pagination import after_position, page_size
from chalicelib.core.principal import Role


@user_fields
@strawberry.type
class CatalogUserFields:
    @strawberry.field(description="A merchant's own products in every status, newest first (merchants only).")
    def products(self, info: Info, first: int | None = None, after: str | None = None) -> ProductConnection:
        principal = info.context.principal
        if principal is None or principal.user_id != self.user_id or principal.role is not Role.MERCHANT:
            raise Forbidden("only a merchant lists their own products here")
        scope = f"merchant:{self.user_id}"
        page = catalog_store.merchant_products(self.user_id, page_size(first), after_position(scope, after))
        return connection_of(scope, page)
