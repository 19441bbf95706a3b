"""What changes between local and production: GraphiQL, introspection, error masking."""
from __future__ import annotations

import asyncio
import json
from dataclasses import replace

import pytest

from chalicelib.catalog import store as catalog_store
from chalicelib.core.graphql import graphiql
from chalicelib.core.graphql.context import RequestContext
from chalicelib.core.settings import settings
from chalicelib.schema import build_schema

INTROSPECTION = "{ __schema { queryType { name } } }"


def _run(config, query: str):
    context = RequestContext(settings=config, principal=None, request_id="req-123")
    return asyncio.run(build_schema(config).execute(query, context_value=context))


def test_graphiql_page_and_its_local_assets_are_served_locally(client):
    page = client.http.get("/graphql")
    assert page.status_code == 200 and b"/graphiql/assets/graphiql.js" in page.body
    for name in graphiql.ASSETS:
        asset = client.http.get(f"/graphiql/assets/{name}")
        assert asset.status_code == 200 and len(asset.body) > 1000, name
    assert client.http.get("/graphiql/assets/..%2F..%2Fpackage.json").status_code == 404
    assert client.http.get("/graphiql/assets/unknown.js").status_code == 404


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_graphiql_is_not_served_outside_local(client, monkeypatch, stage):
    monkeypatch.setattr(graphiql, "settings", lambda: replace(settings(), stage=stage))
    assert client.http.get("/graphql").status_code == 404
    assert client.http.get("/graphiql/assets/graphiql.js").status_code == 404


def test_introspection_is_on_locally_and_off_in_production():
    assert _run(settings(), INTROSPECTION).errors is None
    result = _run(replace(settings(), stage="prod"), INTROSPECTION)
    assert result.data is None and "introspection" in result.errors[0].message.lower()


def test_unexpected_errors_are_masked_outside_local_with_the_request_id(monkeypatch):
    def broken():
        raise RuntimeError("connection string with password=hunter2")

    monkeypatch.setattr(catalog_store, "category_tree", broken)
    local = _run(settings(), "{ categories { name } }")
    assert "hunter2" in local.errors[0].message  # locally the developer sees what broke
    prod = _run(replace(settings(), stage="prod"), "{ categories { name } }")
    formatted = prod.errors[0].formatted
    assert formatted["message"] == "Unexpected error."
    assert formatted["extensions"] == {"code": "INTERNAL_ERROR", "requestId": "req-123"}
    assert "hunter2" not in json.dumps(formatted)


def test_typed_errors_keep_their_code_in_production():
    result = _run(replace(settings(), stage="prod"), '{ product(id: "garbage") { id } }')
    assert result.errors[0].formatted["extensions"]["code"] == "INVALID_ID"


def _run_with(config, query: str, variables: dict):
    context = RequestContext(settings=config, principal=None, request_id="req-123")
    return asyncio.run(build_schema(config).execute(query, variable_values=variables, context_value=context))


TYPO = "{ mee { id } }"
ENUM_TYPO = "mutation($i: PublishPostInput!) { publishPost(input: $i) { errors { code } } }"


def test_suggestions_help_locally_and_reveal_nothing_outside_local():
    assert "Did you mean 'me'?" in _run(settings(), TYPO).errors[0].message
    local = _run_with(settings(), ENUM_TYPO, {"i": {"kind": "NOTEE", "body": "x"}}).errors[0].message
    assert "NOTE" in local.replace("NOTEE", "") and "Did you mean" in local
    for stage in ("dev", "prod"):
        config = replace(settings(), stage=stage)
        typo = _run(config, TYPO).errors[0]
        assert typo.message == "Cannot query field 'mee' on type 'Query'."
        enum = _run_with(config, ENUM_TYPO, {"i": {"kind": "NOTEE", "body": "x"}}).errors[0].message
        assert "NOTEE" in enum and "NOTE" not in enum.replace("NOTEE", "") and "Did you mean" not in enum
