"""Points' field on User: your points account."""
from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.accounts.published.graphql import user_fields
from chalicelib.points.graphql.types import PointsAccount, points_account


@user_fields
@strawberry.type
class PointsUserFields:
    @strawberry.field(description="Your points (积分), growth value and tier: one DynamoDB request.")
    def points(self, info: Info) -> PointsAccount:
        self.require_self(info, "your own orders, teams and points")
        return points_account(self.user_id)
