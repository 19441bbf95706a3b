from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from chalicelib.core import principal as domain
from chalicelib.core.errors import Forbidden, InvalidId
from chalicelib.catalog import store as catalog_store
from chalicelib.accounts import store as user_store
from chalicelib.core.graphql.ids import to_global_id
from chalicelib.core.graphql.pagination import after_position, page_size

if TYPE_CHECKING:
    from chalicelib.catalog.graphql.types import ProductConnection
    from chalicelib.groupbuy.graphql.types import OrderConnection, TeamConnection
    from chalicelib.mall.graphql.types import MallRedemptionConnection
    from chalicelib.points.graphql.types import PointsAccount

Role = strawberry.enum(domain.Role, name="Role")


@strawberry.type(description="A person using Tuanstack. Personal data (openid, phone) is never exposed.")
class User:
    user_id: strawberry.Private[str]
    # Read only when a field needs it: `me { points }` or `me { orders }` costs no user read.
    loaded: strawberry.Private[domain.User | None] = None

    @property
    def user(self) -> domain.User:
        if self.loaded is None:
            self.loaded = user_store.get_user(self.user_id)
            if self.loaded is None:
                raise InvalidId("the account of this token no longer exists")
        return self.loaded

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("User", self.user_id))

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
    ) -> Annotated[ProductConnection, strawberry.lazy("chalicelib.catalog.graphql.types")]:
        from chalicelib.catalog.graphql.types import connection_of

        principal = info.context.principal
        if principal is None or principal.user_id != self.user_id or principal.role is not domain.Role.MERCHANT:
            raise Forbidden("only a merchant lists their own products here")
        scope = f"merchant:{self.user_id}"
        page = catalog_store.merchant_products(self.user_id, page_size(first), after_position(scope, after))
        return connection_of(scope, page)

    def _own(self, info: Info) -> None:
        principal = info.context.principal
        if principal is None or principal.user_id != self.user_id:
            raise Forbidden("only your own orders, teams and points")

    @strawberry.field(description="Your group-buy orders, newest first.")
    def orders(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Annotated[OrderConnection, strawberry.lazy("chalicelib.groupbuy.graphql.types")]:
        from chalicelib.groupbuy import store as groupbuy_store
        from chalicelib.groupbuy.graphql.types import order_connection

        self._own(info)
        scope = f"orders:{self.user_id}"
        orders, more = groupbuy_store.user_orders(self.user_id, page_size(first), after_position(scope, after))
        return order_connection(scope, orders, more)

    @strawberry.field(description="Teams you opened or joined, newest first.")
    def teams(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Annotated[TeamConnection, strawberry.lazy("chalicelib.groupbuy.graphql.types")]:
        from chalicelib.groupbuy import store as groupbuy_store
        from chalicelib.groupbuy.graphql.types import team_connection_of_seats

        self._own(info)
        scope = f"teams:{self.user_id}"
        seats, more = groupbuy_store.user_seats(self.user_id, page_size(first), after_position(scope, after))
        teams = groupbuy_store.teams_by_id({s.team_id for s in seats}) if seats else {}
        return team_connection_of_seats(scope, seats, teams, more)

    @strawberry.field(description="Your points (积分), growth value and tier: one DynamoDB request.")
    def points(self, info: Info) -> Annotated[PointsAccount, strawberry.lazy("chalicelib.points.graphql.types")]:
        from chalicelib.points.graphql.types import points_account

        self._own(info)
        return points_account(self.user_id)

    @strawberry.field(description="Your points-mall redemptions, newest first.")
    async def mall_redemptions(self, info: Info, first: int | None = None, after: str | None = None
                               ) -> Annotated[MallRedemptionConnection, strawberry.lazy("chalicelib.mall.graphql.types")]:
        from chalicelib.mall.graphql.types import user_mall_redemptions

        return await user_mall_redemptions(self, info, first, after)

    @classmethod
    def of(cls, user: domain.User) -> User:
        return cls(user_id=user.id, loaded=user)

    @classmethod
    def signed_in(cls, user_id: str) -> User:
        return cls(user_id=user_id)
