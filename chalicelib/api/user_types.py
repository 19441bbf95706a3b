from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from ..domain import users as domain
from ..domain.errors import Forbidden
from ..store import catalog as catalog_store
from .ids import to_global_id
from .pagination import after_position, page_size

if TYPE_CHECKING:
    from .catalog_types import ProductConnection
    from .groupbuy_types import OrderConnection, TeamConnection

Role = strawberry.enum(domain.Role, name="Role")


@strawberry.type(description="A person using Tuanstack. Personal data (openid, phone) is never exposed.")
class User:
    user: strawberry.Private[domain.User]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("User", self.user.id))

    @strawberry.field
    def role(self) -> Role:
        return self.user.role

    @strawberry.field
    def display_name(self) -> str:
        return self.user.display_name

    @strawberry.field
    def avatar_url(self) -> str | None:
        return self.user.avatar_url

    @strawberry.field(description="A merchant's own products in every status, newest first (merchants only).")
    def products(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Annotated[ProductConnection, strawberry.lazy(".catalog_types")]:
        from .catalog_types import connection_of

        principal = info.context.principal
        if principal is None or principal.user_id != self.user.id or principal.role is not domain.Role.MERCHANT:
            raise Forbidden("only a merchant lists their own products here")
        scope = f"merchant:{self.user.id}"
        page = catalog_store.merchant_products(self.user.id, page_size(first), after_position(scope, after))
        return connection_of(scope, page)

    def _own(self, info: Info) -> None:
        principal = info.context.principal
        if principal is None or principal.user_id != self.user.id:
            raise Forbidden("only your own orders and teams")

    @strawberry.field(description="Your group-buy orders, newest first.")
    def orders(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Annotated[OrderConnection, strawberry.lazy(".groupbuy_types")]:
        from ..store import groupbuy as groupbuy_store
        from .groupbuy_types import order_connection

        self._own(info)
        scope = f"orders:{self.user.id}"
        orders, more = groupbuy_store.user_orders(self.user.id, page_size(first), after_position(scope, after))
        return order_connection(scope, orders, more)

    @strawberry.field(description="Teams you opened or joined, newest first.")
    def teams(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Annotated[TeamConnection, strawberry.lazy(".groupbuy_types")]:
        from ..store import groupbuy as groupbuy_store
        from .groupbuy_types import team_connection_of_seats

        self._own(info)
        scope = f"teams:{self.user.id}"
        seats, more = groupbuy_store.user_seats(self.user.id, page_size(first), after_position(scope, after))
        teams = groupbuy_store.teams_by_id({s.team_id for s in seats}) if seats else {}
        return team_connection_of_seats(scope, seats, teams, more)

    @classmethod
    def of(cls, user: domain.User) -> User:
        return cls(user=user)
