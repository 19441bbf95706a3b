"""`me`: the root of the caller's own data."""
from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from chalicelib.accounts.graphql import user
from chalicelib.core.graphql.context import Ctx
from chalicelib.core.principal import require_user

if TYPE_CHECKING:
    from chalicelib.accounts.graphql.user import User


@strawberry.type
class AccountQueries:
    @strawberry.field(description="The signed-in caller; an UNAUTHENTICATED error without a token.")
    def me(self, info: Ctx) -> Annotated[User, strawberry.lazy("chalicelib.accounts.graphql.user")]:
        principal = require_user(info.context.principal)
        return user.User.signed_in(principal.user_id)
