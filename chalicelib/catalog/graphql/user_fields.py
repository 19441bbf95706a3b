"""Catalog's fields on User: a merchant's own products."""
from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.accounts.published.graphql import user_fields
from chalicelib.catalog import service as catalog_service
from chalicelib.catalog.graphql.types import ProductConnection, connection_of
from chalicelib.core.graphql.pagination import BOTH_WAYS, After, Before, First, Last, page_request


@user_fields
@strawberry.type
class CatalogUserFields:
    @strawberry.field(description="A merchant's own products in every status, newest first (merchants only)."
                                  + BOTH_WAYS)
    def products(self, info: Info, first: First = None, after: After = None, last: Last = None,
                 before: Before = None) -> ProductConnection | None:
        scope = f"merchant:{self.user_id}"
        page = catalog_service.merchant_products(info.context.principal, self.user_id,
                                                 page_request(scope, first, after, last, before))
        return connection_of(scope, page)
