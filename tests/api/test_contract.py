"""graphql/ is the contract client teams read: it must match the code."""
from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from graphql import build_schema, parse, validate

from chalicelib.export_schema import sdl

GRAPHQL_DIR = Path(__file__).parents[2] / "graphql"


@cache
def exported_schema():
    """The schema as the code prints it, built once per process: 21 operation files are checked against it."""
    return build_schema(sdl())


def test_exported_schema_is_current():
    committed = (GRAPHQL_DIR / "schema.graphql").read_text(encoding="utf-8")
    assert committed == sdl(), "graphql/schema.graphql is stale: run `make schema`"


@pytest.mark.parametrize("path", sorted((GRAPHQL_DIR / "operations").glob("*.graphql")), ids=lambda p: p.name)
def test_example_operations_validate_against_the_schema(path):
    errors = validate(exported_schema(), parse(path.read_text(encoding="utf-8")))
    assert errors == []
