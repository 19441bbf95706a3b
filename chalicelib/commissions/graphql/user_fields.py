"""Commissions' field on User: your commission account."""
from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.accounts.published.graphql import user_fields
from chalicelib.commissions import service
from chalicelib.commissions.graphql.types import CommissionAccount


@user_fields
@strawberry.type
class CommissionUserFields:
    @strawberry.field(description="Your commissions (佣金): totals one DynamoDB request, each page one more.")
    def commissions(self, info: Info) -> CommissionAccount:
        return CommissionAccount(user_id=service.own_account(info.context.principal, self.user_id))
