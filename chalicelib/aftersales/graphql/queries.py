"""After-sales listings: ``me.afterSales`` (a customer's), ``me.afterSalesToDecide`` (a merchant's) and
the operators' queues (disputes; refunds that failed)."""
from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.accounts.published.graphql import user_fields
from chalicelib.aftersales import keys
from chalicelib.aftersales import service as aftersales
from chalicelib.aftersales.graphql.types import AfterSalesRequestConnection, request_connection
from chalicelib.core.graphql.context import Ctx
from chalicelib.core.graphql.pagination import BOTH_WAYS, After, Before, First, Last, page_request


@user_fields
@strawberry.type
class AfterSalesUserFields:
    @strawberry.field(description="Your after-sales requests, newest first." + BOTH_WAYS)
    def after_sales(self, info: Info, first: First = None, after: After = None, last: Last = None,
                    before: Before = None) -> AfterSalesRequestConnection | None:
        scope = f"after-sales:{self.user_id}"
        return request_connection(scope, aftersales.requests_of(info.context.principal, self.user_id,
                                                                page_request(scope, first, after, last, before)))

    @strawberry.field(description="Merchants: after-sales requests on your orders, newest first (approve or reject "
                                  "those AWAITING_DECISION before their decideBy)." + BOTH_WAYS)
    def after_sales_to_decide(self, info: Info, first: First = None, after: After = None, last: Last = None,
                              before: Before = None) -> AfterSalesRequestConnection | None:
        scope = f"after-sales-merchant:{self.user_id}"
        return request_connection(scope, aftersales.requests_to_decide(
            info.context.principal, self.user_id, page_request(scope, first, after, last, before)))


@strawberry.type
class AfterSalesQuery:
    @strawberry.field(description="Operators: disputed after-sales requests, oldest first (decide within 24 h: "
                                  "the metric DisputesOverdue counts those past it)." + BOTH_WAYS)
    def after_sales_disputes(self, info: Ctx, first: First = None, after: After = None, last: Last = None,
                             before: Before = None) -> AfterSalesRequestConnection | None:
        scope = "after-sales-disputes"
        return request_connection(scope, aftersales.operator_queue(
            info.context.principal, keys.DISPUTES, page_request(scope, first, after, last, before)))

    @strawberry.field(description="Operators: after-sales refunds the payment service kept refusing, oldest first "
                                  "(retryAfterSalesRefund)." + BOTH_WAYS)
    def after_sales_refund_failures(self, info: Ctx, first: First = None, after: After = None, last: Last = None,
                                    before: Before = None) -> AfterSalesRequestConnection | None:
        scope = "after-sales-refund-failures"
        return request_connection(scope, aftersales.operator_queue(
            info.context.principal, keys.REFUND_FAILED, page_request(scope, first, after, last, before)))
