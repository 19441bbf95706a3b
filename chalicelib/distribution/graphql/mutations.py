"""Distribution's queries and mutations (mixed into Query and Mutation)."""
from __future__ import annotations

from typing import Annotated

import strawberry

from chalicelib.core.clock import utc_now
from chalicelib.core.graphql.connection import connection
from chalicelib.core.graphql.context import Ctx
from chalicelib.core.graphql.errors import UserError, payload_errors
from chalicelib.core.graphql.ids import from_global_id, to_global_id
from chalicelib.core.graphql.pagination import BOTH_WAYS, After, Before, First, Last, page_request
from chalicelib.distribution import service
from chalicelib.distribution.graphql.types import (
    DistributionJoinMode,
    Distributor,
    DistributorConnection,
    DistributorEdge,
    DistributorLink,
)
from chalicelib.distribution.rules import MAX_RATE_BP


@strawberry.type
class DistributorPayload:
    distributor: Distributor | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class DistributorLinkPayload:
    link: DistributorLink | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class DistributionRatePayload:
    product_id: strawberry.ID | None = None
    rate_bp: int | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class DistributionJoinModePayload:
    mode: DistributionJoinMode | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class VisitDistributorLinkPayload:
    product_id: strawberry.ID | None = strawberry.field(default=None, description="The `Product` to open.")
    counted: bool = strawberry.field(default=False, description="Counted: signed in, not the distributor, the "
                                                                "first visit of this link today.")
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class DistributionQuery:
    @strawberry.field(description="Operators: customers who applied to be distributors (when joining needs "
                                  "approval), oldest first; approve each with approveDistributor(userId). One Query "
                                  "a page." + BOTH_WAYS)
    def distributor_applications(self, info: Ctx, first: First = None, after: After = None, last: Last = None,
                                 before: Before = None) -> DistributorConnection | None:
        scope = "distributor-applications"
        page = service.applications(info.context.principal, page_request(scope, first, after, last, before))
        return connection(DistributorConnection, DistributorEdge, scope, page, lambda d: Distributor(record=d))

    @strawberry.field(description="How one becomes a distributor: OPT_IN (default) or APPROVAL.")
    def distribution_join_mode(self) -> DistributionJoinMode | None:
        return service.join_mode()


@strawberry.type
class DistributionMutation:
    @strawberry.mutation(description="Customers: opt in as a distributor (active at once), or apply when operators "
                                     "require approval. Asking again returns your standing.")
    @payload_errors(DistributorPayload)
    def become_distributor(self, info: Ctx) -> DistributorPayload | None:
        return DistributorPayload(distributor=Distributor(record=service.become_distributor(info.context.principal,
                                                                                           utc_now())))

    @strawberry.mutation(description="Operators: approve an applicant (APPLIED → ACTIVE).")
    @payload_errors(DistributorPayload)
    def approve_distributor(self, info: Ctx, user_id: Annotated[
            strawberry.ID, strawberry.argument(description="The applicant's `User` id.")]) -> DistributorPayload | None:
        (user,) = from_global_id(user_id, "User", "userId")
        return DistributorPayload(distributor=Distributor(record=service.approve_distributor(
            info.context.principal, user)))

    @strawberry.mutation(description="Distributors: name who recruited you by one of their link codes; once, never "
                                      "yourself or your own recruit. They earn 20 % of your rate on top; nobody above "
                                      "them earns.")
    @payload_errors(DistributorPayload)
    def name_distributor_upstream(self, info: Ctx, code: str) -> DistributorPayload | None:
        return DistributorPayload(distributor=Distributor(record=service.name_upstream(info.context.principal, code)))

    @strawberry.mutation(description=f"Merchants (own products) and operators (any): a product's distribution "
                                     f"commission rate, 0 to {MAX_RATE_BP} basis points; 0: not distributable.")
    @payload_errors(DistributionRatePayload)
    def set_distribution_rate(self, info: Ctx, product_id: strawberry.ID, rate_bp: int) -> DistributionRatePayload | None:
        (product,) = from_global_id(product_id, "Product", "productId")
        rate = service.set_rate(info.context.principal, product, rate_bp, utc_now())
        return DistributionRatePayload(product_id=strawberry.ID(to_global_id("Product", product)), rate_bp=rate)

    @strawberry.mutation(description="Active distributors: your link for a distributable product (one per product: "
                                     "asking again returns it).")
    @payload_errors(DistributorLinkPayload)
    def create_distributor_link(self, info: Ctx, product_id: strawberry.ID) -> DistributorLinkPayload | None:
        (product,) = from_global_id(product_id, "Product", "productId")
        return DistributorLinkPayload(link=DistributorLink(item=service.create_link(info.context.principal, product,
                                                                                    utc_now())))

    @strawberry.mutation(description="Anyone opening a distributor link: the product to show. Counted once per "
                                     "signed-in visitor, link and China day; anonymous and the distributor's own "
                                     "visits are not counted.")
    @payload_errors(VisitDistributorLinkPayload)
    def visit_distributor_link(self, info: Ctx, code: str) -> VisitDistributorLinkPayload | None:
        product, counted = service.visit(info.context.principal, code, utc_now())
        return VisitDistributorLinkPayload(product_id=strawberry.ID(to_global_id("Product", product)), counted=counted)

    @strawberry.mutation(description="Operators: OPT_IN or APPROVAL for new distributors.")
    @payload_errors(DistributionJoinModePayload)
    def set_distribution_join_mode(self, info: Ctx, mode: DistributionJoinMode) -> DistributionJoinModePayload | None:
        return DistributionJoinModePayload(mode=service.set_join_mode(info.context.principal, mode, utc_now()))
