"""Every example operation selects `id` on every object that has one.

Apollo (and urql's graphcache) normalise a response by `__typename` + `id`: an object
without its id is stored under its parent, so `likePost { post { likeCount } }` left the
cached post's `likeCount` at 0 while the server answered 1. Client teams copy these
operations, so each one must let the cache find the object it updates.

Fields are gathered the way the executor does: fragment spreads and inline fragments
count towards the selection set they are in, so `post { ...PostCard }` is fine when
PostCard selects `id`.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLInterfaceType,
    GraphQLObjectType,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    TypeInfo,
    TypeInfoVisitor,
    Visitor,
    get_named_type,
    parse,
    validate,
    visit,
)

from chalicelib.schema import schema as build_schema

OPERATIONS_DIR = Path(__file__).parents[2] / "graphql" / "operations"
OPERATION_FILES = sorted(OPERATIONS_DIR.glob("*.graphql"))


def _selects_id(selection_set: SelectionSetNode, fragments: dict[str, FragmentDefinitionNode],
                seen: frozenset[str] = frozenset()) -> bool:
    """Whether `id` (unaliased, as caches read it) is among the fields this set gathers."""
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            if selection.name.value == "id" and (selection.alias is None or selection.alias.value == "id"):
                return True
        elif isinstance(selection, InlineFragmentNode):
            if _selects_id(selection.selection_set, fragments, seen):
                return True
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name not in seen and name in fragments and _selects_id(
                    fragments[name].selection_set, fragments, seen | {name}):
                return True
    return False


class _MissingIds(Visitor):
    """Collects "<where>: <path>" for each field whose object type has `id` unselected."""

    def __init__(self, type_info: TypeInfo, fragments: dict[str, FragmentDefinitionNode], where: str) -> None:
        super().__init__()
        self.type_info = type_info
        self.fragments = fragments
        self.where = where
        self.path: list[str] = []
        self.missing: list[str] = []

    def enter_field(self, node: FieldNode, *_args) -> None:
        self.path.append(node.alias.value if node.alias else node.name.value)
        if node.selection_set is None:
            return
        object_type = get_named_type(self.type_info.get_type())
        has_id = isinstance(object_type, GraphQLObjectType | GraphQLInterfaceType) and "id" in object_type.fields
        if has_id and not _selects_id(node.selection_set, self.fragments):
            self.missing.append(f"{self.where}: {'.'.join(self.path)} ({object_type.name})")

    def leave_field(self, *_args) -> None:
        self.path.pop()


def missing_ids(document_text: str, where: str) -> list[str]:
    """Each place in the document's operations and fragments that leaves out an `id`.

    Fragment definitions are walked on their own (named "fragment X"): the fields inside
    a fragment are the fragment's to get right, whichever operation spreads it.
    """
    schema = build_schema()._schema
    document = parse(document_text)
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    missing: list[str] = []
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            label = f"{where} {definition.operation.value} {definition.name.value if definition.name else '(anonymous)'}"
        elif isinstance(definition, FragmentDefinitionNode):
            label = f"{where} fragment {definition.name.value}"
        else:
            continue
        type_info = TypeInfo(schema)
        walker = _MissingIds(type_info, fragments, label)
        visit(definition, TypeInfoVisitor(type_info, walker))
        missing += walker.missing
    return missing


@pytest.mark.parametrize("path", OPERATION_FILES, ids=lambda p: p.name)
def test_every_example_operation_selects_id_on_objects_that_have_one(path):
    missing = missing_ids(path.read_text(encoding="utf-8"), path.name)
    assert missing == [], "select `id` (Apollo's cache key) at:\n" + "\n".join(missing)


def test_the_check_sees_through_fragments_and_names_the_path():
    document = """
    fragment Card on Post { id author { displayName } }
    query A { post(id: "p") { ...Card } }
    query B { post(id: "p") { ... on Post { id } title } }
    query C { post(id: "p") { title } }
    mutation D { likePost(input: { postId: "p" }) { post { likeCount } } }
    query E { me { id displayName } categories { id name children { name } } }
    """
    assert missing_ids(document, "t.graphql") == [
        "t.graphql fragment Card: author (Author)",
        "t.graphql query C: post (Post)",
        "t.graphql mutation D: likePost.post (Post)",
        "t.graphql query E: categories.children (Category)",
    ]


README = Path(__file__).parents[2] / "README.md"
# `"query": "..."` in the README's curl examples: JSON in a single-quoted shell string
# ('{"query": "... \"demo:merchant\" ..."}') or in a double-quoted one ("{\"query\": \"...\"}").
_README_QUERY = re.compile(r'"query": "((?:[^"\\]|\\.)*)"|\\"query\\": \\"((?:[^"\\]|\\[^"])*)\\"')


def readme_queries() -> list[str]:
    found = []
    for in_single_quotes, in_double_quotes in _README_QUERY.findall(README.read_text(encoding="utf-8")):
        text = in_single_quotes or in_double_quotes
        found.append(text.replace('\\"', '"').replace("\\$", "$"))
    return found


def test_the_readme_s_example_queries_are_valid_and_select_ids():
    queries = readme_queries()
    assert len(queries) >= 4, "the README's curl examples moved: update _README_QUERY"
    schema = build_schema()._schema
    for number, query in enumerate(queries, 1):
        assert validate(schema, parse(query)) == [], query
        assert missing_ids(query, f"README query {number}") == [], query
