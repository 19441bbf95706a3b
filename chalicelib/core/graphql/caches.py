"""Parsing and validation, cached per query text; "Did you mean ...?" only where the schema is public.

Strawberry's ParserCache parses as its hook starts, outside the block where
strawberry turns a syntax error into a response: the error then skips every
extension's end of operation (ErrorPolicy's codes). Here a text that does not
parse is left to strawberry, which parses it again and reports it.

Strawberry's ``ValidationCache`` calls ``validate`` without ``hide_suggestions``:
with introspection off, suggestions would still rebuild the schema one typo at a
time. graphql-core 3.3 can leave them out (``validate(..., hide_suggestions=True)``;
execution takes the same flag for variable values, see ``Schema`` in schema.py).
"""
from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from graphql import ASTValidationRule, DocumentNode, GraphQLError, GraphQLSchema, parse, validate
from strawberry.extensions import SchemaExtension
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule

CACHED_DOCUMENTS = 256
# The rules strawberry's own validate_document adds to the ones an execution holds.
STRAWBERRY_RULES = (MaybeNullValidationRule, OneOfInputValidationRule)


@lru_cache(maxsize=CACHED_DOCUMENTS)
def parsed(text: str, max_tokens: int | None) -> DocumentNode:
    return parse(text, max_tokens=max_tokens)


class CachedParsing(SchemaExtension):
    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        try:
            context.graphql_document = parsed(context.query, context.parse_options.get("max_tokens"))
        except GraphQLError:
            pass  # not cached (lru_cache keeps no exceptions): strawberry reports it in its own parse
        yield


@lru_cache(maxsize=CACHED_DOCUMENTS)
def validation_errors(schema: GraphQLSchema, document: DocumentNode,
                      rules: tuple[type[ASTValidationRule], ...], hide_suggestions: bool) -> list[GraphQLError]:
    # Keyed by the document object: the parser cache hands the same one back for the same text.
    return validate(schema, document, (*rules, *STRAWBERRY_RULES), hide_suggestions=hide_suggestions)


class CachedValidation(SchemaExtension):
    def __init__(self, *, hide_suggestions: bool) -> None:
        self.hide_suggestions = hide_suggestions

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        # Set before strawberry validates, which it then skips (as its ValidationCache does).
        context.pre_execution_errors = validation_errors(
            context.schema._schema, context.graphql_document, context.validation_rules, self.hide_suggestions)
        yield
