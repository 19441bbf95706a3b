"""Text the API accepts is Unicode text: a lone UTF-16 surrogate ("\\ud800") is refused.

JSON lets a client send one (``"\\ud800"``); Python keeps it in a ``str`` that
cannot be encoded, so it fails wherever text is next encoded (the table, the
response) instead of where it came in. One check here covers every String input,
in variables and in the document, before anything runs: a typed INVALID error
with the path of the input at fault, nothing stored. Variables nested deeper
than any input of the schema are refused by the same walk (they made graphql-core
recurse past Python's limit).
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from graphql import ArgumentNode, GraphQLError, ObjectFieldNode, StringValueNode, VariableDefinitionNode, Visitor, visit
from graphql.execution import ExecutionResult as GraphQLExecutionResult
from strawberry.extensions import SchemaExtension

from chalicelib.core.errors import ValidationFailed

LONE_SURROGATE = re.compile("[\ud800-\udfff]")
# Python joins a valid surrogate pair from JSON into one code point: any left is lone.
REPLACEMENT = "\ufffd"
MAX_VARIABLE_DEPTH = 32
NOT_TEXT = "is not valid Unicode text (it holds a lone UTF-16 surrogate)"


def _printable(key: str) -> str:
    return key.encode("utf-8", "backslashreplace").decode("utf-8")


def variables_refusal(variables: dict[str, Any] | None) -> ValidationFailed | None:
    """The first lone surrogate (in a value or a key) or excess nesting, walked without recursion."""
    pending: list[tuple[Any, tuple[str, ...]]] = [(variables or {}, ())]
    while pending:
        value, path = pending.pop()
        if len(path) > MAX_VARIABLE_DEPTH:
            return ValidationFailed(f"variables nest deeper than {MAX_VARIABLE_DEPTH} levels", field=path[:1])
        if isinstance(value, str):
            if not value.isascii() and LONE_SURROGATE.search(value):
                return ValidationFailed(f"{'.'.join(path)} {NOT_TEXT}", field=path)
        elif isinstance(value, dict):
            for key, item in value.items():
                if not key.isascii() and LONE_SURROGATE.search(key):
                    return ValidationFailed(f"a key {NOT_TEXT}", field=(*path, _printable(key)))
                pending.append((item, (*path, key)))
        elif isinstance(value, list):
            pending.extend((item, (*path, str(index))) for index, item in enumerate(value))
    return None


def literal_path(document: Any, offset: int) -> tuple[str, ...] | None:
    """Argument and input-field names leading to the string literal at ``offset`` of the text."""
    found: list[tuple[str, ...]] = []

    class Literals(Visitor):
        def enter_string_value(self, node: StringValueNode, _key, parent, _path, ancestors) -> None:
            if node.loc and node.loc.start <= offset < node.loc.end:
                found.append(tuple(_name_of(step) for step in (*ancestors, parent) if _name_of(step)))

    visit(document, Literals())
    return found[0] if found else None


def _name_of(step: Any) -> str | None:
    if isinstance(step, (ArgumentNode, ObjectFieldNode)):
        return step.name.value
    if isinstance(step, VariableDefinitionNode):  # a default value
        return step.variable.name.value
    return None


class RefuseLoneSurrogates(SchemaExtension):
    """Before parsing, a lone surrogate in the text is replaced (so that the lexer's error
    cannot carry it into the response) and remembered; before executing, the operation
    is refused if the text or the variables held one."""

    def __init__(self) -> None:
        self.offset_in_text: int | None = None

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        text = context.query or ""
        if not text.isascii() and (match := LONE_SURROGATE.search(text)):
            self.offset_in_text = match.start()
            context.query = LONE_SURROGATE.sub(REPLACEMENT, text)
        yield

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        refusal = variables_refusal(context.variables)
        if refusal is None and self.offset_in_text is not None:
            path = literal_path(context.graphql_document, self.offset_in_text)
            refusal = ValidationFailed(f"{'.'.join(path) if path else 'the document'} {NOT_TEXT}", field=path)
        if refusal is not None:
            # A result set before execution is the one returned: nothing runs.
            context.result = GraphQLExecutionResult(data=None, errors=[GraphQLError(refusal.message,
                                                                                    original_error=refusal)])
        yield
