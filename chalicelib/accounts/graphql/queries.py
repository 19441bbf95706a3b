"""`me`: the root of the caller's own data."""
from __future__ import annotations

import strawberry

from chalicelib.accounts import service as auth_service
from chalicelib.accounts.graphql.user import User
from chalicelib.core.graphql.context import Ctx


@strawberry.type
class AccountQueries:
    @strawberry.field(description="The signed-in caller; an UNAUTHENTICATED error without a token.")
    def me(self, info: Ctx) -> User | None:
        # The request already read the caller's user (core/authentication.py): no second read.
        return User(user_id=auth_service.signed_in(info.context.principal), loaded=info.context.user)
