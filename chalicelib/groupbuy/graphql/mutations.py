"""Group-buy mutations, mixed into Mutation. Each resolver translates and calls a service."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated

import strawberry

from chalicelib.core.clock import utc_now
from chalicelib.core.errors import ValidationFailed
from chalicelib.core.graphql.context import Ctx
from chalicelib.core.graphql.errors import UserError, payload_errors
from chalicelib.core.graphql.ids import from_global_id
from chalicelib.core.graphql.money import Currency
from chalicelib.groupbuy import payments as groupbuy_payments
from chalicelib.groupbuy import rules, service
from chalicelib.groupbuy.graphql.types import Deal, PaymentParams, Team, group_buy_order
from chalicelib.groupbuy.rules import NewDeal
from chalicelib.orders.published.graphql import Order, OrderSourceInput, source_of


def _payments(info: Ctx):
    from chalicelib.adapters.payments.factory import payment_provider_for

    return payment_provider_for(info.context.settings)


def _described(description: str, **default):
    return strawberry.field(description=description, **default)


def _seconds(span: timedelta) -> int:
    return int(span.total_seconds())


@strawberry.input(description="The group price of one SKU.")
class DealPriceInput:
    sku_id: strawberry.ID = _described("A `Sku` id of the deal's product; each SKU priced once.")
    price: int = _described("Group price in minor units of the deal's currency (fen for CNY), above 0.")


@strawberry.input(description="Units of one priced SKU set aside for the deal.")
class DealStockInput:
    sku_id: strawberry.ID = _described("A `Sku` id the deal prices; every priced SKU needs its stock.")
    quantity: int = _described(f"Units moved from the SKU's stock into the deal: 1 to {rules.MAX_DEAL_STOCK}.")


@strawberry.input
class CreateDealInput:
    product_id: strawberry.ID = _described("One of your active products (a `Product` id).")
    prices: list[DealPriceInput] = _described("At least one SKU's group price.")
    stock: list[DealStockInput] = _described("Units for each priced SKU.")
    starts_at: datetime = _described("When it goes on sale, with its offset.")
    ends_at: datetime = _described("When it stops taking new teams, with its offset; after startsAt and now.")
    currency: Currency = _described("The prices' currency.", default=Currency.CNY)  # type: ignore[valid-type]
    team_size: int = _described(f"Members a team needs: {rules.MIN_TEAM} to {rules.MAX_TEAM}.",
                                default=rules.DEFAULT_TEAM)
    team_lifetime_seconds: int = _described(
        f"Seconds a team has to fill: {_seconds(rules.MIN_TEAM_LIFETIME)} to {_seconds(rules.MAX_TEAM_LIFETIME)}.",
        default=_seconds(rules.DEFAULT_TEAM_LIFETIME))
    payment_window_seconds: int = _described(
        f"Seconds a member has to pay for a seat: {_seconds(rules.MIN_PAYMENT_WINDOW)} to "
        f"{_seconds(rules.MAX_PAYMENT_WINDOW)}, and not more than teamLifetimeSeconds.",
        default=_seconds(rules.DEFAULT_PAYMENT_WINDOW))
    per_user_limit: int = _described(f"Seats one person may take in this deal: 1 to {rules.MAX_PER_USER}.",
                                     default=1)
    virtual_success_min_paid: int | None = _described(
        "Teams with at least this many paid members at the deadline succeed virtually (模拟成团): 1 to "
        "teamSize - 1; omit to turn it off.", default=None)


POINTS_AT_CHECKOUT = ("Points to redeem on this order: units of 100 (¥1 each), at most half its price. Held with "
                      "the seat and returned if it is cancelled or refunded.")
IDEMPOTENCY_KEY = "8-64 letters, digits or -_:. Retry with the same key: one seat."
SKU_TO_BUY = "The `Sku` id to buy (one the deal prices)."
SHIP_TO = ("An `Address` id of your book: where the order ships (a copy is kept). Omitted: your default address; "
           "with no address at all the seat is still yours, and shipping waits until setOrderAddress gives one.")
SOURCE = ("What led to this seat (the share card or page the buyer came from), recorded on the order as given "
          "(`Order.attribution`). Null: none.")


@strawberry.input
class OpenTeamInput:
    deal_id: strawberry.ID = _described("The `Deal` id.")
    sku_id: strawberry.ID = _described(SKU_TO_BUY)
    idempotency_key: str | None = _described(IDEMPOTENCY_KEY, default=None)
    points: int = _described(POINTS_AT_CHECKOUT, default=0)
    address_id: strawberry.ID | None = _described(SHIP_TO, default=None)
    source: OrderSourceInput | None = _described(SOURCE, default=None)


@strawberry.input
class JoinTeamInput:
    share_code: str = _described(f"The team's share code ({rules.SHARE_CODE_LENGTH} characters; "
                                 "case and surrounding spaces do not matter).")
    sku_id: strawberry.ID = _described(SKU_TO_BUY)
    idempotency_key: str | None = _described(IDEMPOTENCY_KEY, default=None)
    points: int = _described(POINTS_AT_CHECKOUT, default=0)
    address_id: strawberry.ID | None = _described(SHIP_TO, default=None)
    source: OrderSourceInput | None = _described(SOURCE, default=None)


@strawberry.input
class OrderInput:
    order_id: strawberry.ID = _described("The `Order` id.")


@strawberry.type
class DealPayload:
    deal: Deal | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class SeatPayload:
    order: Order | None = None
    team: Team | None = None
    payment: PaymentParams | None = strawberry.field(
        default=None, description="For wx.requestPayment; null if the payment service was unreachable (use payOrder).")
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class OrderPayload:
    order: Order | None = None
    payment: PaymentParams | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


def _sku_of_product(sku_gid: str, product_id: str | None, field: str) -> tuple[str, str]:
    product, sku = from_global_id(sku_gid, "Sku", field)
    if product_id is not None and product != product_id:
        raise ValidationFailed("this SKU belongs to another product", field)
    return product, sku


def _address_id(address_gid: str | None) -> str | None:
    return None if address_gid is None else from_global_id(address_gid, "Address", "addressId")[0]


def _order_id(input: OrderArgument) -> str:
    return from_global_id(input.order_id, "Order", "orderId")[0]


def _seat_payload(taken: service.SeatTaken) -> SeatPayload:
    return SeatPayload(order=group_buy_order(taken.order), team=Team(team=taken.team),
                       payment=PaymentParams.of(taken.payment))


# Each mutation's one argument, described.
OrderArgument = Annotated[OrderInput, strawberry.argument(
    description="The order.")]
CreateDealArgument = Annotated[CreateDealInput, strawberry.argument(
    description="The product, its group prices and stock, when it runs and its team rules.")]
OpenTeamArgument = Annotated[OpenTeamInput, strawberry.argument(
    description="The deal, the SKU to buy, points to redeem and a retry key.")]
JoinTeamArgument = Annotated[JoinTeamInput, strawberry.argument(
    description="The team's share code, the SKU to buy, points to redeem and a retry key.")]


@strawberry.type
class GroupBuyMutation:
    @strawberry.mutation(description="Merchants: a group-buy deal on one of their active products.")
    @payload_errors(DealPayload)
    def create_deal(self, info: Ctx, input: CreateDealArgument) -> DealPayload | None:
        (product_id,) = from_global_id(input.product_id, "Product", "productId")
        new = NewDeal(
            product_id=product_id,
            prices=tuple((_sku_of_product(p.sku_id, product_id, f"prices.{i}.skuId")[1], p.price)
                         for i, p in enumerate(input.prices)),
            stock=tuple((_sku_of_product(s.sku_id, product_id, f"stock.{i}.skuId")[1], s.quantity)
                        for i, s in enumerate(input.stock)),
            starts_at=input.starts_at, ends_at=input.ends_at,  # checked by the service
            currency=input.currency.value, team_size=input.team_size, team_lifetime_seconds=input.team_lifetime_seconds,
            payment_window_seconds=input.payment_window_seconds, per_user_limit=input.per_user_limit,
            virtual_min_paid=input.virtual_success_min_paid,
        )
        return DealPayload(deal=Deal(deal=service.create_deal(info.context.principal, new, utc_now())))

    @strawberry.mutation(description="Open a team as its leader: an order awaiting payment holds your seat.")
    @payload_errors(SeatPayload)
    def open_team(self, info: Ctx, input: OpenTeamArgument) -> SeatPayload | None:
        (deal_id,) = from_global_id(input.deal_id, "Deal", "dealId")
        _, sku_id = _sku_of_product(input.sku_id, None, "skuId")
        return _seat_payload(service.open_team(info.context.principal, deal_id, sku_id, input.idempotency_key,
                                               _payments(info), utc_now(), points=input.points,
                                               address_id=_address_id(input.address_id),
                                               source=source_of(input.source)))

    @strawberry.mutation(description="Join a team by its share code: an order awaiting payment holds your seat "
                                     "for the deal's payment window.")
    @payload_errors(SeatPayload)
    def join_team(self, info: Ctx, input: JoinTeamArgument) -> SeatPayload | None:
        _, sku_id = _sku_of_product(input.sku_id, None, "skuId")
        return _seat_payload(service.join_team(info.context.principal, input.share_code.strip().upper(), sku_id,
                                               input.idempotency_key, _payments(info), utc_now(), points=input.points,
                                               address_id=_address_id(input.address_id),
                                               source=source_of(input.source)))

    @strawberry.mutation(description="Payment parameters again for your unpaid seat.")
    @payload_errors(OrderPayload)
    def pay_order(self, info: Ctx, input: OrderArgument) -> OrderPayload | None:
        order, params = service.pay_order(info.context.principal, _order_id(input), _payments(info), utc_now())
        return OrderPayload(order=group_buy_order(order), payment=PaymentParams.of(params))

    @strawberry.mutation(description="Give back your unpaid seat.")
    @payload_errors(OrderPayload)
    def cancel_seat(self, info: Ctx, input: OrderArgument) -> OrderPayload | None:
        return OrderPayload(order=group_buy_order(service.cancel_seat(info.context.principal, _order_id(input),
                                                                  utc_now())))

    @strawberry.mutation(description="Operators: run a failed refund again (same refund id: never paid twice).")
    @payload_errors(OrderPayload)
    def retry_refund(self, info: Ctx, input: OrderArgument) -> OrderPayload | None:
        return OrderPayload(order=group_buy_order(groupbuy_payments.retry_refund(info.context.principal, _order_id(input))))
