"""Checkout mutations: place a checkout, pay for it again, cancel it. Each translates and calls a service."""
from __future__ import annotations

from typing import Annotated

import strawberry

from chalicelib.checkout import paying, placing
from chalicelib.checkout.graphql.orders import Payment, payment_id_of, regular_order
from chalicelib.checkout.graphql.queries import CheckoutInput, checkout_request
from chalicelib.core.clock import utc_now
from chalicelib.core.graphql.context import Ctx
from chalicelib.core.graphql.errors import UserError, payload_errors
from chalicelib.groupbuy.published.graphql import PaymentParams
from chalicelib.orders.published.graphql import Order


def payments_of(info: Ctx):
    from chalicelib.adapters.payments.factory import payment_provider_for

    return payment_provider_for(info.context.settings)


@strawberry.input
class PlaceOrderInput:
    checkout: CheckoutInput = strawberry.field(description="What to check out, as checkoutPreview took it.")
    idempotency_key: str = strawberry.field(
        description="8-64 letters, digits or -_:. Retry with the same key and input: the same orders (replayed "
                    "true), never a second charge; the same key with another input: IDEMPOTENCY_KEY_REUSED.")


@strawberry.input
class PaymentInput:
    payment_id: strawberry.ID = strawberry.field(description="The `Payment` id (placeOrder's payment).")


@strawberry.type
class PlaceOrderPayload:
    payment: Payment | None = None
    orders: list[Order] | None = strawberry.field(default=None, description="One per merchant, in merchant order.")
    payment_params: PaymentParams | None = strawberry.field(
        default=None, description="For wx.requestPayment (the whole payment at once); null if the payment service "
                                  "did not answer, or on a replay: ask payPayment.")
    replayed: bool = strawberry.field(default=False, description="True when this key placed these orders before.")
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class PaymentPayload:
    payment: Payment | None = None
    payment_params: PaymentParams | None = strawberry.field(
        default=None, description="For wx.requestPayment (payPayment only).")
    errors: list[UserError] = strawberry.field(default_factory=list)


PlaceOrderArgument = Annotated[PlaceOrderInput, strawberry.argument(
    description="The checkout and a retry key.")]
PaymentArgument = Annotated[PaymentInput, strawberry.argument(description="The payment.")]


def payment_id_from(input: PaymentInput) -> str:
    return payment_id_of(input.payment_id, "paymentId")


@strawberry.type
class CheckoutMutation:
    @strawberry.mutation(description=(
        "Place a checkout (提交订单): one order per merchant under one payment, in one transaction with the stock "
        "held, the coupons used, the points spent and the bought cart lines removed. Pay with `paymentParams` "
        "before `payment.payBy`, or everything comes back. Signed in."))
    @payload_errors(PlaceOrderPayload)
    def place_order(self, info: Ctx, input: PlaceOrderArgument) -> PlaceOrderPayload | None:
        request = checkout_request(input.checkout)  # bad ids are refused before anything is read
        placed = placing.place_for_buyer(info.context.principal, request, input.idempotency_key, payments_of(info),
                                         utc_now())
        return PlaceOrderPayload(payment=Payment(payment=placed.payment),
                                 orders=[regular_order(o, placed.address) for o in placed.orders],
                                 payment_params=PaymentParams.of(placed.params), replayed=placed.replayed)

    @strawberry.mutation(description="Payment parameters again for your awaiting payment, before its payBy "
                                     "(PAYMENT_WINDOW_PASSED after).")
    @payload_errors(PaymentPayload)
    def pay_payment(self, info: Ctx, input: PaymentArgument) -> PaymentPayload | None:
        payment, params = placing.pay_again(info.context.principal, payment_id_from(input), payments_of(info), utc_now())
        return PaymentPayload(payment=Payment(payment=payment), payment_params=PaymentParams.of(params))

    @strawberry.mutation(description="Cancel your unpaid checkout: the payment and ALL its orders (one per "
                                     "merchant) together; stock, coupons and points come back.")
    @payload_errors(PaymentPayload)
    def cancel_payment(self, info: Ctx, input: PaymentArgument) -> PaymentPayload | None:
        return PaymentPayload(payment=Payment(payment=paying.cancel_by_buyer(info.context.principal,
                                                                             payment_id_from(input), utc_now())))
