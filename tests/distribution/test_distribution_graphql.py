"""Distribution through the API, with the example operations as sent: a merchant's rate, a customer opting in,
links, visits, an upstream; the dashboard page's exact requests, the same for 1 link and for 10."""
from __future__ import annotations

import json
import pathlib

from chalicelib.core.graphql.ids import to_global_id
from chalicelib.distribution import service
from tests.conftest import demo_token
from tests.distribution.support import MERCHANT, NOW, OPERATOR, product

OPERATIONS = (pathlib.Path(__file__).parents[2] / "graphql/operations/distribution.graphql").read_text()
PRODUCTS = [f"01J0000000000000000000PR{n:02d}" for n in range(10)]


def _runner(gql):
    def run(name: str, variables: dict, token: str | None = None) -> dict:
        headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})}
        body = json.dumps({"query": OPERATIONS, "operationName": name, "variables": variables})
        answer = json.loads(gql._client.http.post("/graphql", headers=headers, body=body).body)
        assert "errors" not in answer, answer
        return answer["data"]

    return run


def test_the_example_operations_and_the_dashboard_s_requests(gql, emulator):
    run = _runner(gql)
    for n, product_id in enumerate(PRODUCTS):
        product(product_id, f"Fruit {n}")
        service.set_rate(MERCHANT if n else OPERATOR, product_id, 1_000, NOW)
    merchant = demo_token(gql, "mia", "MERCHANT")
    alice, bob = demo_token(gql, "alice", "CUSTOMER"), demo_token(gql, "bob", "CUSTOMER")
    refused = run("SetDistributionRate", {"productId": to_global_id("Product", PRODUCTS[0]), "rateBp": 500},
                  merchant)["setDistributionRate"]
    assert refused["errors"][0]["code"] == "FORBIDDEN"  # not mia's product
    assert run("DistributionJoinMode", {})["distributionJoinMode"] == "OPT_IN"
    assert run("BecomeDistributor", {}, alice)["becomeDistributor"]["distributor"]["status"] == "ACTIVE"

    def make_link(n: int) -> str:
        made = run("CreateDistributorLink", {"productId": to_global_id("Product", PRODUCTS[n])}, alice)
        return made["createDistributorLink"]["link"]["code"]

    def dashboard_requests(expected_links: int) -> dict:
        emulator.clear_log()
        page = run("MyDistributorDashboard", {"first": 20}, alice)["me"]["distributorLinks"]
        assert len(page["edges"]) == expected_links
        return emulator.dynamodb_counts()

    first = make_link(0)
    visited = run("VisitDistributorLink", {"code": first}, bob)["visitDistributorLink"]
    assert (visited["productId"], visited["counted"]) == (to_global_id("Product", PRODUCTS[0]), True)
    one = dashboard_requests(1)
    # The caller's user (role from the table), the distributor item, one Query of the links.
    assert one == {"GetItem": 2, "Query": 1}
    for n in range(1, 10):
        make_link(n)
    assert dashboard_requests(10) == one
    node = run("MyDistributorDashboard", {"first": 1}, alice)["me"]["distributorLinks"]["edges"][0]["node"]
    assert (node["productName"], node["visits"], node["orders"], node["commission"]["amount"]) == ("Fruit 0", 1, 0, 0)
    assert run("BecomeDistributor", {}, bob)["becomeDistributor"]["errors"] == []
    named = run("NameDistributorUpstream", {"code": first}, bob)["nameDistributorUpstream"]
    assert named["distributor"]["hasUpstream"] is True
    again = run("NameDistributorUpstream", {"code": first}, bob)["nameDistributorUpstream"]
    assert again["errors"][0]["code"] == "CONFLICT"


def test_operators_set_the_join_mode_and_approve_applicants(gql):
    run = _runner(gql)
    operator, carol = demo_token(gql, "olga", "OPERATOR"), demo_token(gql, "carol", "CUSTOMER")
    assert run("SetDistributionJoinMode", {"mode": "APPROVAL"}, carol)["setDistributionJoinMode"]["errors"][0][
        "code"] == "FORBIDDEN"
    assert run("SetDistributionJoinMode", {"mode": "APPROVAL"}, operator)["setDistributionJoinMode"]["mode"] == \
        "APPROVAL"
    assert run("BecomeDistributor", {}, carol)["becomeDistributor"]["distributor"]["status"] == "APPLIED"
    carol_id = gql("query { me { id } }", token=carol)["data"]["me"]["id"]
    approved = run("ApproveDistributor", {"userId": carol_id}, operator)["approveDistributor"]
    assert approved["distributor"]["status"] == "ACTIVE"


def test_operators_find_applicants_in_their_queue_oldest_first_until_approved(gql, emulator):
    run = _runner(gql)
    operator = demo_token(gql, "olga", "OPERATOR")
    run("SetDistributionJoinMode", {"mode": "APPROVAL"}, operator)
    tokens = [demo_token(gql, name, "CUSTOMER") for name in ("carol", "dave")]
    ids = [gql("query { me { id } }", token=t)["data"]["me"]["id"] for t in tokens]
    for token in tokens:
        run("BecomeDistributor", {}, token)
    emulator.clear_log()
    queue = run("DistributorApplications", {"first": 10}, operator)["distributorApplications"]
    assert emulator.dynamodb_counts() == {"GetItem": 1, "Query": 1}  # the caller; one page of the queue
    assert [e["node"]["userId"] for e in queue["edges"]] == ids and {e["node"]["status"] for e in queue["edges"]} == {
        "APPLIED"}
    run("ApproveDistributor", {"userId": ids[0]}, operator)
    queue = run("DistributorApplications", {"first": 10}, operator)["distributorApplications"]
    assert [e["node"]["userId"] for e in queue["edges"]] == ids[1:]
    refused = gql("query { distributorApplications(first: 5) { edges { node { status } } } }", token=tokens[1])
    assert refused["data"]["distributorApplications"] is None and refused["errors"][0]["extensions"]["code"] == \
        "FORBIDDEN"
