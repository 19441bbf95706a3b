"""Pay for me (代付) in GraphQL: sharePayment (the buyer), sharedPayment and payForOther (any
signed-in user with the code). Each translates and calls chalicelib/checkout/sharing.py."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from chalicelib.checkout import sharing
from chalicelib.checkout.graphql.mutations import PaymentArgument, payment_id_from, payments_of
from chalicelib.checkout.graphql.orders import PAYMENT_STATUS_TEXT, PaymentState
from chalicelib.checkout.rules import OrderLine
from chalicelib.core.clock import utc_now
from chalicelib.core.graphql.context import Ctx
from chalicelib.core.graphql.errors import UserError, payload_errors
from chalicelib.core.graphql.money import Money
from chalicelib.groupbuy.published.graphql import PaymentParams


@strawberry.type(description="A line of a shared payment, as bought.")
class SharedPaymentLine:
    line: strawberry.Private[OrderLine]
    currency: strawberry.Private[str]

    @strawberry.field
    def product_name(self) -> str:
        return self.line.product_name

    @strawberry.field
    def sku_code(self) -> str:
        return self.line.sku_code

    @strawberry.field
    def quantity(self) -> int:
        return self.line.quantity

    @strawberry.field
    def unit_price(self) -> Money:
        return Money(amount=self.line.unit_price, currency=self.currency)  # type: ignore[arg-type]

    @strawberry.field(description="What the line costs after its share of every discount.")
    def total(self) -> Money:
        return Money(amount=self.line.paid, currency=self.currency)  # type: ignore[arg-type]


@strawberry.type(description="An unpaid checkout someone shared for you to pay (代付): what it buys and what "
                             "it costs. Never its shipping address or its buyer's contact details.")
class SharedPayment:
    shared: strawberry.Private[sharing.SharedPayment]

    @strawberry.field
    def lines(self) -> list[SharedPaymentLine]:
        return [SharedPaymentLine(line=line, currency=self.shared.payment.currency) for line in self.shared.lines]

    @strawberry.field(description="What paying it charges (shipping included).")
    def amount(self) -> Money:
        return Money(amount=self.shared.payment.amount, currency=self.shared.payment.currency)  # type: ignore[arg-type]

    @strawberry.field(description="Pay before this (payForOther refuses after: PAYMENT_WINDOW_PASSED).")
    def pay_by(self) -> datetime:
        return self.shared.payment.pay_by

    @strawberry.field(description="PAID once anyone paid it.")
    def state(self) -> PaymentState:  # type: ignore[valid-type]
        return self.shared.payment.state

    @strawberry.field(description="What the state means, in English and Chinese.")
    def status_text(self) -> str:
        return PAYMENT_STATUS_TEXT[self.shared.payment.state]


@strawberry.input
class PayForOtherInput:
    share_code: str = strawberry.field(description="From sharePayment (the share card's scene).")


@strawberry.type
class SharePaymentPayload:
    share_code: str | None = strawberry.field(
        default=None, description="16 characters for the share card's scene; the same on every call.")
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class PayForOtherPayload:
    shared_payment: SharedPayment | None = None
    payment_params: PaymentParams | None = strawberry.field(
        default=None, description="For wx.requestPayment, for YOUR WeChat account.")
    errors: list[UserError] = strawberry.field(default_factory=list)


PayForOtherArgument = Annotated[PayForOtherInput, strawberry.argument(description="The shared payment.")]
ShareCode = Annotated[str, strawberry.argument(description="From sharePayment (the share card's scene).")]


@strawberry.type
class SharingQuery:
    @strawberry.field(description="Pay for me (代付): a shared unpaid checkout's lines, amount, payBy and state. "
                                  "Signed in. An unknown or expired code: NOT_FOUND.")
    def shared_payment(self, info: Ctx, share_code: ShareCode) -> SharedPayment | None:
        return SharedPayment(shared=sharing.shared_payment(info.context.principal, share_code.strip().upper(),
                                                           utc_now()))


@strawberry.type
class SharingMutation:
    @strawberry.mutation(description="Pay for me (代付): a share code for your awaiting payment, for a family "
                                     "member to pay it (payForOther). Made once: asked again, the same code.")
    @payload_errors(SharePaymentPayload)
    def share_payment(self, info: Ctx, input: PaymentArgument) -> SharePaymentPayload | None:
        return SharePaymentPayload(share_code=sharing.share_payment(info.context.principal, payment_id_from(input),
                                                                    utc_now()))

    @strawberry.mutation(description=(
        "Pay a shared checkout: wx.requestPayment parameters for your own WeChat account, while it awaits payment "
        "and before payBy (PAYMENT_WINDOW_PASSED after; INVALID_STATE once paid or cancelled). One capture pays "
        "it, whoever pays: if two people both pay, the later payment is refunded in full."))
    @payload_errors(PayForOtherPayload)
    def pay_for_other(self, info: Ctx, input: PayForOtherArgument) -> PayForOtherPayload | None:
        shared, params = sharing.pay_for_other(info.context.principal, input.share_code.strip().upper(),
                                               payments_of(info), utc_now())
        return PayForOtherPayload(shared_payment=SharedPayment(shared=shared), payment_params=PaymentParams.of(params))
