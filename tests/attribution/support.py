"""The operations of graphql/operations/attribution.graphql, and a signed-in customer's token."""
from __future__ import annotations

import json
from pathlib import Path

from chalicelib.core.graphql.ids import from_global_id
from chalicelib.core.principal import Principal, Role
from tests.conftest import demo_token

OPERATIONS = (Path(__file__).parents[2] / "graphql" / "operations" / "attribution.graphql").read_text(encoding="utf-8")


def op(gql, name: str, variables: dict, token: str | None) -> dict:
    headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})}
    response = gql._client.http.post("/graphql", headers=headers, body=json.dumps(
        {"query": OPERATIONS, "operationName": name, "variables": variables}))
    assert response.status_code == 200, response.body
    return json.loads(response.body)


def customer(gql, name: str, role: str = "CUSTOMER") -> tuple[str, Principal]:
    token = demo_token(gql, name, role)
    (user_id,) = from_global_id(gql("{ me { id } }", token=token)["data"]["me"]["id"], "User")
    return token, Principal(user_id, Role(role))
