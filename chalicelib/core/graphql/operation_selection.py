"""Which operation of the document runs, as the GraphQL spec says (6.1 "GetOperation").

Strawberry runs the first operation when a document holds several and no
``operationName`` is sent, and raises (an HTTP 500 here) when the name matches
nothing or the document holds no operation. This extension settles the choice
right after parsing; the view answers any refusal as a bad request.
"""
from __future__ import annotations

from collections.abc import Iterator

from graphql import OperationDefinitionNode
from strawberry.extensions import SchemaExtension
from strawberry.schema.exceptions import CannotGetOperationTypeError


class OperationNotSelected(CannotGetOperationTypeError):
    """Strawberry lets its own exception through ``Schema.execute``: ours is one of them."""

    def __init__(self, reason: str) -> None:
        super().__init__(None)
        self.reason = reason

    def as_http_error_reason(self) -> str:
        return self.reason


def refusal_of(operations: list[OperationDefinitionNode], operation_name: str | None) -> str | None:
    """Why no single operation can be chosen, or None when one can."""
    if not operations:
        return "The document holds no operation (only fragments?): send a query or a mutation."
    if operation_name is None:
        if len(operations) > 1:
            return "The document holds several operations: say which to run with operationName."
        return None
    if not any(operation.name and operation.name.value == operation_name for operation in operations):
        return f"No operation in the document is named {operation_name!r}."
    return None


class OperationSelection(SchemaExtension):
    def on_parse(self) -> Iterator[None]:
        yield
        document = self.execution_context.graphql_document
        if document is None:  # a syntax error, which strawberry reports itself
            return
        operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        # The name as sent: the public ``operation_name`` falls back to the first operation's.
        reason = refusal_of(operations, self.execution_context._provided_operation_name)
        if reason is not None:
            raise OperationNotSelected(reason)
