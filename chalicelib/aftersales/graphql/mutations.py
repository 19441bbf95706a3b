"""After-sales mutations: each translates its input and calls one service function."""
from __future__ import annotations

from enum import Enum
from typing import Annotated

import strawberry

from chalicelib.aftersales import asking, compensation, rules
from chalicelib.aftersales import service as aftersales
from chalicelib.aftersales.graphql.types import AfterSalesKind, AfterSalesReason, AfterSalesRequest
from chalicelib.core.clock import utc_now
from chalicelib.core.graphql.context import Ctx
from chalicelib.core.graphql.enums import described_enum
from chalicelib.core.graphql.errors import UserError, payload_errors
from chalicelib.core.graphql.ids import from_global_id
from chalicelib.core.media import configured_media_hosts

KEY_HELP = ("8-64 letters, digits or -_:. Retry with the same key and input: the same request, never a second "
            "one; the same key with another input: IDEMPOTENCY_KEY_REUSED.")


@strawberry.input(description="Units of one line of the order.")
class AfterSalesLineInput:
    sku_id: strawberry.ID = strawberry.field(description="The order line's `skuId`.")
    quantity: int = strawberry.field(description="Units, at least 1 and at most what the line has left.")


@strawberry.input
class RequestAfterSalesInput:
    order_id: strawberry.ID = strawberry.field(description="Your paid `Order` (either kind).")
    kind: AfterSalesKind  # type: ignore[valid-type]
    reason: AfterSalesReason  # type: ignore[valid-type]
    lines: list[AfterSalesLineInput] = strawberry.field(description="Each line at most once.")
    description: str | None = strawberry.field(default=None, description=f"Up to {rules.MAX_DESCRIPTION} "
                                                                          "characters, one line.")
    photos: list[str] = strawberry.field(default_factory=list, description=f"Up to {rules.MAX_PHOTOS} https URLs "
                                                                          "on public hosts.")
    idempotency_key: str | None = strawberry.field(default=None, description=KEY_HELP)


@strawberry.input
class AfterSalesRequestInput:
    request_id: strawberry.ID = strawberry.field(description="The `AfterSalesRequest`.")


@strawberry.input
class AfterSalesReasonInput:
    request_id: strawberry.ID = strawberry.field(description="The `AfterSalesRequest`.")
    reason: str = strawberry.field(description=f"Why, 1 to {rules.MAX_DECISION_REASON} characters (kept in the "
                                               "request's history).")


@strawberry.input
class SendBackAfterSalesInput:
    request_id: strawberry.ID = strawberry.field(description="Your approved return (AWAITING_RETURN).")
    carrier: str = strawberry.field(description="A carrier code from `carriers`.")
    tracking_no: str = strawberry.field(description="The parcel's tracking number.")


class Decision(Enum):
    REFUND = "REFUND"
    UPHOLD = "UPHOLD"


DisputeDecision = described_enum(Decision, name="DisputeDecision", values={
    "REFUND": "Refund the customer: the platform pays first (先行赔付) and settles with the merchant.",
    "UPHOLD": "Uphold the merchant's rejection: the request closes.",
})


@strawberry.input
class DecideDisputeInput:
    request_id: strawberry.ID = strawberry.field(description="A DISPUTED `AfterSalesRequest`.")
    decision: DisputeDecision  # type: ignore[valid-type]
    reason: str = strawberry.field(description="Why (kept in the audit trail).")


@strawberry.input
class CompensateOrderInput:
    order_id: strawberry.ID = strawberry.field(description="The `Order` to refund in full (what is left of it).")
    reason: str = strawberry.field(description="The fault, for the audit trail.")
    coupon_amount_off: int | None = strawberry.field(
        default=None, description=f"A no-threshold coupon for the customer, in fen (1 to "
                                  f"{compensation.MAX_COUPON_FEN}); null: none.")
    coupon_valid_days: int = strawberry.field(default=30, description="How long the coupon is valid (1 to 365 days).")
    idempotency_key: str = strawberry.field(description=KEY_HELP)


@strawberry.type
class AfterSalesPayload:
    request: AfterSalesRequest | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


def _request_id(input: AfterSalesRequestInput | AfterSalesReasonInput | SendBackAfterSalesInput
                | DecideDisputeInput) -> str:
    return from_global_id(input.request_id, "AfterSalesRequest", "requestId")[0]


def _payload(found: rules.AfterSalesRequest) -> AfterSalesPayload:
    return AfterSalesPayload(request=AfterSalesRequest(request=found))


Req = Annotated[AfterSalesRequestInput, strawberry.argument(description="The request.")]
Why = Annotated[AfterSalesReasonInput, strawberry.argument(description="The request and why.")]


@strawberry.type
class AfterSalesMutation:
    @strawberry.mutation(description=(
        "Ask for a refund, or a return and refund (售后), of units of your paid order's lines. Refund only: before "
        "it ships, or shipped and not received. Return and refund: once shipped; within 7 days of delivery with "
        "no reason, later (within the after-sales window) for a quality reason. Each unit refunds what it paid "
        "after every discount. The merchant decides by `decideBy`, or it is approved automatically."))
    @payload_errors(AfterSalesPayload)
    def request_after_sales(self, info: Ctx, input: RequestAfterSalesInput) -> AfterSalesPayload | None:
        order_id = from_global_id(input.order_id, "Order", "orderId")[0]
        lines = tuple((from_global_id(line.sku_id, "Sku", f"lines.{n}.skuId")[-1], line.quantity)
                      for n, line in enumerate(input.lines))
        asked = asking.Ask(rules.RequestKind(input.kind.value), rules.Reason(input.reason.value), lines,
                               input.description, tuple(input.photos))
        return _payload(asking.ask_with_key(info.context.principal, order_id, asked, input.idempotency_key,
                                                utc_now(), media_hosts=configured_media_hosts()))

    @strawberry.mutation(description="Merchants: approve a request on your order (a return then waits for the "
                                     "parcel; a refund only refunds now).")
    @payload_errors(AfterSalesPayload)
    def approve_after_sales(self, info: Ctx, input: Req) -> AfterSalesPayload | None:
        return _payload(aftersales.approve(info.context.principal, _request_id(input), utc_now()))

    @strawberry.mutation(description="Merchants: reject a request, saying why (the customer may escalate it).")
    @payload_errors(AfterSalesPayload)
    def reject_after_sales(self, info: Ctx, input: Why) -> AfterSalesPayload | None:
        return _payload(aftersales.reject(info.context.principal, _request_id(input), input.reason, utc_now()))

    @strawberry.mutation(description="Your approved return is on its way back: its carrier and tracking number.")
    @payload_errors(AfterSalesPayload)
    def send_back_after_sales(self, info: Ctx, input: SendBackAfterSalesInput) -> AfterSalesPayload | None:
        return _payload(aftersales.send_back(info.context.principal, _request_id(input), input.carrier,
                                             input.tracking_no, utc_now()))

    @strawberry.mutation(description="Merchants: the returned parcel arrived; the units go back on sale and the "
                                     "refund runs.")
    @payload_errors(AfterSalesPayload)
    def confirm_return_received(self, info: Ctx, input: Req) -> AfterSalesPayload | None:
        return _payload(aftersales.confirm_received(info.context.principal, _request_id(input), utc_now()))

    @strawberry.mutation(description="Withdraw your request (before the refund runs); its units may be asked "
                                     "for again.")
    @payload_errors(AfterSalesPayload)
    def withdraw_after_sales(self, info: Ctx, input: Req) -> AfterSalesPayload | None:
        return _payload(aftersales.withdraw(info.context.principal, _request_id(input), utc_now()))

    @strawberry.mutation(description="Escalate a rejected request to the platform (平台介入): an operator decides.")
    @payload_errors(AfterSalesPayload)
    def escalate_after_sales(self, info: Ctx, input: Why) -> AfterSalesPayload | None:
        return _payload(aftersales.escalate(info.context.principal, _request_id(input), input.reason, utc_now()))

    @strawberry.mutation(description="Operators: decide a dispute, with a reason kept in its history.")
    @payload_errors(AfterSalesPayload)
    def decide_dispute(self, info: Ctx, input: DecideDisputeInput) -> AfterSalesPayload | None:
        return _payload(aftersales.decide_dispute(info.context.principal, _request_id(input),
                                                  input.decision.value == "REFUND", input.reason, utc_now()))

    @strawberry.mutation(description="Operators: run a failed after-sales refund again (the same refund id: it "
                                     "is never paid twice).")
    @payload_errors(AfterSalesPayload)
    def retry_after_sales_refund(self, info: Ctx, input: Req) -> AfterSalesPayload | None:
        return _payload(aftersales.retry_refund(info.context.principal, _request_id(input), utc_now()))

    @strawberry.mutation(description="Operators: after a fault, refund what is left of an order in full (its "
                                     "shipping too), with a reason, and grant a coupon in the same act.")
    @payload_errors(AfterSalesPayload)
    def compensate_order(self, info: Ctx, input: CompensateOrderInput) -> AfterSalesPayload | None:
        order_id = from_global_id(input.order_id, "Order", "orderId")[0]
        grant = None if input.coupon_amount_off is None else compensation.CouponGrant(input.coupon_amount_off,
                                                                                      input.coupon_valid_days)
        return _payload(compensation.compensate_with_key(info.context.principal, order_id, input.reason, grant,
                                                         input.idempotency_key, utc_now()))
