"""Feeds' field on accounts' profile update: the caller as others now see them (`Author`).

A client's normalised cache keys `Author:<id>` apart from `User:<id>`: selecting
`author { id displayName avatarUrl }` on the payload updates both."""
from __future__ import annotations

import strawberry

from chalicelib.accounts.published.graphql import UpdateMyProfilePayload
from chalicelib.core.graphql.extend import extends
from chalicelib.feeds.graphql.types import Author


@extends(UpdateMyProfilePayload)
@strawberry.type
class UpdatedAuthorFields:
    @strawberry.field(description="You as others see you (`author(id:)`, your next posts and comments).")
    def author(self) -> Author | None:
        if self.user is None:
            return None
        user = self.user.user  # the user as the update stored it: no read
        return Author(user_id=user.id, shown_name=user.display_name, shown_avatar=user.avatar_url)
