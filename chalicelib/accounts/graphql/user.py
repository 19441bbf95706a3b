"""The User type, which features extend with fields of their own.

A feature adds fields to User by decorating a ``@strawberry.type`` mixin with
``@user_fields`` in its GraphQL package (``orders`` from group-buy, ``points`` from
points...; see core/graphql/extend.py). The root schema imports those modules
before it builds the schema.
"""
from __future__ import annotations

import strawberry

from chalicelib.accounts import service as accounts
from chalicelib.accounts import store as user_store
from chalicelib.core import principal as domain
from chalicelib.core.errors import InvalidId
from chalicelib.core.graphql.enums import described_enum
from chalicelib.core.graphql.extend import extends
from chalicelib.core.graphql.ids import to_global_id
from chalicelib.core.graphql.relay import Node, node_resolver

Role = described_enum(domain.Role, name="Role", description="What an account may do.", values={
    "CUSTOMER": "Buys, joins teams, earns and spends points.",
    "MERCHANT": "Also sells: manages their own products, stock and deals.",
    "OPERATOR": "Runs the platform: categories, any product, refunds, points and moderation.",
})


@strawberry.type(description="Your own account (`me`): role, orders, points. Personal data (openid, phone) is "
                             "never exposed. Others see the same person as an `Author` (its own id).")
class User(Node):
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

    @classmethod
    def of(cls, user: domain.User) -> User:
        return cls(user_id=user.id, loaded=user)


def user_fields(mixin: type) -> type:
    """Add the fields of ``mixin`` (a ``@strawberry.type`` with resolver methods) to User.

    The resolvers see ``self.user_id``; the feature's service decides who may read what."""
    return extends(User)(mixin)


@node_resolver("User")
def _user_node(info, parts: tuple[str, ...]) -> User | None:
    own = accounts.own_account(info.context.principal, parts[0])
    return User(user_id=own, loaded=info.context.user) if own is not None else None
