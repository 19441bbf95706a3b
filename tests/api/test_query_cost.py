"""Query cost: priced before execution, refused over the budget, reported on every answer."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from graphql import OperationDefinitionNode, parse

from chalicelib.core.graphql.cost import BUDGET, UNPAGED_LIST_SIZE, query_cost
from chalicelib.core.graphql.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from chalicelib.schema import schema
from tests.api.catalog_support import graphql_error, no_graphql_errors, table_snapshot

ROOT = Path(__file__).parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
OPERATIONS = sorted((ROOT / "graphql" / "operations").glob("*.graphql"))

ABUSE = ("query($p: ID!) { productPosts(productId: $p, first: 100) { edges { node { id comments(first: 100) {"
         " edges { node { id body } } } products { product { posts(first: 100) { edges { node { id body author {"
         " displayName } } } } } } } } } }")
FAKE_PRODUCT = "UHJvZHVjdDpub3BlOm5vcGU="  # never read: the query is refused first


def cost(text: str, variables: dict | None = None, operation_name: str | None = None) -> int:
    return query_cost(schema()._schema, parse(text), operation_name, variables)


# ====================================================================== pricing
def test_every_field_costs_one():
    assert cost("{ me { id displayName } }") == 3
    assert cost("{ __typename me { id } }") == 3


def test_a_connection_multiplies_its_selection_by_its_page_size():
    selection = "edges { node { id body } } pageInfo { hasNextPage }"  # edges: 1 + node 3; pageInfo 2
    per_item = 4 + 2
    assert cost(f"{{ discoverFeed(first: 5) {{ {selection} }} }}") == 1 + 5 * per_item
    assert cost(f"{{ discoverFeed {{ {selection} }} }}") == 1 + DEFAULT_PAGE_SIZE * per_item
    assert cost(f"{{ discoverFeed(first: null) {{ {selection} }} }}") == 1 + DEFAULT_PAGE_SIZE * per_item
    # a page size over the maximum is refused by the field: priced as the largest page
    assert cost(f"{{ discoverFeed(first: 5000) {{ {selection} }} }}") == 1 + MAX_PAGE_SIZE * per_item


def test_the_page_size_is_read_from_the_variables_or_their_defaults():
    text = "query($n: Int) { discoverFeed(first: $n) { edges { node { id } } } }"
    assert cost(text, {"n": 7}) == 1 + 7 * 3
    assert cost(text, {}) == 1 + DEFAULT_PAGE_SIZE * 3
    assert cost(text, {"n": "7"}) == 1 + DEFAULT_PAGE_SIZE * 3  # refused by coercion anyway
    with_default = "query($n: Int = 3) { discoverFeed(first: $n) { edges { node { id } } } }"
    assert cost(with_default, {}) == 1 + 3 * 3
    assert cost(with_default, {"n": 9}) == 1 + 9 * 3


def test_nested_connections_multiply():
    text = "{ discoverFeed(first: 10) { edges { node { comments(first: 10) { edges { node { id } } } } } } }"
    comments = 1 + 10 * 3
    assert cost(text) == 1 + 10 * (1 + (1 + comments))


def test_an_unpaged_list_of_objects_counts_as_a_fixed_size_and_a_list_of_scalars_as_one_field():
    assert cost("{ categories { id name } }") == 1 + UNPAGED_LIST_SIZE * 2
    assert cost("{ categories { children { id } } }") == 1 + UNPAGED_LIST_SIZE * (1 + UNPAGED_LIST_SIZE * 1)
    post = 'query($p: ID!) { post(id: $p) { tags products { product { id } } } }'
    assert cost(post) == 1 + 1 + (1 + UNPAGED_LIST_SIZE * 2)


def test_fragments_on_the_same_type_add_up_and_narrower_ones_count_the_dearest():
    same = "{ me { ...Who } } fragment Who on User { id displayName }"
    assert cost(same) == cost("{ me { id displayName } }")
    alternatives = """query($id: ID!) { node(id: $id) { id
        ... on Product { name skus { id } }
        ... on Post { body comments(first: 2) { edges { node { id } } } } } }"""
    product = 1 + (1 + UNPAGED_LIST_SIZE)
    post = 1 + (1 + 2 * 3)
    assert cost(alternatives) == 1 + 1 + max(product, post)


def test_introspection_is_priced_as_one_field():
    assert cost("{ __schema { types { name fields { name type { name } } } } }") == 1


def test_an_operation_is_priced_alone():
    text = "query A { me { id } } query B { categories { id } }"
    assert cost(text, operation_name="A") == 2
    assert cost(text, operation_name="B") == 1 + UNPAGED_LIST_SIZE


def _registered_operations_at_their_largest_pages() -> dict[str, int]:
    costs = {}
    for path in OPERATIONS:
        document = parse(path.read_text(encoding="utf-8"))
        for operation in document.definitions:
            if isinstance(operation, OperationDefinitionNode):
                variables = {"first": MAX_PAGE_SIZE}  # the dearest call a client may make of it
                costs[operation.name.value] = query_cost(schema()._schema, document, operation.name.value, variables)
    return costs


def test_every_registered_operation_fits_the_budget_at_its_largest_page():
    costs = _registered_operations_at_their_largest_pages()
    worst = max(costs, key=costs.__getitem__)
    print(f"dearest registered operation: {worst} costs {costs[worst]:,} of {BUDGET:,}")
    assert costs[worst] <= BUDGET, (worst, costs[worst])
    assert cost(ABUSE, {"p": FAKE_PRODUCT}) > BUDGET


def test_the_readme_states_the_budget_and_the_dearest_operation():
    statement = (r"query cost budget of ([\d,]+) per request .*? dearest registered operation, `(\w+)`"
                 r" with `first: (\d+)`, costs ([\d,]+)")
    match = re.search(statement.replace(" ", r"\s+"), README, re.S)
    assert match, "README's 'Conventions for client teams' states the query cost budget"
    budget, name, page, worst = match.groups()
    costs = _registered_operations_at_their_largest_pages()
    assert int(budget.replace(",", "")) == BUDGET and int(page) == MAX_PAGE_SIZE
    assert (name, int(worst.replace(",", ""))) == max(costs.items(), key=lambda item: item[1])


# ====================================================================== through the endpoint
def test_an_answer_carries_its_cost(gql):
    result = gql("{ categories { id name } }")
    no_graphql_errors(result)
    assert result["extensions"]["cost"] == {"requestedQueryCost": 1 + UNPAGED_LIST_SIZE * 2,
                                            "maximumAvailable": BUDGET}
    # a document that does not validate runs nothing and costs nothing
    invalid = gql("{ categories { nope } }")
    graphql_error(invalid, "GRAPHQL_VALIDATION_FAILED")
    assert invalid["extensions"]["cost"] == {"requestedQueryCost": 0, "maximumAvailable": BUDGET}


@pytest.mark.parametrize("aliases", [1, 4])
def test_the_abuse_query_is_refused_before_anything_runs(gql, emulator, aliases):
    if aliases == 1:
        text = ABUSE
    else:
        body = ABUSE[ABUSE.index("{") + 1:ABUSE.rindex("}")]
        text = "query($p: ID!) {" + " ".join(f"a{i}: {body}" for i in range(aliases)) + "}"
    expected = aliases * cost(ABUSE, {"p": FAKE_PRODUCT})
    emulator.clear_log()
    response = gql.raw(text, {"p": FAKE_PRODUCT})
    assert response.status_code == 200  # as every validation error of this API
    result = json.loads(response.body)
    assert result["data"] is None
    error = graphql_error(result, "QUERY_TOO_COSTLY")
    assert f"{expected:,}" in error["message"] and f"{BUDGET:,}" in error["message"], error["message"]
    assert result["extensions"]["cost"] == {"requestedQueryCost": expected, "maximumAvailable": BUDGET}
    assert emulator.dynamodb_counts() == {}


def test_the_same_text_with_small_pages_runs(gql):
    text = ABUSE.replace("first: 100", "first: $n").replace("query($p: ID!)", "query($p: ID!, $n: Int)")
    small = gql(text, {"p": FAKE_PRODUCT, "n": 5})
    assert small["extensions"]["cost"]["requestedQueryCost"] <= BUDGET
    assert not any(e["extensions"]["code"] == "QUERY_TOO_COSTLY" for e in small.get("errors", []))
    large = gql(text, {"p": FAKE_PRODUCT, "n": 100})
    graphql_error(large, "QUERY_TOO_COSTLY")


def test_a_costly_mutation_changes_nothing(gql, operator):
    before = table_snapshot()
    mutation = ('mutation { createCategory(input: {name: "Costly"}) { category { id products(first: 100) {'
                " edges { node { id posts(first: 100) { edges { node { id body } } } } } } } } }")
    result = gql(mutation, token=operator)
    assert result["data"] is None
    graphql_error(result, "QUERY_TOO_COSTLY")
    assert table_snapshot() == before
