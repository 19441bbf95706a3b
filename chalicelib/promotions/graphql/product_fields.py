"""Promotions' field on catalog's Product: the running promotions covering it (a product page's 满99减10)."""
from __future__ import annotations

import strawberry

from chalicelib.catalog.published.graphql import Product
from chalicelib.core.graphql.context import Ctx
from chalicelib.core.graphql.extend import extends
from chalicelib.promotions.graphql.types import Promotion


@extends(Product)
@strawberry.type
class ProductPromotionsFields:
    @strawberry.field(description="The merchant's running promotions covering this product. A page of products "
                                  "reads all their merchants' promotions in one request.")
    async def promotions(self, info: Ctx) -> list[Promotion]:
        product = self.product
        running = await info.context.loaders.merchant_promotions.load(product.merchant_id)
        return [Promotion(promotion=p) for p in running if p.covers(product.id)]
