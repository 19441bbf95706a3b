"""Assists' field on User: the campaigns you started."""
from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.accounts.published.graphql import user_fields
from chalicelib.assists.graphql.types import AssistInstanceConnection, instance_connection
from chalicelib.core.graphql.pagination import BOTH_WAYS, After, Before, First, Last


@user_fields
@strawberry.type
class AssistUserFields:
    @strawberry.field(description="Assist campaigns you started (助力), newest first. One DynamoDB request a page, "
                                  "their campaigns included." + BOTH_WAYS)
    def assists(self, info: Info, first: First = None, after: After = None, last: Last = None,
                before: Before = None) -> AssistInstanceConnection | None:
        return instance_connection(info, self.user_id, first, after, last, before)
