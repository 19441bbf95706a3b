"""Cart mutations, mixed into Mutation. Each answers the whole cart as it is after the change
(a consistent read), so a client's cached Cart and CartLines update from one payload.
Resolvers only translate between GraphQL and chalicelib.cart.service."""
from __future__ import annotations

from typing import Annotated

import strawberry

from chalicelib.cart import rules as domain
from chalicelib.cart import service
from chalicelib.cart.graphql.types import Cart
from chalicelib.core.clock import utc_now
from chalicelib.core.graphql.context import Ctx
from chalicelib.core.graphql.errors import UserError, payload_errors
from chalicelib.core.graphql.ids import from_global_id

QUANTITY = f"{domain.MIN_QUANTITY} to {domain.MAX_QUANTITY}"


@strawberry.input
class AddToCartInput:
    sku_id: strawberry.ID = strawberry.field(description="The `Sku` id; its product must be on sale.")
    quantity: int = strawberry.field(default=1, description=f"Units to add: {QUANTITY}. Added to the line if the "
                                                            f"SKU is in the cart already (at most "
                                                            f"{domain.MAX_QUANTITY} in all).")


@strawberry.input(description="Only the fields given change.")
class UpdateCartLineInput:
    sku_id: strawberry.ID = strawberry.field(description="The `Sku` id of a line in your cart.")
    quantity: int | None = strawberry.field(default=None, description=f"The line's new quantity: {QUANTITY}.")
    selected: bool | None = strawberry.field(default=None, description="Chosen for checkout or not.")


@strawberry.input
class RemoveFromCartInput:
    sku_ids: list[strawberry.ID] = strawberry.field(
        description="`Sku` ids of lines to remove: 1 to 100. One not in your cart is ignored.")


@strawberry.input(description="Give either `skuIds` or `all: true`.")
class SelectCartLinesInput:
    selected: bool = strawberry.field(description="true selects the lines for checkout, false unselects them.")
    sku_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="`Sku` ids of lines in your cart: 1 to 100.")
    all: bool = strawberry.field(default=False, description="true: every line of the cart.")


@strawberry.type(description="Your cart after the change.")
class CartPayload:
    cart: Cart | None = strawberry.field(default=None, description="The whole cart; null if `errors` is not empty.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Why nothing changed, if so.")


def _sku(sku_gid: strawberry.ID, field: str) -> tuple[str, str]:
    product_id, sku_id = from_global_id(sku_gid, "Sku", field)
    return product_id, sku_id


def _sku_ids(sku_gids: list[strawberry.ID], field: str) -> list[str]:
    return [_sku(gid, f"{field}.{i}")[1] for i, gid in enumerate(sku_gids)]


def _answer(info: Ctx) -> CartPayload:
    """The cart after the change, read consistently (the service has checked the caller)."""
    principal = info.context.principal
    summary = service.own_cart(principal, consistent=True)
    return CartPayload(cart=Cart(user_id=principal.user_id, summary=summary))


@strawberry.type
class CartMutation:
    @strawberry.mutation(description="Put a SKU in your cart, or add units to its line. Its product must be on "
                                     "sale; a cart holds at most 100 lines (CART_FULL).")
    @payload_errors(CartPayload)
    def add_to_cart(self, info: Ctx, input: Annotated[AddToCartInput, strawberry.argument(
            description="The SKU and how many units.")]) -> CartPayload | None:
        product_id, sku_id = _sku(input.sku_id, "skuId")
        service.add(info.context.principal, product_id, sku_id, input.quantity, utc_now())
        return _answer(info)

    @strawberry.mutation(description="Change a line's quantity or whether it is selected.")
    @payload_errors(CartPayload)
    def update_cart_line(self, info: Ctx, input: Annotated[UpdateCartLineInput, strawberry.argument(
            description="The line's SKU and what changes.")]) -> CartPayload | None:
        _, sku_id = _sku(input.sku_id, "skuId")
        service.update(info.context.principal, sku_id, quantity=input.quantity, selected=input.selected)
        return _answer(info)

    @strawberry.mutation(description="Remove lines from your cart.")
    @payload_errors(CartPayload)
    def remove_from_cart(self, info: Ctx, input: Annotated[RemoveFromCartInput, strawberry.argument(
            description="The lines' SKUs.")]) -> CartPayload | None:
        service.remove(info.context.principal, _sku_ids(input.sku_ids, "skuIds"), utc_now())
        return _answer(info)

    @strawberry.mutation(description="Select (or unselect) lines for checkout: named ones, or all of them.")
    @payload_errors(CartPayload)
    def select_cart_lines(self, info: Ctx, input: Annotated[SelectCartLinesInput, strawberry.argument(
            description="Which lines, and selected or not.")]) -> CartPayload | None:
        sku_ids = None if input.sku_ids is None else _sku_ids(input.sku_ids, "skuIds")
        service.select(info.context.principal, sku_ids, input.all, input.selected)
        return _answer(info)
