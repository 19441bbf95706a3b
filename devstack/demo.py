"""The README's two group-buy stories, run against a running `make dev`:

    .venv/bin/python -m devstack.demo [--url http://127.0.0.1:8000] [--quick]

1. success: alice opens a team on the 2-person mango deal, bob joins by its share
   code, both pay (simulated provider) → the team succeeds at once, orders go to ship;
2. expiry: alice opens a team on the 3-person flash deal and pays, nobody else
   joins; at the deadline the team fails and alice is refunded.
`--quick` runs story 2 on a fresh 12-second deal the demo merchant creates, instead
of the seeded 90-second one. Everything goes through the public HTTP API.
"""
from __future__ import annotations

import argparse
import json
import time
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

OPERATIONS = Path(__file__).resolve().parents[1] / "graphql" / "operations"


class Client:
    def __init__(self, url: str, token: str | None = None) -> None:
        self.url = url.rstrip("/")
        self.token = token

    def post(self, path: str, body: dict[str, Any], headers: dict[str, str] | None = None) -> dict[str, Any]:
        request = urllib.request.Request(self.url + path, data=json.dumps(body).encode(), method="POST",
                                         headers={"Content-Type": "application/json", **(headers or {})})
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())

    def gql(self, operation: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        document = _document(operation)
        result = self.post("/graphql", {"query": document, "operationName": operation,
                                        "variables": variables or {}}, headers)
        if result.get("errors"):
            raise RuntimeError(f"{operation}: {result['errors']}")
        return result["data"]

    def login(self, code: str) -> Client:
        data = self.post("/graphql", {"query": _document("Login"), "variables": {"code": code}})
        return Client(self.url, data["data"]["loginWithWechat"]["token"])

    def pay(self, order_id: str) -> str:
        return self.post("/payments/simulated/capture", {"orderId": order_id})["message"]


def _document(operation: str) -> str:
    """The example file that defines the operation; the server picks it by operationName."""
    for path in sorted(OPERATIONS.glob("*.graphql")):
        text = path.read_text(encoding="utf-8")
        if f"query {operation}" in text or f"mutation {operation}" in text:
            return text
    raise KeyError(operation)


def _wait_for(check, what: str, timeout: float) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {timeout:.0f}s for {what}")
        time.sleep(0.5)


def _deal(client: Client, team_size: int) -> dict[str, Any]:
    deals = client.gql("Deals")["deals"]["edges"]
    return next(d["node"] for d in deals if d["node"]["teamSize"] == team_size)


def _order_state(client: Client, order_id: str) -> str:
    orders = client.gql("MyOrders")["me"]["orders"]["edges"]
    return next(o["node"]["state"] for o in orders if o["node"]["id"] == order_id)


def story_success(base: str, say=print) -> dict[str, Any]:
    anonymous = Client(base)
    alice, bob = anonymous.login("demo:alice"), anonymous.login("demo:bob")
    deal = _deal(anonymous, 2)
    sku = deal["prices"][0]["skuId"]
    opened = alice.gql("OpenTeam", {"dealId": deal["id"], "skuId": sku})["openTeam"]
    code = opened["team"]["shareCode"]
    say(f"alice opened team {code}: order {opened['order']['statusText']}, pay by {opened['order']['payBy']}")
    say(f"  alice pays: {anonymous.pay(opened['order']['id'])}")
    joined = bob.gql("JoinTeam", {"shareCode": code, "skuId": sku})["joinTeam"]
    say(f"bob joined by share code {code}: {joined['team']['seatsTaken']}/{opened['team']['size']} seats")
    say(f"  bob pays: {anonymous.pay(joined['order']['id'])}")
    team = anonymous.gql("TeamByShareCode", {"shareCode": code})["teamByShareCode"]
    say(f"team {code} is {team['state']} ({team['paidCount']} paid)")
    _wait_for(lambda: _order_state(alice, opened["order"]["id"]) == "TO_SHIP", "alice's order to ship", 30)
    say("alice's and bob's orders: TO_SHIP (settlement workflow ran)")
    return {"team": team, "alice_order": opened["order"]["id"], "bob_order": joined["order"]["id"]}


def story_expiry(base: str, quick: bool = False, say=print) -> dict[str, Any]:
    anonymous = Client(base)
    alice = anonymous.login("demo:alice")
    if quick:
        merchant = anonymous.login("demo:merchant")
        template = _deal(anonymous, 3)
        sku = template["prices"][0]["skuId"]
        product_id = _product_of_sku(sku)
        now = datetime.now(timezone.utc)
        created = merchant.gql("CreateDeal", {"input": {
            "productId": product_id, "prices": [{"skuId": sku, "price": 1990}],
            "stock": [{"skuId": sku, "quantity": 5}], "teamSize": 3, "teamLifetimeSeconds": 12,
            "paymentWindowSeconds": 6, "startsAt": (now - timedelta(minutes=1)).isoformat(),
            "endsAt": (now + timedelta(days=1)).isoformat()}})["createDeal"]
        if created["errors"]:
            raise RuntimeError(created["errors"])
        deal_id = created["deal"]["id"]
    else:
        deal = _deal(anonymous, 3)
        deal_id, sku = deal["id"], deal["prices"][0]["skuId"]
    opened = alice.gql("OpenTeam", {"dealId": deal_id, "skuId": sku})["openTeam"]
    code = opened["team"]["shareCode"]
    say(f"alice opened team {code} of 3; it expires at {opened['team']['expiresAt']}")
    say(f"  alice pays: {anonymous.pay(opened['order']['id'])}")
    say("nobody joins... waiting for the deadline")
    _wait_for(lambda: _order_state(alice, opened["order"]["id"]) == "REFUNDED", "alice's refund",
              30 if quick else 150)
    team = anonymous.gql("TeamByShareCode", {"shareCode": code})["teamByShareCode"]
    say(f"team {code} is {team['state']}; alice's order is REFUNDED")
    return {"team": team, "alice_order": opened["order"]["id"]}


def _product_of_sku(sku_global_id: str) -> str:
    import base64

    raw = base64.urlsafe_b64decode(sku_global_id + "=" * (-len(sku_global_id) % 4)).decode()
    _, product_id, _ = raw.split(":")
    return base64.urlsafe_b64encode(f"Product:{product_id}".encode()).decode().rstrip("=")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    print("== story 1: a team fills and succeeds")
    story_success(args.url)
    print("== story 2: a team expires and its members are refunded")
    story_expiry(args.url, quick=args.quick)


if __name__ == "__main__":
    main()
