"""``me.orders``: every kind together, newest first, one Query a page."""
from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from chalicelib.accounts.published.graphql import user_fields
from chalicelib.core.graphql.pagination import BOTH_WAYS, After, Before, First, Last, page_request
from chalicelib.orders import rules, service
from chalicelib.orders.graphql.types import OrderConnection, OrderState, order_connection

StateArgument = Annotated[list[OrderState] | None, strawberry.argument(  # type: ignore[valid-type]
    description="Only orders in these states (null or empty: every state).")]


@user_fields
@strawberry.type
class OrderUserFields:
    @strawberry.field(description=(
        "Your orders of every kind (group-buy and regular), newest first. `state` keeps only those states; it "
        "is applied to the orders a page reads, so a page may hold fewer than `first` (even none) while "
        "`hasNextPage` is true: read on from its `endCursor`, which is past every order it read." + BOTH_WAYS))
    def orders(self, info: Info, state: StateArgument = None,
               first: First = None, after: After = None, last: Last = None,
               before: Before = None) -> OrderConnection | None:
        scope = f"orders:{self.user_id}"
        states = None if not state else frozenset(rules.OrderState(s.value) for s in state)
        return order_connection(scope, service.orders_of(info.context.principal, self.user_id,
                                                         page_request(scope, first, after, last, before), states))
