"""Distribution's fields on User: your distributor standing and your links (the dashboard)."""
from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.accounts.published.graphql import user_fields
from chalicelib.core.graphql.connection import connection
from chalicelib.core.graphql.pagination import BOTH_WAYS, After, Before, First, Last, page_request
from chalicelib.distribution import service
from chalicelib.distribution.graphql.types import (
    Distributor,
    DistributorLink,
    DistributorLinkConnection,
    DistributorLinkEdge,
)


@user_fields
@strawberry.type
class DistributionUserFields:
    @strawberry.field(description="You as a distributor (分销); null until you opt in or apply.")
    def distributor(self, info: Info) -> Distributor | None:
        found = service.my_distributor(info.context.principal, self.user_id)
        return Distributor(record=found) if found else None

    @strawberry.field(description="Your distributor links with their visits, orders and commission: a page costs "
                                  "one Query however many links it holds." + BOTH_WAYS)
    def distributor_links(self, info: Info, first: First = None, after: After = None, last: Last = None,
                          before: Before = None) -> DistributorLinkConnection | None:
        scope = f"distributor-links:{self.user_id}"
        page = service.my_links(info.context.principal, self.user_id, page_request(scope, first, after, last, before))
        return connection(DistributorLinkConnection, DistributorLinkEdge, scope, page,
                          lambda item: DistributorLink(item=item))
