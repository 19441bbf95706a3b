"""The points mall's field on User: your redemptions."""
from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.accounts.published.graphql import user_fields
from chalicelib.core.graphql.pagination import BOTH_WAYS, After, Before, First, Last
from chalicelib.mall.graphql.types import MallRedemptionConnection, user_mall_redemptions


@user_fields
@strawberry.type
class MallUserFields:
    @strawberry.field(description="Your points-mall redemptions, newest first." + BOTH_WAYS)
    async def mall_redemptions(self, info: Info, first: First = None, after: After = None, last: Last = None,
                               before: Before = None) -> MallRedemptionConnection | None:
        return await user_mall_redemptions(self, info, first, after, last, before)
