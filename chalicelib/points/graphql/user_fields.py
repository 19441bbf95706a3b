"""Points' field on User: your points account."""
from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.accounts.published.graphql import user_fields
from chalicelib.points import service
from chalicelib.points.graphql.types import PointsAccount, points_account


@user_fields
@strawberry.type
class PointsUserFields:
    @strawberry.field(description="Your points (积分), growth value and tier: one DynamoDB request.")
    def points(self, info: Info) -> PointsAccount:
        return points_account(service.own_account(info.context.principal, self.user_id))
