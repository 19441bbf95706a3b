"""Query cost: what an operation may read, priced before anything runs.

Depth, aliases and tokens bound the text; none bounds the reads. A connection of
100 posts, each with 100 comments, each ... stays shallow and short yet asks the
table for millions of items. Here (as Saleor's QueryCostValidator and Shopify's
calculated cost do) every field costs 1, and a field that returns many things
multiplies what is selected under it:

- a connection (its type is named ``...Connection``) by its page size: ``first``
  (a literal or a variable, as sent), DEFAULT_PAGE_SIZE when absent, at most
  MAX_PAGE_SIZE (a larger ``first`` is refused by the field itself anyway);
- a list of objects without paging (``categories``, ``children``, ``skus``, a post's
  ``products``, a payload's ``errors``) by UNPAGED_LIST_SIZE: such lists are small by
  design (a product's SKUs, a post's tagged products) and are read whole.

The ``edges`` of a connection are its page, already counted by the connection.
Fragments on the parent's own type add up; fragments on narrower types (``node(id:)
{ ... on Post { } ... on Product { } }``) are alternatives, so the dearest counts.
Introspection fields (``__schema``, ``__type``) cost 1 whatever they select: they read
the schema, not the table. ``@skip``/``@include`` are ignored: the price is the most
the operation may cost.

Cost depends on the variables, so it is computed per request, after validation
(which is cached per text, see caches.py), and only for a valid document. Over
BUDGET the request is refused with QUERY_TOO_COSTLY and nothing runs. Every answer
says its cost in ``extensions.cost`` (README, "Conventions for client teams").
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLList,
    GraphQLNamedType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
    is_composite_type,
)
from graphql.utilities import get_operation_ast
from strawberry.extensions import SchemaExtension

from chalicelib.core.errors import QueryTooCostly
from chalicelib.core.graphql.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE

# Chosen so every operation in graphql/operations/ passes with room to grow
# (tests/api/test_query_cost.py prints the dearest) and a page of pages of pages is refused.
BUDGET = 25_000
UNPAGED_LIST_SIZE = 10
CONNECTION_SUFFIX = "Connection"


class QueryCost:
    """The price of one operation of a validated document, given the request's variables."""

    def __init__(self, schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode,
                 variables: Mapping[str, Any] | None) -> None:
        self.schema = schema
        self.fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        self.variables = dict(variables or {})
        for definition in operation.variable_definitions or ():
            name = definition.variable.name.value
            if name not in self.variables and isinstance(definition.default_value, IntValueNode):
                self.variables[name] = int(definition.default_value.value)
        self.operation = operation

    def total(self) -> int:
        root = self.schema.get_root_type(self.operation.operation)
        return self._selection_cost(root, self.operation.selection_set)

    def _selection_cost(self, parent: GraphQLNamedType, selection_set: SelectionSetNode | None) -> int:
        if selection_set is None:
            return 0
        own = 0
        narrower: dict[str, int] = {}  # per fragment type: only one of them applies to an object
        for selection, on_type in self._flattened(parent, selection_set):
            cost = self._field_cost(on_type, selection)
            if on_type is parent:
                own += cost
            else:
                narrower[on_type.name] = narrower.get(on_type.name, 0) + cost
        return own + max(narrower.values(), default=0)

    def _flattened(self, parent: GraphQLNamedType,
                   selection_set: SelectionSetNode) -> Iterator[tuple[FieldNode, GraphQLNamedType]]:
        """The fields of a selection with the type they are selected on, fragments opened."""
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                yield selection, parent
                continue
            if isinstance(selection, FragmentSpreadNode):
                fragment: InlineFragmentNode | FragmentDefinitionNode = self.fragments[selection.name.value]
            else:
                fragment = selection  # an inline fragment
            condition = fragment.type_condition
            on_type = self.schema.get_type(condition.name.value) if condition else parent
            yield from self._flattened(on_type or parent, fragment.selection_set)

    def _field_cost(self, parent: GraphQLNamedType, node: FieldNode) -> int:
        name = node.name.value
        if name.startswith("__"):
            return 1
        field = parent.fields[name]  # type: ignore[attr-defined]  # a valid document: the field exists
        returned = get_named_type(field.type)
        below = self._selection_cost(returned, node.selection_set)
        if returned.name.endswith(CONNECTION_SUFFIX):
            return 1 + self._page_size(node) * below
        if isinstance(get_nullable_type(field.type), GraphQLList) and is_composite_type(returned) \
                and not parent.name.endswith(CONNECTION_SUFFIX):
            return 1 + UNPAGED_LIST_SIZE * below
        return 1 + below

    def _page_size(self, node: FieldNode) -> int:
        sizes = [self._argument_int(node, name) for name in ("first", "last")]  # both given: refused, costed larger
        given = [size for size in sizes if size is not None]
        if not given:
            return DEFAULT_PAGE_SIZE  # absent or null; a value of the wrong type fails coercion, nothing runs
        return max(1, min(max(given), MAX_PAGE_SIZE))

    def _argument_int(self, node: FieldNode, name: str) -> int | None:
        value = next((argument.value for argument in node.arguments or () if argument.name.value == name), None)
        if isinstance(value, VariableNode):
            size = self.variables.get(value.name.value)
        elif isinstance(value, IntValueNode):
            size = int(value.value)
        else:
            size = None
        return size if isinstance(size, int) and not isinstance(size, bool) else None


def query_cost(schema: GraphQLSchema, document: DocumentNode, operation_name: str | None = None,
               variables: Mapping[str, Any] | None = None) -> int:
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        raise ValueError(f"no operation {operation_name!r} in the document")
    return QueryCost(schema, document, operation, variables).total()


class QueryCostLimit(SchemaExtension):
    """Refuses an operation over BUDGET before it runs; reports the cost of every one."""

    def __init__(self, *, budget: int = BUDGET) -> None:
        self.budget = budget
        self.cost = 0  # a document that does not parse or validate runs nothing

    def on_validate(self) -> Iterator[None]:
        # After CachedValidation (its hook runs first): its errors are already set.
        context = self.execution_context
        if not context.pre_execution_errors and context.graphql_document is not None:
            self.cost = query_cost(context.schema._schema, context.graphql_document,
                                   context._provided_operation_name, context.variables)
            if self.cost > self.budget:
                refusal = QueryTooCostly(
                    f"This query would cost {self.cost:,}, over the budget of {self.budget:,} per request: "
                    "ask for smaller pages (first) or fewer nested lists.")
                context.pre_execution_errors = [GraphQLError(refusal.message, original_error=refusal)]
        yield

    def get_results(self) -> dict[str, Any]:
        return {"cost": {"requestedQueryCost": self.cost, "maximumAvailable": self.budget}}
