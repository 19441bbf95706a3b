"""The GraphQL endpoint answers every request with a GraphQL error body, never HTTP 500."""
from __future__ import annotations

import json

import pytest

from tests.conftest import priced_answer


def _post(client, body: dict | str):
    text = body if isinstance(body, str) else json.dumps(body)
    return client.http.post("/graphql", headers={"Content-Type": "application/json"}, body=text)


# Written out: json.dumps recurses too, and gives up before 1,000 levels.
NESTED_1000 = '{"query": "query($q: String) { __typename }", "variables": {"q": ' + '{"a": ' * 1000 + "{}" \
    + "}" * 1000 + "}}"


ODD_REQUESTS = {
    "unknown operation name": {"query": "query A { __typename }", "operationName": "B"},
    "anonymous operation named": {"query": "{ __typename }", "operationName": "A"},
    "empty operation name, two operations": {"query": "query A { __typename } query B { __typename }",
                                             "operationName": ""},
    "two operations, no name": {"query": "query A { __typename } query B { __typename }"},
    "only a fragment": {"query": "fragment F on Query { __typename }"},
    "variables 1,000 deep": NESTED_1000,
    "a subscription": {"query": "subscription { __typename }"},
}


@pytest.mark.parametrize("body", ODD_REQUESTS.values(), ids=ODD_REQUESTS.keys())
def test_odd_requests_get_a_graphql_error_not_a_500(client, body):
    response = _post(client, body)
    assert response.status_code in (200, 400), response.body
    errors = json.loads(response.body)["errors"]
    assert errors and errors[0]["message"] and errors[0]["extensions"]["code"]


def test_variables_nested_past_any_input_are_refused_before_anything_runs(client):
    query = "query($q: ID!) { product(id: $q) { id } }"
    body = '{"query": "' + query + '", "variables": {"q": ' + '{"a": ' * 40 + "{}" + "}" * 40 + "}}"
    error = json.loads(_post(client, body).body)["errors"][0]
    assert error["extensions"]["code"] == "INVALID" and error["extensions"]["field"] == ["q"]


def test_several_operations_need_an_operation_name(client):
    two = "query A { __typename } query B { categories { name } }"
    refused = _post(client, {"query": two})
    assert refused.status_code == 400 and "operationName" in json.loads(refused.body)["errors"][0]["message"]
    chosen = json.loads(_post(client, {"query": two, "operationName": "B"}).body)
    assert chosen == priced_answer({"categories": []})


# A lone UTF-16 surrogate, as JSON can carry it ("\ud800") and Python keeps it.
LONE = "bad \ud800 text"

CREATE_PRODUCT = """mutation($input: CreateProductInput!) { createProduct(input: $input) {
  product { id } errors { code field message } } }"""
PUBLISH_POST = """mutation($input: PublishPostInput!) { publishPost(input: $input) {
  post { id } errors { code field message } } }"""
UPDATE_TIERS = """mutation($input: UpdatePointsRulesInput!) { updatePointsRules(input: $input) {
  rules { tiers { name } } errors { code field message } } }"""
TIERS = "{ pointsRules { tiers { name minGrowth } } }"


def _refusal(gql, query: str, variables: dict | None, token: str) -> dict:
    body = gql(query, variables, token=token)
    assert body["data"] is None, body  # refused before any resolver ran
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "INVALID" and "surrogate" in error["message"], error
    return error


def test_lone_surrogates_in_variables_are_refused_with_the_input_path(gql, merchant, customer):
    product = {"categoryId": "Q2F0ZWdvcnk6MDE=", "name": "ok", "tags": ["fine", LONE]}
    error = _refusal(gql, CREATE_PRODUCT, {"input": product}, merchant)
    assert error["extensions"]["field"] == ["input", "tags", "1"]
    post = {"kind": "NOTE", "body": LONE}
    assert _refusal(gql, PUBLISH_POST, {"input": post}, customer)["extensions"]["field"] == ["input", "body"]
    key = _refusal(gql, PUBLISH_POST, {"input": {"kind": "NOTE", "body": "ok", LONE: 1}}, customer)
    assert key["extensions"]["field"][0] == "input"


def test_a_lone_surrogate_tier_name_stores_nothing_and_reads_still_work(gql, operator, customer):
    before = gql(TIERS)["data"]["pointsRules"]["tiers"]
    tiers = [{"name": LONE, "minGrowth": 0, "multiplierPermille": 1000},
             {"name": "silver", "minGrowth": 1000, "multiplierPermille": 1100}]
    error = _refusal(gql, UPDATE_TIERS, {"input": {"tiers": tiers}}, operator)
    assert error["extensions"]["field"] == ["input", "tiers", "0", "name"]
    assert gql(TIERS)["data"]["pointsRules"]["tiers"] == before
    assert gql("{ me { points { tier { name } } } }", token=customer)["data"]["me"]["points"]["tier"]["name"]


def test_a_lone_surrogate_in_an_inline_literal_is_refused_with_its_path(gql, operator):
    inline = 'mutation { updatePointsRules(input: {tiers: [{name: "' + LONE + '", minGrowth: 0, ' \
             'multiplierPermille: 1000}]}) { errors { code } } }'
    error = _refusal(gql, inline, None, operator)
    assert error["extensions"]["field"] == ["input", "tiers", "name"]
    assert gql(TIERS)["data"]["pointsRules"]["tiers"][0]["name"] == "bronze"


def test_a_lone_surrogate_echoed_in_an_error_still_gets_an_answer(client):
    response = _post(client, {"query": "query A { __typename }", "operationName": LONE})
    assert response.status_code == 400 and json.loads(response.body)["errors"][0]["extensions"]["code"]


def test_a_repeated_query_is_parsed_and_validated_once(gql):
    from chalicelib.core.graphql.caches import parsed, validation_errors

    query = "{ categories { name id } __typename }"
    gql(query)
    parses, validations = parsed.cache_info(), validation_errors.cache_info()
    assert gql(query) == priced_answer({"categories": [], "__typename": "Query"})
    assert parsed.cache_info().hits == parses.hits + 1
    after = validation_errors.cache_info()
    assert (after.hits, after.misses) == (validations.hits + 1, validations.misses)
