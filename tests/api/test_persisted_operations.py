"""Persisted operations through the HTTP API: Apollo's APQ (hit, miss then fallback,
hash mismatch), GET reads a CDN may cache, mutations refused over GET, and the
registered-only production mode. DynamoDB requests are counted exactly."""
from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlencode

import pytest

from chalicelib.core.graphql import persisted, view
from chalicelib.core.settings import settings
from tests.conftest import priced_answer

QUERY = "{ __typename }"  # costs no DynamoDB request: what is counted is the persisted part
QUERY_HASH = persisted.sha256_hex(QUERY)
MANIFEST = {op["name"]: op for op in persisted.build_manifest()["operations"]}
CATEGORY_TREE = MANIFEST["CategoryTree"]
LOGIN = MANIFEST["Login"]
QUERY_MUTATION = 'mutation { loginWithWechat(input: {code: "demo:alice"}) { token } }'


def _apq(sha: str) -> dict:
    return {"persistedQuery": {"version": 1, "sha256Hash": sha}}


@pytest.fixture(autouse=True)
def cold_container():
    persisted.forget_container_cache()
    yield
    persisted.forget_container_cache()


@pytest.fixture
def registered_only(monkeypatch):
    monkeypatch.setattr(view, "settings", lambda: replace(settings(), only_registered_operations=True))


def post(client, body: dict, token: str | None = None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    response = client.http.post("/graphql", headers=headers, body=json.dumps(body))
    return response, json.loads(response.body)


def get(client, params: dict, headers: dict | None = None):
    encoded = {name: value if isinstance(value, str) else json.dumps(value) for name, value in params.items()}
    response = client.http.get(f"/graphql?{urlencode(encoded)}", headers=headers or {})
    return response, json.loads(response.body)


def code_of(body: dict) -> str:
    return body["errors"][0]["extensions"]["code"]


# ------------------------------------------------------------------------------------- APQ


def test_an_unknown_hash_is_not_found_then_the_text_with_its_hash_registers_it(client, emulator):
    response, body = post(client, {"extensions": _apq(QUERY_HASH)})
    assert response.status_code == 200
    assert body["errors"][0]["message"] == "PersistedQueryNotFound"
    assert code_of(body) == "PERSISTED_QUERY_NOT_FOUND" and "data" not in body
    assert emulator.dynamodb_counts() == {"GetItem": 1}

    emulator.clear_log()
    response, body = post(client, {"query": QUERY, "extensions": _apq(QUERY_HASH)})
    assert response.status_code == 200 and body == priced_answer({"__typename": "Query"})
    assert emulator.dynamodb_counts() == {"PutItem": 1}

    emulator.clear_log()
    response, body = post(client, {"extensions": _apq(QUERY_HASH)})
    assert body == priced_answer({"__typename": "Query"})
    assert emulator.dynamodb_counts() == {}  # this container remembers it


def test_a_registered_hash_is_read_once_per_container_after_a_cold_start(client, emulator):
    post(client, {"query": QUERY, "extensions": _apq(QUERY_HASH)})
    persisted.forget_container_cache()  # another container, or this one after a cold start
    emulator.clear_log()
    for _ in range(3):
        _, body = post(client, {"extensions": _apq(QUERY_HASH)})
        assert body == priced_answer({"__typename": "Query"})
    assert emulator.dynamodb_counts() == {"GetItem": 1}


def test_registering_a_stored_query_again_is_one_refused_conditional_put(client, emulator):
    post(client, {"query": QUERY, "extensions": _apq(QUERY_HASH)})
    persisted.forget_container_cache()
    emulator.clear_log()
    _, body = post(client, {"query": QUERY, "extensions": _apq(QUERY_HASH)})
    assert body == priced_answer({"__typename": "Query"})
    assert emulator.dynamodb_counts() == {"PutItem": 1}
    emulator.clear_log()
    post(client, {"query": QUERY, "extensions": _apq(QUERY_HASH)})
    assert emulator.dynamodb_counts() == {}


def test_a_text_whose_sha256_is_not_the_hash_is_refused_and_stores_nothing(client, emulator):
    wrong = persisted.sha256_hex("{ me { id } }")
    response, body = post(client, {"query": QUERY, "extensions": _apq(wrong)})
    assert response.status_code == 400 and code_of(body) == "PERSISTED_QUERY_HASH_MISMATCH"
    assert "data" not in body
    assert emulator.dynamodb_counts() == {}
    for sha in (wrong, QUERY_HASH):
        assert code_of(post(client, {"extensions": _apq(sha)})[1]) == "PERSISTED_QUERY_NOT_FOUND"


def test_a_manifest_operation_runs_by_hash_without_a_table_read(client, emulator):
    _, plain = post(client, {"query": CATEGORY_TREE["body"]})
    plain_counts = emulator.dynamodb_counts()
    emulator.clear_log()
    _, by_hash = post(client, {"extensions": _apq(CATEGORY_TREE["id"])})
    assert by_hash == plain and "errors" not in by_hash
    assert emulator.dynamodb_counts() == plain_counts


@pytest.mark.parametrize("extensions", [
    {"persistedQuery": {"version": 2, "sha256Hash": QUERY_HASH}},
    {"persistedQuery": {"version": 1}},
    {"persistedQuery": "yes"},
    {"persistedQuery": {"version": 1, "sha256Hash": "PRODUCT#1"}},
])
def test_a_malformed_persisted_query_extension_is_a_bad_request(client, emulator, extensions):
    response, body = post(client, {"extensions": extensions})
    assert response.status_code == 400 and code_of(body) == "BAD_REQUEST"
    assert emulator.dynamodb_counts() == {}


# ------------------------------------------------------------------------------------- GET


def test_a_persisted_read_over_get_is_cacheable_when_anonymous(client, customer):
    params = {"extensions": _apq(CATEGORY_TREE["id"]), "operationName": "CategoryTree", "variables": {}}
    response, body = get(client, params)
    assert response.status_code == 200 and "errors" not in body and body["data"]["categories"] == []
    assert response.headers["Cache-Control"] == f"public, max-age={persisted.PUBLIC_MAX_AGE_SECONDS}"
    response, body = get(client, params, headers={"Authorization": f"Bearer {customer}"})
    assert response.status_code == 200 and "errors" not in body
    assert response.headers["Cache-Control"] == "private, no-store"


def test_a_get_miss_is_not_found_and_not_cached_then_post_registers_for_get(client):
    response, body = get(client, {"extensions": _apq(QUERY_HASH)})
    assert code_of(body) == "PERSISTED_QUERY_NOT_FOUND"
    assert response.headers["Cache-Control"] == "private, no-store"
    post(client, {"query": QUERY, "extensions": _apq(QUERY_HASH)})
    response, body = get(client, {"extensions": _apq(QUERY_HASH)})
    assert body == priced_answer({"__typename": "Query"})


def test_get_variables_and_operation_name_reach_the_operation(client):
    query = "query Hi($yes: Boolean!) { __typename @include(if: $yes) } query Other { __typename }"
    for yes, data in ((True, {"__typename": "Query"}), (False, {})):
        response, body = get(client, {"query": query, "operationName": "Hi", "variables": {"yes": yes}})
        assert response.status_code == 200 and body == priced_answer(data)


@pytest.mark.parametrize("how", ["text", "hash", "text and hash"])
def test_a_mutation_over_get_is_refused_with_405_and_runs_or_stores_nothing(client, emulator, how):
    params = {"text": {"query": LOGIN["body"]}, "hash": {"extensions": _apq(LOGIN["id"])},
              "text and hash": {"query": QUERY_MUTATION, "extensions": _apq(persisted.sha256_hex(QUERY_MUTATION))}}[how]
    params["variables"] = {"code": "demo:alice"}
    emulator.clear_log()
    response, body = get(client, params)
    assert response.status_code == 405 and response.headers["Allow"] == "POST"
    assert code_of(body) == "METHOD_NOT_ALLOWED" and "data" not in body
    assert emulator.dynamodb_counts() == {}


def test_get_with_parameters_that_are_not_json_is_a_bad_request(client):
    response = client.http.get("/graphql?" + urlencode({"query": QUERY, "variables": "{not json"}))
    assert response.status_code == 400 and code_of(json.loads(response.body)) == "BAD_REQUEST"


def test_get_without_an_operation_is_still_the_graphiql_page_for_browsers(client):
    page = client.http.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200 and b"graphiql" in page.body.lower()
    assert page.headers["Content-Type"].startswith("text/html")


# ---------------------------------------------------------------------- registered only


def test_registered_only_refuses_unregistered_text_and_hashes_without_reading_the_table(
        client, emulator, registered_only):
    response, body = post(client, {"query": QUERY})
    assert response.status_code == 400 and code_of(body) == "OPERATION_NOT_REGISTERED" and "data" not in body
    response, body = post(client, {"extensions": _apq(QUERY_HASH)})
    assert response.status_code == 400 and code_of(body) == "OPERATION_NOT_REGISTERED"
    response, body = post(client, {"query": QUERY, "extensions": _apq(QUERY_HASH)})  # APQ registration
    assert response.status_code == 400 and code_of(body) == "OPERATION_NOT_REGISTERED"
    response, body = get(client, {"extensions": _apq(QUERY_HASH)})
    assert response.status_code == 400 and code_of(body) == "OPERATION_NOT_REGISTERED"
    assert emulator.dynamodb_counts() == {}


def test_registered_only_runs_the_manifest_operations_by_text_or_hash(client, registered_only):
    for body in ({"query": CATEGORY_TREE["body"]}, {"extensions": _apq(CATEGORY_TREE["id"])},
                 {"query": CATEGORY_TREE["body"], "extensions": _apq(CATEGORY_TREE["id"])}):
        response, answer = post(client, body)
        assert response.status_code == 200 and answer == priced_answer({"categories": []})


def test_registered_only_is_off_by_default_and_read_from_the_environment(client, monkeypatch):
    assert settings().only_registered_operations is False
    assert post(client, {"query": QUERY})[1] == priced_answer({"__typename": "Query"})
    monkeypatch.setenv("TUANSTACK_ONLY_REGISTERED_OPERATIONS", "true")
    assert settings.__wrapped__().only_registered_operations is True


# ------------------------------------------------------------------------------ manifest


def test_the_packaged_manifest_is_current():
    committed = persisted.MANIFEST_PATH.read_text(encoding="utf-8")
    assert committed == persisted.manifest_json(), \
        "run `python -m chalicelib.core.graphql.persisted manifest > chalicelib/persisted-operations.json`"


def test_the_manifest_holds_every_operation_with_the_fragments_it_uses(tmp_path: Path):
    (tmp_path / "a.graphql").write_text(
        "query Feed { discoverFeed { edges { node { ...Card } } } }\n"
        "fragment Card on Post { id ...Who }\nfragment Who on Post { author { id } }\n"
        "fragment Unused on Post { id }\nmutation Like($id: ID!) { likePost(input: {postId: $id}) { errors { code } } }\n")
    operations = persisted.build_manifest(tmp_path)["operations"]
    assert [(op["name"], op["type"]) for op in operations] == [("Feed", "query"), ("Like", "mutation")]
    feed = operations[0]["body"]
    assert "fragment Card" in feed and "fragment Who" in feed and "Unused" not in feed
    assert all(op["id"] == persisted.sha256_hex(op["body"]) for op in operations)


# ---------------------------------------------------------------------------------- docs

ROOT = Path(__file__).parents[2]


def test_the_numbers_the_docs_state_are_the_code_s():
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    data_model = " ".join((ROOT / "docs" / "data-model.md").read_text(encoding="utf-8").split())
    assert f"kept {persisted.STORED_FOR.days} days from registration" in readme
    assert f"Cache-Control: public, max-age={persisted.PUBLIC_MAX_AGE_SECONDS}`" in readme
    assert f"{{version: {persisted.APQ_VERSION}, sha256Hash}}" in readme
    assert f"TTL {persisted.STORED_FOR.days} days" in data_model
    assert f"up to {persisted.CONTAINER_CACHE_SIZE:,} a container" in data_model


def test_a_registered_query_is_stored_with_its_expiry(client):
    from chalicelib.core.clock import utc_now
    from chalicelib.core.table.keys import PERSISTED_QUERY_SK, persisted_query_pk
    from chalicelib.core.table.models import PersistedQueryItem

    post(client, {"query": QUERY, "extensions": _apq(QUERY_HASH)})
    item = PersistedQueryItem.get(persisted_query_pk(QUERY_HASH), PERSISTED_QUERY_SK)
    assert item.query == QUERY
    expected = (utc_now() + persisted.STORED_FOR).timestamp()
    assert abs(item.ttl - expected) < 60


def test_the_container_cache_keeps_at_most_its_size(client, monkeypatch):
    monkeypatch.setattr(persisted, "CONTAINER_CACHE_SIZE", 2)
    for text in ("{ a: __typename }", "{ b: __typename }", "{ c: __typename }"):
        persisted.register(persisted.sha256_hex(text), text)
    assert list(persisted._container_cache.values()) == ["{ b: __typename }", "{ c: __typename }"]
