"""Group-buy's fields on User: your orders and your teams."""
from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.accounts.published.graphql import user_fields
from chalicelib.core.graphql.pagination import After, First, after_position, page_size
from chalicelib.groupbuy import service
from chalicelib.groupbuy.graphql.types import (
    OrderConnection,
    TeamConnection,
    order_connection,
    team_connection_of_seats,
)


@user_fields
@strawberry.type
class GroupBuyUserFields:
    @strawberry.field(description="Your group-buy orders, newest first.")
    def orders(self, info: Info, first: First = None, after: After = None) -> OrderConnection | None:
        scope = f"orders:{self.user_id}"
        return order_connection(scope, service.orders_of(info.context.principal, self.user_id, page_size(first),
                                                         after_position(scope, after)))

    @strawberry.field(description="Teams you opened or joined, newest first.")
    def teams(self, info: Info, first: First = None, after: After = None) -> TeamConnection | None:
        scope = f"teams:{self.user_id}"
        seats, teams = service.teams_of(info.context.principal, self.user_id, page_size(first),
                                        after_position(scope, after))
        return team_connection_of_seats(scope, seats, teams)
