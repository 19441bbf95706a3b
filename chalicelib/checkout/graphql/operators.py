"""Operators: checkout refunds that failed (a late or second capture the provider would not
give back), and their retry. Such a refund is not a Node: a second payer's capture has no
payment of its own to name, so it goes by its reference (the record's id)."""
from __future__ import annotations

from datetime import datetime

import strawberry

from chalicelib.checkout import refunds
from chalicelib.checkout.rules import Payment as PaymentRecord
from chalicelib.core.graphql.connection import connection
from chalicelib.core.graphql.context import Ctx
from chalicelib.core.graphql.errors import UserError, payload_errors
from chalicelib.core.graphql.money import Money
from chalicelib.core.graphql.pagination import BOTH_WAYS, After, Before, First, Last, PageInfo, page_request

SCOPE = "refund-failed-payments"


@strawberry.type(description="A checkout capture whose refund failed: it waits for an operator's retry.")
class FailedPaymentRefund:
    payment: strawberry.Private[PaymentRecord]

    @strawberry.field(description="This refund's reference: give it to retryPaymentRefund.")
    def reference(self) -> str:
        return self.payment.id

    @strawberry.field(description="The capture as WeChat Pay knows it (out_trade_no; the refund's out_refund_no is "
                                  "`R` + it): for the provider's support if it keeps failing.")
    def out_trade_no(self) -> str:
        return self.payment.trade_no or self.payment.id

    @strawberry.field(description="What was captured and must go back.")
    def amount(self) -> Money:
        return Money(amount=self.payment.captured, currency=self.payment.currency)  # type: ignore[arg-type]

    @strawberry.field(description="Why the last attempt failed, as the provider said.")
    def error(self) -> str | None:
        return self.payment.refund_error

    @strawberry.field(description="Operators' retries so far (0: only the workflow's own attempts).")
    def retries(self) -> int:
        return self.payment.refund_attempt

    @strawberry.field(description="When the money was captured.")
    def captured_at(self) -> datetime | None:
        return self.payment.paid_at


@strawberry.type
class FailedPaymentRefundEdge:
    node: FailedPaymentRefund
    cursor: str


@strawberry.type
class FailedPaymentRefundConnection:
    edges: list[FailedPaymentRefundEdge]
    page_info: PageInfo


@strawberry.input
class RetryPaymentRefundInput:
    reference: str = strawberry.field(description="The `FailedPaymentRefund.reference` to refund again.")


@strawberry.type
class RetryPaymentRefundPayload:
    refund: FailedPaymentRefund | None = strawberry.field(
        default=None, description="The refund, now running again (it leaves the failed list when it succeeds).")
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class CheckoutOperatorQuery:
    @strawberry.field(description="Operators: checkout captures whose refund failed, newest first." + BOTH_WAYS)
    def refund_failed_payments(self, info: Ctx, first: First = None, after: After = None, last: Last = None,
                               before: Before = None) -> FailedPaymentRefundConnection | None:
        page = refunds.refund_failed_payments(info.context.principal,
                                              page_request(SCOPE, first, after, last, before))
        return connection(FailedPaymentRefundConnection, FailedPaymentRefundEdge, SCOPE, page,
                          lambda p: FailedPaymentRefund(payment=p))


@strawberry.type
class CheckoutOperatorMutation:
    @strawberry.mutation(description="Operators: run a failed checkout refund again, under the same refund id "
                                     "(the provider pays it at most once).")
    @payload_errors(RetryPaymentRefundPayload)
    def retry_payment_refund(self, info: Ctx, input: RetryPaymentRefundInput) -> RetryPaymentRefundPayload | None:
        return RetryPaymentRefundPayload(refund=FailedPaymentRefund(
            payment=refunds.retry_refund(info.context.principal, input.reference)))
