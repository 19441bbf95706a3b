"""`me`: the root of the caller's own data."""
from __future__ import annotations

import strawberry

from chalicelib.accounts.graphql.user import User
from chalicelib.core.graphql.context import Ctx
from chalicelib.core.principal import require_user


@strawberry.type
class AccountQueries:
    @strawberry.field(description="The signed-in caller; an UNAUTHENTICATED error without a token.")
    def me(self, info: Ctx) -> User:
        principal = require_user(info.context.principal)
        return User.signed_in(principal.user_id)
