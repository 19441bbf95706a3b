from __future__ import annotations

import strawberry

from ..domain import users as domain
from .ids import to_global_id

Role = strawberry.enum(domain.Role, name="Role")


@strawberry.type(description="A person using Tuanstack. Personal data (openid, phone) is never exposed.")
class User:
    id: strawberry.ID
    role: Role
    display_name: str
    avatar_url: str | None

    @classmethod
    def of(cls, user: domain.User) -> User:
        return cls(
            id=strawberry.ID(to_global_id("User", user.id)),
            role=user.role,
            display_name=user.display_name,
            avatar_url=user.avatar_url,
        )
