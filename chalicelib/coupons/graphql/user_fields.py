"""Coupons' field on User: your coupons."""
from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from chalicelib.accounts.published.graphql import user_fields
from chalicelib.core.graphql.pagination import FORWARD_ONLY, After, First
from chalicelib.coupons import rules as domain
from chalicelib.coupons.graphql.types import CouponConnection, CouponStatus, coupon_connection


@user_fields
@strawberry.type
class CouponUserFields:
    @strawberry.field(description="Your coupons: AVAILABLE expiring soonest first, EXPIRED most recently expired "
                                  "first, USED most recently used first. One DynamoDB request a page." + FORWARD_ONLY)
    def coupons(self, info: Info, status: Annotated[CouponStatus, strawberry.argument(  # type: ignore[valid-type]
            description="Which coupons: AVAILABLE when omitted.")] = domain.CouponStatus.AVAILABLE,
            first: First = None, after: After = None) -> CouponConnection | None:
        return coupon_connection(info, self.user_id, status, first, after)
