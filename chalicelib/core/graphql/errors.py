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

ErrorCode = strawberry.enum(DomainErrorCode, name="ErrorCode", description="Why an operation was refused.")


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
