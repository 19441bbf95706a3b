"""Commission mutations and the operators' query, mixed into Mutation and Query. Resolvers translate and call a service."""
from __future__ import annotations

from typing import Annotated

import strawberry

from chalicelib.commissions import service, withdrawals
from chalicelib.commissions.graphql.types import (
    CommissionAccount,
    CommissionWithdrawal,
    CommissionWithdrawalConnection,
    withdrawal_connection,
)
from chalicelib.commissions.rules import MAX_WITHDRAWAL, MIN_WITHDRAWAL
from chalicelib.core.clock import utc_now
from chalicelib.core.graphql.context import Ctx
from chalicelib.core.graphql.errors import UserError, payload_errors
from chalicelib.core.graphql.ids import from_global_id
from chalicelib.core.graphql.pagination import BOTH_WAYS, After, Before, First, Last, page_request


def _payments(info: Ctx):
    from chalicelib.adapters.payments.factory import payment_provider_for

    return payment_provider_for(info.context.settings)


@strawberry.input
class RequestCommissionWithdrawalInput:
    amount: int = strawberry.field(description=f"Fen, from {MIN_WITHDRAWAL} (¥1) to {MAX_WITHDRAWAL} and at most "
                                               "your available commission.")
    idempotency_key: str = strawberry.field(description="Retry with the same key: one withdrawal.")


@strawberry.type
class RequestCommissionWithdrawalPayload:
    withdrawal: CommissionWithdrawal | None = None
    account: CommissionAccount | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class RetryCommissionWithdrawalInput:
    withdrawal_id: strawberry.ID = strawberry.field(description="A `CommissionWithdrawal` id, FAILED or REQUESTED.")


@strawberry.type
class RetryCommissionWithdrawalPayload:
    withdrawal: CommissionWithdrawal | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class CommissionQuery:
    @strawberry.field(description="Operators: withdrawals WeChat refused to pay, oldest failure first (retry "
                                  "each with retryCommissionWithdrawal)." + BOTH_WAYS)
    def failed_commission_withdrawals(self, info: Ctx, first: First = None, after: After = None, last: Last = None,
                                      before: Before = None) -> CommissionWithdrawalConnection | None:
        scope = "commission-withdrawals:failed"
        page = service.failed_withdrawals(info.context.principal, page_request(scope, first, after, last, before))
        return withdrawal_connection(scope, page)


@strawberry.type
class CommissionMutation:
    @strawberry.mutation(description="Withdraw settled commission to your WeChat wallet (零钱): taken from available "
                                     "at once, PAID when WeChat has paid it, FAILED (money back) if it refuses.")
    @payload_errors(RequestCommissionWithdrawalPayload)
    def request_commission_withdrawal(self, info: Ctx, input: Annotated[
            RequestCommissionWithdrawalInput, strawberry.argument(description="How much, and the retry key.")]
    ) -> RequestCommissionWithdrawalPayload | None:
        done = withdrawals.request_withdrawal(info.context.principal, input.amount, input.idempotency_key,
                                              _payments(info), utc_now())
        return RequestCommissionWithdrawalPayload(withdrawal=CommissionWithdrawal(withdrawal=done),
                                                  account=CommissionAccount(user_id=done.beneficiary_id))

    @strawberry.mutation(description="Operators: pay a failed withdrawal again (a new transfer), or ask WeChat "
                                     "again about one still REQUESTED (the same transfer).")
    @payload_errors(RetryCommissionWithdrawalPayload)
    def retry_commission_withdrawal(self, info: Ctx, input: Annotated[
            RetryCommissionWithdrawalInput, strawberry.argument(description="Which withdrawal.")]
    ) -> RetryCommissionWithdrawalPayload | None:
        beneficiary_id, withdrawal_id = from_global_id(input.withdrawal_id, "CommissionWithdrawal", "withdrawalId")
        done = withdrawals.retry_withdrawal(info.context.principal, beneficiary_id, withdrawal_id, _payments(info),
                                            utc_now())
        return RetryCommissionWithdrawalPayload(withdrawal=CommissionWithdrawal(withdrawal=done))
