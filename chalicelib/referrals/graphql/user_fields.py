"""Referrals' fields on User: your invite code and the friends you invited."""
from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.accounts.published.graphql import user_fields
from chalicelib.core.clock import utc_now
from chalicelib.core.graphql.connection import connection
from chalicelib.core.graphql.pagination import BOTH_WAYS, After, Before, First, Last, page_request
from chalicelib.referrals import service
from chalicelib.referrals.graphql.types import Referral, ReferralConnection, ReferralEdge


@user_fields
@strawberry.type
class ReferralUserFields:
    @strawberry.field(description="Your invite code (老带新): 16 characters, fits a mini-program `scene`. A friend "
                                  "whose account is created by a sign-in with it (`loginWithWechat(inviteCode:)`) "
                                  "is yours. Made on first ask; one GetItem after.")
    def invite_code(self, info: Info) -> str | None:
        return service.my_invite_code(info.context.principal, self.user_id, utc_now())

    @strawberry.field(description="The friends who signed up through your code, newest first: a page costs one "
                                  "Query and one BatchGetItem." + BOTH_WAYS)
    def referrals(self, info: Info, first: First = None, after: After = None, last: Last = None,
                  before: Before = None) -> ReferralConnection | None:
        scope = f"referrals:{self.user_id}"
        page = service.my_referrals(info.context.principal, self.user_id,
                                    page_request(scope, first, after, last, before))
        return connection(ReferralConnection, ReferralEdge, scope, page, lambda p: Referral(progress=p))
