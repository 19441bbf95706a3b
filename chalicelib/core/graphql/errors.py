"""Errors as clients see them.

Expected failures of a mutation are data: ``errors: [UserError!]!`` in its payload,
with a ``code`` from one enum. Failures of a query (bad id, bad cursor, page too
large) are GraphQL errors whose ``extensions.code`` is from the same enum.
Anything else is unexpected: logged with the request id, masked outside local.

Signed out is one error whatever the field: UNAUTHENTICATED, in the payload of a mutation
and as a field error of a query. When the request sent a token we refused, the message is
the refusal (expired, invalid, account gone) rather than "sign in first".
"""
from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, TypeVar

import strawberry
from graphql import GraphQLError

from chalicelib.core.errors import DomainError, Unauthenticated
from chalicelib.core.errors import ErrorCode as DomainErrorCode
from chalicelib.core.graphql.enums import described_enum

ErrorCode = described_enum(DomainErrorCode, name="ErrorCode", description="Why an operation was refused.", values={
    "INVALID": "An input value breaks a rule (see the message and field); nothing changed.",
    "REQUIRED": "A required input is missing.",
    "NOT_FOUND": "What the id names does not exist or is not yours to see.",
    "INVALID_ID": "The id is malformed or names another type.",
    "INVALID_CURSOR": "The cursor was altered or comes from another listing.",
    "PAGE_SIZE_EXCEEDED": "`first` is outside the page sizes the listing allows.",
    "QUERY_TOO_COSTLY": "The operation's cost (extensions.cost) is over the budget per request; ask for smaller pages.",
    "UNAUTHENTICATED": "Sign in first, or the token was refused (the message says why).",
    "FORBIDDEN": "Signed in, but your role may not do this.",
    "OUT_OF_STOCK": "Not enough units left.",
    "CONFLICT": "Someone changed it meanwhile, or it clashes with what exists; read it again.",
    "INVALID_STATE": "Not possible in its current state.",
    "LOGIN_FAILED": "WeChat refused the login code; call wx.login() again.",
    "IDEMPOTENCY_KEY_REUSED": "This key was used for a different request.",
    "DEAL_NOT_ACTIVE": "The deal has not started or has ended.",
    "TEAM_FULL": "Every seat of the team is taken.",
    "TEAM_EXPIRED": "The team's time ran out.",
    "TEAM_CLOSED": "The team is no longer open.",
    "ALREADY_IN_TEAM": "You already hold a seat in this team.",
    "LIMIT_REACHED": "You reached the per-person limit.",
    "PAYMENT_WINDOW_PASSED": "The seat's time to pay ran out.",
    "NOT_ENOUGH_POINTS": "Your available points do not cover it.",
    "POINTS_OVER_CAP": "More points than may pay for this order.",
    "POINTS_WRONG_UNIT": "Points are redeemed in whole units (of 100).",
    "ALREADY_CHECKED_IN": "Already checked in today (China time).",
    "MALL_ITEM_GONE": "The mall item is inactive or sold out.",
    "CONTENT_REJECTED": "The text contains a blocked word.",
    "POST_NOT_VISIBLE": "The post is not published (or not yours to see).",
    "CANNOT_FOLLOW_SELF": "You cannot follow yourself.",
    "PRODUCT_NOT_AVAILABLE": "The product is not on sale.",
    "CART_FULL": "The cart holds its maximum of lines (100); remove one first.",
    "CHECKOUT_TOO_LARGE": "More lines than one checkout can place at once (20): check out the rest separately.",
    "CART_CHANGED": "A cart line changed since it was read (quantity changed or line removed); read the cart again.",
    "COUPON_UNAVAILABLE": "A chosen coupon cannot be used: used meanwhile, expired, or not yours.",
    "COUPONS_GONE": "The coupon cannot be claimed now: ended, all claimed, or outside its claim window.",
    "NEW_CUSTOMERS_ONLY": "The coupon is for customers without a paid order yet.",
    "AFTER_SALES_WINDOW_CLOSED": "Too late for this after-sales request: the return window (7 days from delivery "
                                 "without a reason, longer with a quality reason) has closed, or the order's "
                                 "state does not allow this kind of request.",
    "AFTER_SALES_IN_PROGRESS": "An after-sales request for this line is still open: wait for it, or withdraw it.",
    "NOTHING_LEFT_TO_REFUND": "More units than the line has left to refund (refunded or in a request already).",
    "UNKNOWN_CARRIER": "The carrier code is not one of the `carriers` list.",
    "INVALID_TRACKING_NUMBER": "A tracking number is 6 to 32 of A-Z, a-z, 0-9 and '-' (no spaces).",
    "ADDRESS_REQUIRED": "The order has no shipping address yet: its buyer gives one with setOrderAddress.",
    "LEADER_NOT_APPROVED": "That community leader is not approved (unknown, pending, rejected or suspended): "
                           "customers choose, and sale rounds serve, approved leaders only.",
    "COMMUNITY_ROUND_CLOSED": "The community sale round is past its order cutoff or cancelled: it cannot be "
                              "changed any more.",
    "ALREADY_A_LEADER": "You are a community leader already (approved or suspended): a leader applies once.",
    "APPLICATION_PENDING": "Your leader application is waiting for an operator; apply again only once it is rejected.",
    "LEADER_NOT_SERVING": "The community sale round is not sold at that leader's pickup point: choose one of the "
                          "round's leaders.",
    "NOT_ENOUGH_COMMISSION": "The amount is more than your available (settled, not withdrawn) commission.",
    "ALREADY_ASSISTED": "You assisted this friend's campaign already: one assist per friend.",
    "CANNOT_ASSIST_SELF": "You cannot assist your own campaign: share it with friends.",
    "ASSIST_CLOSED": "The assist campaign has ended, or this friend reached every reward already.",
    "NOT_A_NEW_USER": "Only accounts created after the campaign started may assist in it.",
})


@strawberry.type(description="An expected failure of a mutation, meant to be shown to a person.")
class UserError:
    code: ErrorCode
    field: list[str] | None = strawberry.field(description="Path of the input field at fault, if one is.")
    message: str

    @classmethod
    def of(cls, error: DomainError) -> UserError:
        return cls(code=error.code, field=list(error.field) if error.field else None, message=error.message)


P = TypeVar("P")


def as_presented(error: DomainError, context: Any) -> DomainError:
    """The error a client sees: a signed-out refusal says why the request's token was refused, if one was."""
    refusal = getattr(context, "token_refusal", None)
    if isinstance(error, Unauthenticated) and refusal is not None:
        return refusal
    return error


def payload_errors(payload: type[P]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Turn a DomainError raised by a mutation into ``payload(errors=[...])``."""

    def decorate(resolver: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(resolver)
        async def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                result = resolver(*args, **kwargs)
                return await result if inspect.isawaitable(result) else result
            except DomainError as error:
                # Strawberry passes ``info`` by name (every mutation declares it).
                context = getattr(kwargs.get("info"), "context", None)
                return payload(errors=[UserError.of(as_presented(error, context))])  # type: ignore[call-arg]

        return wrapper

    return decorate


def domain_error_of(error: GraphQLError, context: Any = None) -> DomainError | None:
    original = error.original_error
    return as_presented(original, context) if isinstance(original, DomainError) else None
