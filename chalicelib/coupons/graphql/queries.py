"""Coupon root fields, mixed into Query: the coupon centre, a product page's coupons, issuers' templates."""
from __future__ import annotations

from typing import Annotated

import strawberry

from chalicelib.core.clock import utc_now
from chalicelib.core.graphql.context import Ctx
from chalicelib.core.graphql.ids import from_global_id
from chalicelib.core.graphql.pagination import FORWARD_ONLY, After, First, after_position, page_size
from chalicelib.coupons import service
from chalicelib.coupons.graphql.types import CouponTemplate, CouponTemplateConnection, template_connection

CLAIMABLE_SCOPE = "coupon-templates"


@strawberry.type
class CouponQuery:
    @strawberry.field(description="The coupon centre (领券中心): public templates not ended, newest first "
                                  "(all-claimed ones too: `left` is 0). At most 100 a page." + FORWARD_ONLY)
    def coupon_templates(self, first: First = None, after: After = None) -> CouponTemplateConnection | None:
        page = service.claimable_templates(page_size(first), after_position(CLAIMABLE_SCOPE, after))
        return template_connection(CLAIMABLE_SCOPE, page)

    @strawberry.field(description="Coupons to claim on a product's page: claimable templates whose scope covers "
                                  "the product (looked for among the 100 newest claimable ones).")
    def claimable_coupons(self, product_id: Annotated[strawberry.ID, strawberry.argument(
            description="The `Product` id.")]) -> list[CouponTemplate] | None:
        (product,) = from_global_id(product_id, "Product", "productId")
        return [CouponTemplate(template=t) for t in service.claimable_for_product(product, utc_now())]

    @strawberry.field(description="Merchants: your coupon templates. Operators: the platform's, or a merchant's "
                                  "with `merchantId`. Ended ones too, newest first." + FORWARD_ONLY)
    def issued_coupon_templates(self, info: Ctx, merchant_id: Annotated[strawberry.ID | None, strawberry.argument(
            description="Operators: the merchant's `User` id; omit for platform templates.")] = None,
            first: First = None, after: After = None) -> CouponTemplateConnection | None:
        merchant = from_global_id(merchant_id, "User", "merchantId")[0] if merchant_id else None
        principal = info.context.principal
        scope = f"issued-coupon-templates:{merchant or (principal.user_id if principal else '')}"
        page = service.issuer_templates(principal, merchant, page_size(first), after_position(scope, after))
        return template_connection(scope, page)

    @strawberry.field(description="A coupon template by id: public ones for everyone, grant-only ones for their issuer.")
    def coupon_template(self, info: Ctx, id: Annotated[strawberry.ID, strawberry.argument(
            description="The `CouponTemplate` id.")]) -> CouponTemplate | None:
        (template_id,) = from_global_id(id, "CouponTemplate")
        found = service.visible_template(info.context.principal, template_id)
        return CouponTemplate(template=found) if found else None
