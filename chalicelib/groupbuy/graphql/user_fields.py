"""Group-buy's field on User: your teams (your orders of every kind: the orders feature's me.orders)."""
from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.accounts.published.graphql import user_fields
from chalicelib.core.graphql.pagination import BOTH_WAYS, After, Before, First, Last, page_request
from chalicelib.groupbuy import service
from chalicelib.groupbuy.graphql.types import (
    TeamConnection,
    team_connection_of_seats,
)


@user_fields
@strawberry.type
class GroupBuyUserFields:
    @strawberry.field(description="Teams you opened or joined, newest first." + BOTH_WAYS)
    def teams(self, info: Info, first: First = None, after: After = None, last: Last = None,
              before: Before = None) -> TeamConnection | None:
        scope = f"teams:{self.user_id}"
        seats, teams = service.teams_of(info.context.principal, self.user_id,
                                        page_request(scope, first, after, last, before))
        return team_connection_of_seats(scope, seats, teams)
