"""``carriers`` and a merchant's ``me.salesOrders``."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.types import Info

from chalicelib.accounts.published.graphql import user_fields
from chalicelib.core.graphql.pagination import BOTH_WAYS, After, Before, First, Last, page_request
from chalicelib.fulfilment import service
from chalicelib.fulfilment.graphql.types import Carrier
from chalicelib.fulfilment.rules import CARRIERS
from chalicelib.orders.published.graphql import OrderConnection, OrderState, order_connection
from chalicelib.orders.published.kinds import OrderState as StateRecord

StateArgument = Annotated[list[OrderState] | None, strawberry.argument(  # type: ignore[valid-type]
    description="Only orders in these states (null or empty: every state).")]
FromArgument = Annotated[datetime | None, strawberry.argument(
    description="Only orders placed at or after this time (with its offset).")]
ToArgument = Annotated[datetime | None, strawberry.argument(
    description="Only orders placed at or before this time, to the second (with its offset).")]


@strawberry.type
class FulfilmentQuery:
    @strawberry.field(description="The carriers shipOrder takes, by code.")
    def carriers(self) -> list[Carrier] | None:
        return [Carrier(code=code, name=name) for code, name in CARRIERS.items()]


@user_fields
@strawberry.type
class SalesOrderUserFields:
    @strawberry.field(description=(
        "Merchants: your orders of every kind (regular ones when placed, group-buy ones once their team "
        "succeeded), newest first, with their lines and shipping address; one Query a page whatever the "
        "time range. `state` keeps only those states and, as in `orders`, is applied to the orders a page "
        "reads: a page may hold fewer than `first` (even none) while `hasNextPage` is true." + BOTH_WAYS))
    def sales_orders(self, info: Info, state: StateArgument = None, created_from: FromArgument = None,
                     created_to: ToArgument = None, first: First = None, after: After = None, last: Last = None,
                     before: Before = None) -> OrderConnection | None:
        scope = f"sales:{self.user_id}:{created_from and created_from.isoformat()}:" \
                f"{created_to and created_to.isoformat()}"
        states = None if not state else frozenset(StateRecord(s.value) for s in state)
        page = service.sales_orders(info.context.principal, self.user_id,
                                    page_request(scope, first, after, last, before), states, created_from, created_to)
        return order_connection(scope, page)
