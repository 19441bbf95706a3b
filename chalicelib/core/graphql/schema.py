"""Schema assembly: the limits every request is held to and the error policy.

The root (chalicelib/schema.py) passes in what the features export; this module
knows no feature.
"""
from __future__ import annotations

from collections.abc import Sequence

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    DisableIntrospection,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)

from chalicelib.core.graphql.errors import domain_error_of
from chalicelib.core.observability import logger
from chalicelib.core.settings import Settings

MAX_DEPTH = 10
MAX_TOKENS = 2000
MAX_ALIASES = 15
INTERNAL_ERROR = "INTERNAL_ERROR"


class ErrorPolicy(SchemaExtension):
    """Typed errors keep their code; unexpected ones are logged with the request id
    and, outside local, replaced by a message that reveals nothing."""

    def __init__(self, *, mask: bool) -> None:
        self.mask = mask

    def on_operation(self):  # type: ignore[override]
        yield
        result = self.execution_context.result
        if result is None or not result.errors:
            return
        result.errors = [self._present(error) for error in result.errors]

    def _present(self, error: GraphQLError) -> GraphQLError:
        domain = domain_error_of(error, self.execution_context.context)
        if domain is not None:
            extensions = {"code": domain.code.value}
            if domain.field:
                extensions["field"] = list(domain.field)
            return GraphQLError(domain.message, error.nodes, error.source, error.positions, error.path,
                                extensions=extensions)
        # Syntax, validation, limit and variable-coercion errors (graphql-core wraps the
        # latter around a GraphQLError of its own): the client's to fix, said plainly.
        if error.original_error is None or isinstance(error.original_error, GraphQLError):
            return GraphQLError(error.message, error.nodes, error.source, error.positions, error.path,
                                extensions={"code": "GRAPHQL_VALIDATION_FAILED", **(error.extensions or {})})
        request_id = getattr(self.execution_context.context, "request_id", None)
        logger.exception("unexpected error in a resolver", exc_info=error.original_error,
                         extra={"graphql_path": error.path})
        message = "Unexpected error." if self.mask else error.message
        return GraphQLError(message, error.nodes, error.source, error.positions, error.path,
                            extensions={"code": INTERNAL_ERROR, "requestId": request_id})


class Schema(strawberry.Schema):
    def process_errors(self, errors, execution_context=None) -> None:  # type: ignore[override]
        """ErrorPolicy logs what is unexpected; a client's bad input is not an error of ours."""


def assemble_schema(config: Settings, query: type, mutation: type, types: Sequence[type]) -> strawberry.Schema:
    # Factories, not instances: extensions keep per-request state.
    extensions = [
        lambda: QueryDepthLimiter(max_depth=MAX_DEPTH),
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        lambda: MaxAliasesLimiter(max_alias_count=MAX_ALIASES),
        lambda: ErrorPolicy(mask=not config.is_local),
    ]
    if config.is_production:
        extensions.append(DisableIntrospection)
    return Schema(query=query, mutation=mutation, types=list(types), extensions=extensions)
