"""Schema assembly: the limits every request is held to and the error policy.

The root (chalicelib/schema.py) passes in what the features export; this module
knows no feature.
"""
from __future__ import annotations

from collections.abc import Sequence

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)

from chalicelib.core.graphql.caches import CachedParsing, CachedValidation
from chalicelib.core.graphql.cost import QueryCostLimit
from chalicelib.core.graphql.errors import domain_error_of
from chalicelib.core.graphql.operation_selection import OperationSelection
from chalicelib.core.graphql.scalars import SCALAR_OVERRIDES
from chalicelib.core.graphql.text_input import RefuseLoneSurrogates
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
    # Execution's own suggestions (an enum value in the variables); validation's are
    # CachedValidation's. Set by assemble_schema.
    hide_suggestions = False

    def process_errors(self, errors, execution_context=None) -> None:  # type: ignore[override]
        """ErrorPolicy logs what is unexpected; a client's bad input is not an error of ours."""

    def _get_custom_context_kwargs(self, operation_extensions=None, *, sync=False):  # type: ignore[override]
        # What strawberry passes on to graphql-core's execute(): it has no setting of its own for this.
        return {**super()._get_custom_context_kwargs(operation_extensions, sync=sync),
                "hide_suggestions": self.hide_suggestions}


def assemble_schema(config: Settings, query: type, mutation: type, types: Sequence[type]) -> strawberry.Schema:
    # The validation rules are classes made once, here: the validation cache is keyed by
    # them, and strawberry's limiters make new ones with every instance.
    rules = [
        *QueryDepthLimiter(max_depth=MAX_DEPTH).validation_rules,
        *MaxAliasesLimiter(max_alias_count=MAX_ALIASES).validation_rules,
    ]
    if config.is_production:
        rules += DisableIntrospection().validation_rules
    hide_suggestions = not config.is_local  # where the schema is not public, typos get no hints
    # Factories, not instances: extensions keep per-request state. Order matters: the
    # token limit sets the parse options the parser cache is keyed by; text is checked
    # before parsing; the operation is chosen after it; a valid operation is priced
    # (its cost depends on the variables, so it is not part of the cached validation).
    extensions = [
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        RefuseLoneSurrogates,
        CachedParsing,
        OperationSelection,
        lambda: AddValidationRules(rules),
        lambda: CachedValidation(hide_suggestions=hide_suggestions),
        QueryCostLimit,
        lambda: ErrorPolicy(mask=not config.is_local),
    ]
    schema = Schema(query=query, mutation=mutation, types=list(types), extensions=extensions,
                    scalar_overrides=SCALAR_OVERRIDES)
    schema.hide_suggestions = hide_suggestions
    return schema
