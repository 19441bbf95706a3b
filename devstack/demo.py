"""The README's stories, run against a running `make dev` (group-buy 1 and 2, checkout 3, after-sales 4,
community group-buy 5, sharing that sells 6):

    .venv/bin/python -m devstack.demo [--port 8000] [--quick]

1. success: alice opens a team on the 2-person mango deal, bob joins by its share
   code, both pay (simulated provider) → the team succeeds at once, orders go to ship;
2. expiry: alice opens a team on the 3-person flash deal and pays, nobody else
   joins; at the deadline the team fails and alice is refunded.
Stories 3 to 6 are told in the README's checkout, after-sales, community group-buy and
"Sharing that sells" sections (6: assists, a referral, a distributor link's commission
through to its settlement time, a post's attributed sale).
`--quick` runs story 2 on a 12-second deal the demo merchant creates on the first
quick run and every later run reuses, instead of the seeded 90-second one.
Everything goes through the public HTTP API. `--port` (or TUANSTACK_PORT, as for
`make dev`) finds a moved stack; `--url` gives the API's base URL instead.
"""
from __future__ import annotations

import argparse
import json
import time
import urllib.request
from datetime import UTC, datetime, timedelta
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
        data = self.post("/graphql", {"query": _document("Login"), "operationName": "Login",
                                       "variables": {"code": code}})
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


def _ok(payload: dict[str, Any]) -> dict[str, Any]:
    """A mutation's payload, or its typed errors raised (e.g. LIMIT_REACHED)."""
    if payload.get("errors"):
        raise RuntimeError(", ".join(f"{e['code']}: {e['message']}" for e in payload["errors"]))
    return payload


def _wait_for(check, what: str, timeout: float) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {timeout:.0f}s for {what}")
        time.sleep(0.5)


def _deals(client: Client) -> list[dict[str, Any]]:
    return [edge["node"] for edge in client.gql("Deals")["deals"]["edges"]]


def _deal(client: Client, team_size: int) -> dict[str, Any]:
    """The seeded deal of this size (not the quick one, which is listed first)."""
    return next(d for d in _deals(client)
                if d["teamSize"] == team_size and d["teamLifetimeSeconds"] != QUICK_LIFETIME_SECONDS)


def _order_state(client: Client, order_id: str) -> str:
    orders = client.gql("MyOrders")["me"]["orders"]["edges"]
    return next(o["node"]["state"] for o in orders if o["node"]["id"] == order_id)


def story_success(base: str, say=print) -> dict[str, Any]:
    anonymous = Client(base)
    alice, bob = anonymous.login("demo:alice"), anonymous.login("demo:bob")
    deal = _deal(anonymous, 2)
    sku = deal["prices"][0]["skuId"]
    opened = _ok(alice.gql("OpenTeam", {"dealId": deal["id"], "skuId": sku})["openTeam"])
    code = opened["team"]["shareCode"]
    say(f"alice opened team {code}: order {opened['order']['statusText']}, pay by {opened['order']['payBy']}")
    say(f"  alice pays: {anonymous.pay(opened['order']['id'])}")
    joined = _ok(bob.gql("JoinTeam", {"shareCode": code, "skuId": sku})["joinTeam"])
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
        deal_id, sku = quick_deal(anonymous)
    else:
        deal = _deal(anonymous, 3)
        deal_id, sku = deal["id"], deal["prices"][0]["skuId"]
    opened = _ok(alice.gql("OpenTeam", {"dealId": deal_id, "skuId": sku})["openTeam"])
    code = opened["team"]["shareCode"]
    say(f"alice opened team {code} of 3; it expires at {opened['team']['expiresAt']}")
    say(f"  alice pays: {anonymous.pay(opened['order']['id'])}")
    say("nobody joins... waiting for the deadline")
    _wait_for(lambda: _order_state(alice, opened["order"]["id"]) == "REFUNDED", "alice's refund",
              30 if quick else 150)
    team = anonymous.gql("TeamByShareCode", {"shareCode": code})["teamByShareCode"]
    say(f"team {code} is {team['state']}; alice's order is REFUNDED")
    return {"team": team, "alice_order": opened["order"]["id"]}


def story_checkout(base: str, say=print) -> dict[str, Any]:
    """Carol buys at the regular price: claims the coupon centre's coupons, puts the mango
    deal's SKU in her cart, previews (best coupons chosen for her), places, pays (the
    simulated capture) and finds the order to ship among her orders."""
    anonymous = Client(base)
    carol = anonymous.login("demo:carol")
    for edge in carol.gql("CouponCentre", {"first": 20})["couponTemplates"]["edges"]:
        claimed = carol.gql("ClaimCoupon", {"templateId": edge["node"]["id"]})["claimCoupon"]
        if claimed["errors"] and claimed["errors"][0]["code"] != "LIMIT_REACHED":  # claimed on an earlier run
            raise RuntimeError(claimed["errors"])
    if not carol.gql("MyAddresses")["me"]["addresses"]:
        _ok(carol.gql("AddAddress", {"input": {
            "recipient": "演示收件人", "mobile": "13800000003", "provinceCode": "310000", "cityCode": "310100",
            "districtCode": "310104", "detail": "演示路 1 号 (demo)", "isDefault": True}})["addAddress"])
    sku = _deal(anonymous, 2)["prices"][0]["skuId"]
    _ok(carol.gql("AddToCart", {"skuId": sku, "quantity": 3})["addToCart"])
    preview = carol.gql("CheckoutPreview", {"input": {}})["checkoutPreview"]
    say(f"carol's cart: items ¥{preview['items']['amount'] / 100:.2f}, discounts ¥{preview['discount']['amount'] / 100:.2f},"
        f" shipping ¥{preview['shipping']['amount'] / 100:.2f}: total ¥{preview['total']['amount'] / 100:.2f}")
    placed = _ok(carol.gql("PlaceOrder", {"input": {"checkout": {}, "idempotencyKey": f"demo-{time.time_ns()}"}})[
        "placeOrder"])
    payment = placed["payment"]
    say(f"  placed {len(placed['orders'])} order(s) under payment {payment['id']}, pay by {payment['payBy']}")
    say(f"  carol pays: {anonymous.post('/payments/simulated/capture', {'paymentId': payment['id']})['message']}")
    orders = carol.gql("OrdersOfEveryKind", {"first": 5})["me"]["orders"]["edges"]
    mine = [o["node"] for o in orders if o["node"]["id"] in {p["id"] for p in placed["orders"]}]
    say(f"carol's orders: {', '.join(o['state'] for o in mine)}")
    return {"preview": preview, "placed": placed, "orders": mine}


def story_after_sales(base: str, say=print) -> dict[str, Any]:
    """After the payment: alice buys 2 mangoes now (buy-now), pays; Mei's Orchard ships them; alice
    confirms receipt, asks to return 1 without a reason (七天无理由); the merchant approves, alice
    sends it back, the merchant confirms the parcel; the refund workflow pays back what that unit
    paid, and the order's pending points lose exactly their share."""
    anonymous = Client(base)
    alice, merchant = anonymous.login("demo:alice"), anonymous.login("demo:merchant")
    sku = _deal(anonymous, 2)["prices"][0]["skuId"]
    pending_at_start = _pending(alice)
    placed = _ok(alice.gql("PlaceOrder", {"input": {"checkout": {"buyNow": {"skuId": sku, "quantity": 2},
                                                                 "couponIds": [], "points": 0},
                                                    "idempotencyKey": f"demo-{time.time_ns()}"}})["placeOrder"])
    (order,) = placed["orders"]
    anonymous.post("/payments/simulated/capture", {"paymentId": placed["payment"]["id"]})
    pending_before = _wait_for(lambda: (p := _pending(alice)) > pending_at_start and p, "the order's points", 30)
    say(f"alice paid ¥{order['total']['amount'] / 100:.2f} for 2 mangoes; her pending points: {pending_before}")
    shipped = _ok(merchant.gql("ShipOrder", {"input": {"orderId": order["id"], "carrier": "SF",
                                                       "trackingNo": "SF1234567890"}})["shipOrder"])["order"]
    say(f"  Mei's Orchard shipped it: {shipped['carrier']['name']} {shipped['trackingNo']}")
    received = _ok(alice.gql("ConfirmReceipt", {"input": {"orderId": order["id"]}})["confirmReceipt"])["order"]
    say(f"  alice confirmed receipt; she may return without a reason until {received['returnsUntil']}")
    line = order["lines"][0]
    asked = _ok(alice.gql("RequestAfterSales", {"input": {
        "orderId": order["id"], "kind": "RETURN_AND_REFUND", "reason": "NO_REASON", "description": "买多了",
        "lines": [{"skuId": line["skuId"], "quantity": 1}]}})["requestAfterSales"])["request"]
    say(f"alice asks to return 1: {asked['statusText']}, refund ¥{asked['amount']['amount'] / 100:.2f}")
    request = {"requestId": asked["id"]}
    _ok(merchant.gql("ApproveAfterSales", {"input": request})["approveAfterSales"])
    sent = _ok(alice.gql("SendBackAfterSales", {"input": {**request, "carrier": "SF", "trackingNo": "SF9876543210"}})[
        "sendBackAfterSales"])["request"]
    say(f"  approved; alice sent it back: {sent['statusText']}")
    _ok(merchant.gql("ConfirmReturnReceived", {"input": request})["confirmReturnReceived"])
    done = _wait_for(lambda: (r := alice.gql("AfterSalesRequest", {"id": asked["id"]})["node"])["state"] == "REFUNDED"
                     and r, "the refund", 30)
    pending_after = _wait_for(lambda: (p := _pending(alice)) < pending_before and p, "her points to follow", 30)
    say(f"refunded ¥{done['amount']['amount'] / 100:.2f}: {done['statusText']}; her pending points: {pending_after}")
    return {"order": order, "request": done, "earned": pending_before - pending_at_start,
            "pending_before": pending_before, "pending_after": pending_after}


QUICK_ROUND_SECONDS = 8  # story 5's round takes orders this long, then the merchant delivers


def story_community(base: str, say=print) -> dict[str, Any]:
    """社区团购: Mei's Orchard opens an 8-second round of mangoes for demo:leader's point; alice
    chooses that leader by the code on their share card, orders 2 for pickup and pays; past the
    cutoff the merchant marks the leader's batch delivered, alice shows her pickup code and the
    leader hands the order over. The leader's commission waits (pending) until the return window
    closes; `make job JOB=settle-commissions NOW=<its holdUntil>` then settles it."""
    anonymous = Client(base)
    alice, merchant, leader = (anonymous.login(f"demo:{name}") for name in ("alice", "merchant", "leader"))
    point = leader.gql("LeaderLeadership")["me"]["leadership"]
    seeded = anonymous.gql("LeaderRounds", {"leaderCode": point["code"], "first": 5})["communityRounds"]["edges"]
    line = seeded[0]["node"]["lines"][0]
    cutoff = (datetime.now(UTC) + timedelta(seconds=QUICK_ROUND_SECONDS)).replace(microsecond=0)
    pickup_on = (cutoff + timedelta(hours=8) + timedelta(days=1)).date().isoformat()  # the next day, China time
    opened = _ok(merchant.gql("OpenCommunityRound", {"input": {
        "title": "演示快团 Quick round", "leaderIds": [point["id"]], "cutoffAt": cutoff.isoformat(),
        "pickupOn": pickup_on, "lines": [{"skuId": line["sku"]["id"], "price": line["price"]["amount"],
                                           "commissionRateBp": 1000, "perCustomerLimit": 5}]}})[
        "openCommunityRound"])["round"]
    say(f"Mei's Orchard opened '{opened['title']}' for {point['pointName']} until {opened['cutoffAt']}")
    _ok(alice.gql("LeaderChoose", {"code": point["code"]})["chooseCommunityLeader"])
    pickup = {"roundId": opened["id"], "lines": [{"skuId": line["sku"]["id"], "quantity": 2}]}
    preview = alice.gql("PickupCheckoutPreview", {"input": {"pickup": pickup}})["checkoutPreview"]
    say(f"  alice chose {point['displayName']}'s point; 2 mangoes for pickup: ¥{preview['total']['amount'] / 100:.2f}, "
        f"shipping ¥{preview['shipping']['amount'] / 100:.2f}")
    placed = _ok(alice.gql("PlacePickupOrder", {"input": {"checkout": {"pickup": pickup, "couponIds": [], "points": 0},
                                                          "idempotencyKey": f"demo-{time.time_ns()}"}})["placeOrder"])
    (order,) = placed["orders"]
    anonymous.post("/payments/simulated/capture", {"paymentId": placed["payment"]["id"]})
    paid = _wait_for(lambda: (o := alice.gql("MyPickupOrder", {"id": order["id"]})["node"])["pickupCode"] and o,
                     "the payment", 30)
    entry = _wait_for(lambda: _commission(leader, order["id"]), "the leader's commission", 30)
    say(f"  paid; the leader's commission: ¥{entry['amount']['amount'] / 100:.2f} {entry['state']}")
    time.sleep(max(0.0, (cutoff - datetime.now(UTC)).total_seconds()) + 0.5)
    batch = _ok(merchant.gql("MarkCommunityBatchDelivered", {"roundId": opened["id"], "leaderId": point["id"]})[
        "markCommunityBatchDelivered"])["batch"]
    say(f"past the cutoff: the batch ({batch['units']} units, {batch['ordersCount']} order) is {batch['state']}")
    _wait_for(lambda: alice.gql("MyPickupOrder", {"id": order["id"]})["node"]["state"] == "SHIPPED",
              "the order to reach the point", 30)
    handed = _ok(leader.gql("HandOverPickupOrder", {"code": paid["pickupCode"]})["handOverPickupOrder"])["order"]
    say(f"  alice shows code {paid['pickupCode']}; the leader hands it over: {handed['state']}")
    held = _wait_for(lambda: (e := _commission(leader, order["id"]))["holdUntil"] == handed["returnsUntil"] and e,
                     "the commission's settlement time", 30)
    say(f"the leader's ¥{held['amount']['amount'] / 100:.2f} stays {held['state']} until {held['holdUntil']}: "
        f"make job JOB=settle-commissions NOW={held['holdUntil']}")
    return {"round": opened, "preview": preview, "placed": placed, "paid": paid, "batch": batch, "handed": handed,
            "commission": held}


def story_sharing(base: str, say=print) -> dict[str, Any]:
    """Sharing that sells: bob and carol assist alice's start of Mei's mango campaign (助力); a new customer signs
    in through alice's invite code (老带新) and, by her distributor link (分销), buys the mango: paid, shipped and
    received, alice's commission waits (pending) until the return window closes (`make job
    JOB=settle-commissions NOW=<its holdUntil>` settles it); carol buys through alice's post and alice's author
    view counts the sale (归因). Reruns work: a helper who assisted on an earlier run is done (ALREADY_ASSISTED),
    and the new customer is a new account each run (only a new account binds to an inviter)."""
    anonymous = Client(base)
    alice, bob, carol, merchant = (anonymous.login(f"demo:{name}") for name in ("alice", "bob", "carol", "merchant"))
    mango_sku = _deal(anonymous, 2)["prices"][0]["skuId"]
    mango = _product_of_sku(mango_sku)

    started = next(e["node"] for e in alice.gql("MyAssists", {"first": 20})["me"]["assists"]["edges"]
                   if e["node"]["campaign"]["product"]["id"] == mango and e["node"]["campaign"]["open"])
    instance = _ok(alice.gql("StartAssist", {"campaignId": started["campaign"]["id"]})["startAssist"])["assistInstance"]
    code = instance["shareCode"]
    say(f"alice starts '{instance['campaign']['title']}' (starting again returns hers): share code {code}")
    for name, helper in (("bob", bob), ("carol", carol)):
        assisted = helper.gql("Assist", {"shareCode": code})["assist"]
        codes = [e["code"] for e in assisted["errors"]]
        if codes and codes != ["ALREADY_ASSISTED"]:  # ALREADY_ASSISTED: on an earlier run
            raise RuntimeError(assisted["errors"])
        say(f"  {name} assists: {'counted' if not codes else 'already did'}")
    progress = anonymous.gql("AssistByShareCode", {"shareCode": code})["assistByShareCode"]
    reached = ", ".join(t["rewardTitle"] for t in progress["tiersReached"]) or "none yet"
    say(f"  {progress['assistCount']} assists; {progress['assistsToNextTier']} more to the next tier; reached: {reached}")

    invite = alice.gql("MyInviteCode")["me"]["inviteCode"]
    newest = _newest_referral(alice)
    signed = anonymous.post("/graphql", {"query": _document("SignUpThroughInvite"), "operationName": "SignUpThroughInvite",
                                         "variables": {"code": f"demo:dave-{time.time_ns()}", "inviteCode": invite}})
    signed = _ok(signed["data"]["loginWithWechat"])
    buyer = Client(base, signed["token"])
    bound = _wait_for(lambda: (r := _newest_referral(alice)) != newest and r, "the referral's binding", 30)
    say(f"a new customer ({signed['user']['displayName'] or 'no name yet'}) signs in with alice's invite code "
        f"{invite}: in alice's referrals, {bound['status']}")

    distributor = _ok(alice.gql("BecomeDistributor")["becomeDistributor"])["distributor"]
    link = _ok(alice.gql("CreateDistributorLink", {"productId": mango})["createDistributorLink"])["link"]
    visit = _ok(buyer.gql("VisitDistributorLink", {"code": link["code"]})["visitDistributorLink"])
    say(f"alice is a distributor ({distributor['status']}); her link {link['code']} for {link['productName']}: "
        f"the new customer opens it (visit counted: {visit['counted']})")
    _ensure_address(buyer, "13800000004")
    order = _buy(anonymous, buyer, mango_sku, {"kind": "DISTRIBUTOR", "ref": link["code"]})
    entry = _wait_for(lambda: _commission(alice, order["id"]), "alice's commission", 30)
    say(f"  they buy 1 mango through it and pay ¥{order['total']['amount'] / 100:.2f} (line "
        f"¥{order['lines'][0]['total']['amount'] / 100:.2f}); alice's commission: "
        f"¥{entry['amount']['amount'] / 100:.2f} {entry['state']}")
    shipped = _ok(merchant.gql("ShipOrder", {"input": {"orderId": order["id"], "carrier": "SF",
                                                       "trackingNo": "SF1357924680"}})["shipOrder"])["order"]
    received = _ok(buyer.gql("ConfirmReceipt", {"input": {"orderId": order["id"]}})["confirmReceipt"])["order"]
    say(f"  Mei's Orchard ships it ({shipped['carrier']['name']}); received: {received['state']}")
    held = _wait_for(lambda: (e := _commission(alice, order["id"]))["holdUntil"] == received["returnsUntil"] and e,
                     "the commission's settlement time", 30)
    say(f"alice's ¥{held['amount']['amount'] / 100:.2f} stays {held['state']} until {held['holdUntil']}: "
        f"make job JOB=settle-commissions NOW={held['holdUntil']}")
    dashboard = _wait_for(lambda: (d := _link(alice, link["code"]))["orders"] and d, "the link's order", 30)
    referral = _wait_for(lambda: (r := _newest_referral(alice))["status"] == "DUE" and r, "the friend's order", 30)
    say(f"  her link: {dashboard['visits']} visit(s), {dashboard['orders']} order(s), "
        f"¥{dashboard['commission']['amount'] / 100:.2f}; the referral (the friend's first order received) is "
        f"{referral['status']} from {referral['dueAt']}, when its return window closes")

    me = alice.gql("MyInviteCode")["me"]["id"]
    posts = [e["node"] for e in anonymous.gql("AuthorProfile", {"id": me})["author"]["posts"]["edges"]]
    post = next((p for p in posts if mango in {x["productId"] for x in p["products"]}), None)
    if post is None:  # no seeded post of alice's shows the mango: she publishes one
        post = _ok(alice.gql("PublishPost", {"input": {"kind": "NOTE", "title": "芒果推荐", "body": "这个芒果很甜。",
                                                       "productIds": [mango]}})["publishPost"])["post"]
    before = _post_sales(alice, post["id"])
    _ensure_address(carol, "13800000003")
    bought = _buy(anonymous, carol, mango_sku, {"kind": "POST", "ref": post["id"]})
    after = _wait_for(lambda: (s := _post_sales(alice, post["id"]))[0] > before[0] and s, "the post's sale", 30)
    say(f"carol buys the mango from alice's post '{post['title']}' and pays ¥{bought['total']['amount'] / 100:.2f}; "
        f"alice's author view: {after[0]} order(s), ¥{after[1] / 100:.2f}")
    return {"assist": progress, "signed": signed["user"], "bound": bound, "referral": referral, "link": dashboard, "order": order,
            "received": received, "commission": held, "post": post, "post_order": bought,
            "post_sales_before": before, "post_sales_after": after}


def _buy(anonymous: Client, buyer: Client, sku: str, source: dict[str, str]) -> dict[str, Any]:
    """One unit bought now (no coupons, no points) with the given attribution, paid (the simulated capture)."""
    placed = _ok(buyer.gql("PlaceOrder", {"input": {
        "checkout": {"buyNow": {"skuId": sku, "quantity": 1}, "couponIds": [], "points": 0, "source": source},
        "idempotencyKey": f"demo-{time.time_ns()}"}})["placeOrder"])
    (order,) = placed["orders"]
    anonymous.post("/payments/simulated/capture", {"paymentId": placed["payment"]["id"]})
    return order


def _ensure_address(client: Client, mobile: str) -> None:
    if not client.gql("MyAddresses")["me"]["addresses"]:
        _ok(client.gql("AddAddress", {"input": {
            "recipient": "演示收件人", "mobile": mobile, "provinceCode": "310000", "cityCode": "310100",
            "districtCode": "310104", "detail": "演示路 1 号 (demo)", "isDefault": True}})["addAddress"])


def _newest_referral(inviter: Client) -> dict[str, Any] | None:
    edges = inviter.gql("MyReferrals", {"first": 1})["me"]["referrals"]["edges"]
    return edges[0]["node"] if edges else None


def _link(distributor: Client, code: str) -> dict[str, Any]:
    edges = distributor.gql("MyDistributorDashboard", {"first": 50})["me"]["distributorLinks"]["edges"]
    return next(e["node"] for e in edges if e["node"]["code"] == code)


def _post_sales(author: Client, post_id: str) -> tuple[int, int]:
    """Orders and fen (CNY) the post led to, as its author sees them."""
    sales = author.gql("AttributedSalesOfPost", {"id": post_id})["post"]["attributedSales"] or []
    return (sum(s["orders"] for s in sales if s["amount"]["currency"] == "CNY"),
            sum(s["amount"]["amount"] for s in sales if s["amount"]["currency"] == "CNY"))


def _commission(leader: Client, order_id: str) -> dict[str, Any] | None:
    entries = leader.gql("MyCommissions", {"first": 20, "withdrawalsFirst": 1})["me"]["commissions"]["entries"]
    return next((e["node"] for e in entries["edges"] if e["node"]["orderId"] == order_id), None)


def _pending(client: Client) -> int:
    return client.gql("MyPoints", {"first": 1})["me"]["points"]["pending"]


QUICK_LIFETIME_SECONDS = 12  # the seeded flash deal's is 90: the two are told apart by it


def quick_deal(anonymous: Client) -> tuple[str, str]:
    """The 12-second 3-person deal for `--quick`: the one an earlier run created if
    it still has stock, else a new one (so repeated runs do not pile up deals)."""
    template = next(d for d in _deals(anonymous)
                    if d["teamSize"] == 3 and d["teamLifetimeSeconds"] != QUICK_LIFETIME_SECONDS)
    sku = template["prices"][0]["skuId"]
    for deal in _deals(anonymous):
        if (deal["teamSize"], deal["teamLifetimeSeconds"]) == (3, QUICK_LIFETIME_SECONDS) and any(
                s["skuId"] == sku and s["available"] > 0 for s in deal["stock"]):
            return deal["id"], sku
    merchant = anonymous.login("demo:merchant")
    now = datetime.now(UTC)
    created = merchant.gql("CreateDeal", {"input": {
        "productId": _product_of_sku(sku), "prices": [{"skuId": sku, "price": 1990}],
        "stock": [{"skuId": sku, "quantity": 20}], "teamSize": 3, "teamLifetimeSeconds": QUICK_LIFETIME_SECONDS,
        "paymentWindowSeconds": 6, "perUserLimit": 10, "startsAt": (now - timedelta(minutes=1)).isoformat(),
        "endsAt": (now + timedelta(days=30)).isoformat()}})["createDeal"]
    if created["errors"]:
        raise RuntimeError(created["errors"])
    return created["deal"]["id"], sku


def _product_of_sku(sku_global_id: str) -> str:
    import base64

    raw = base64.urlsafe_b64decode(sku_global_id + "=" * (-len(sku_global_id) % 4)).decode()
    _, product_id, _ = raw.split(":")
    return base64.urlsafe_b64encode(f"Product:{product_id}".encode()).decode().rstrip("=")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    from devstack.ports import HOST, add_port_options

    parser = argparse.ArgumentParser(prog="python -m devstack.demo", description=__doc__.splitlines()[0])
    add_port_options(parser, api_use="the running stack's API port",
                     aws_use="the running stack's emulated AWS port (not used: the demo only calls the API)")
    parser.add_argument("--url", default=None, help="the API's base URL (instead of --port)")
    parser.add_argument("--quick", action="store_true", help="story 2 on a 12-second deal instead of 90 seconds")
    parser.add_argument("--stories", default="1,2,3,4,5,6", type=_stories,
                        help="which stories, e.g. 1,3 (default: all six, in order)")
    args = parser.parse_args(argv)
    args.url = (args.url or f"http://{HOST}:{args.port}").rstrip("/")
    return args


STORIES = {
    1: ("a team fills and succeeds", lambda args: story_success(args.url)),
    2: ("a team expires and its members are refunded", lambda args: story_expiry(args.url, quick=args.quick)),
    3: ("a checkout with coupons, paid", lambda args: story_checkout(args.url)),
    4: ("shipped, received, one returned and refunded", lambda args: story_after_sales(args.url)),
    5: ("community group-buy: ordered for pickup, delivered, handed over, the leader's commission",
        lambda args: story_community(args.url)),
    6: ("sharing that sells: assists, a referral, a distributor's commission, a post's sale",
        lambda args: story_sharing(args.url)),
}


def _stories(text: str) -> tuple[int, ...]:
    try:
        chosen = tuple(int(part) for part in text.split(","))
    except ValueError:
        chosen = ()
    if not chosen or not set(chosen) <= set(STORIES):
        raise argparse.ArgumentTypeError(f"stories are numbers among {sorted(STORIES)}, comma-separated")
    return chosen


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    for number in args.stories:
        title, run = STORIES[number]
        print(f"== story {number}: {title}")
        run(args)


if __name__ == "__main__":
    main()
