"""The group-buy stories through GraphQL, as a mini-program and a merchant use them.
Payments go through the SIMULATED provider's signed notifications and the real
notification route."""
from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.adapters.payments.factory import payment_provider_for
from chalicelib.addresses import service as addresses
from chalicelib.addresses.rules import AddressFields
from chalicelib.core.clock import utc_now
from chalicelib.core.graphql.ids import from_global_id, to_global_id
from chalicelib.core.principal import Principal, Role
from chalicelib.core.settings import settings
from tests.api.catalog_ops import CREATE_PRODUCT
from tests.conftest import demo_token, priced_answer
from tests.factories import create_category
from tests.groupbuy.ops import (
    CANCEL_SEAT,
    CREATE_DEAL,
    DEALS,
    JOIN_TEAM,
    JOIN_TEAM_LEAN,
    MY_ORDERS,
    MY_TEAMS,
    OPEN_TEAM,
    PAY_ORDER,
    TEAM_VIEW,
)
from tests.groupbuy.support import deliver_table_stream


def _iso(delta: timedelta) -> str:
    return (datetime.now(UTC) + delta).isoformat()


@pytest.fixture
def deal(gql, operator, merchant):
    category = create_category(gql, operator)
    product = gql(CREATE_PRODUCT, {"input": {"categoryId": category, "name": "Mango", "status": "ACTIVE",
                                             "skus": [{"code": "M", "price": 3990, "stock": 100}]}},
                  token=merchant)["data"]["createProduct"]["product"]
    sku = product["skus"][0]["id"]
    result = gql(CREATE_DEAL, {"input": {"productId": product["id"], "prices": [{"skuId": sku, "price": 1990}],
                                         "stock": [{"skuId": sku, "quantity": 10}], "teamSize": 3,
                                         "startsAt": _iso(-timedelta(minutes=1)), "endsAt": _iso(timedelta(days=1))}},
                 token=merchant)["data"]["createDeal"]
    assert result["errors"] == []
    return {"id": result["deal"]["id"], "sku": sku}


def _pay(client, order_id: str) -> dict:
    response = client.http.post("/payments/simulated/capture", headers={"Content-Type": "application/json"},
                                body=json.dumps({"orderId": order_id}))
    assert response.status_code == 200, response.body
    return json.loads(response.body)


def test_three_friends_fill_a_team_and_it_succeeds_at_once(gql, client, deal):
    alice, bob, carol, dave = (demo_token(gql, n, "CUSTOMER") for n in ("alice", "bob", "carol", "dave"))
    opened = gql(OPEN_TEAM, {"dealId": deal["id"], "skuId": deal["sku"]}, token=alice)["data"]["openTeam"]
    assert opened["errors"] == []
    assert opened["order"]["state"] == "AWAITING_PAYMENT" and opened["order"]["amount"] == {"amount": 1990, "currency": "CNY"}
    assert opened["payment"]["package"].startswith("prepay_id=")
    assert opened["payment"]["signType"] == "RSA"  # what wx.requestPayment takes (WeChat Pay v3)
    code = opened["team"]["shareCode"]
    assert len(code) == 16 and code.isascii() and opened["team"]["remainingSeats"] == 2

    bob_seat = gql(JOIN_TEAM, {"code": code, "skuId": deal["sku"]}, token=bob)["data"]["joinTeam"]
    carol_seat = gql(JOIN_TEAM, {"code": code, "skuId": deal["sku"]}, token=carol)["data"]["joinTeam"]
    full = gql(JOIN_TEAM, {"code": code, "skuId": deal["sku"]}, token=dave)["data"]["joinTeam"]
    assert full["order"] is None and full["errors"][0]["code"] == "TEAM_FULL"
    twice = gql(JOIN_TEAM, {"code": code, "skuId": deal["sku"]}, token=bob)["data"]["joinTeam"]
    assert twice["errors"][0]["code"] == "ALREADY_IN_TEAM"

    assert _pay(client, opened["order"]["id"])["message"] == "applied"
    assert _pay(client, opened["order"]["id"])["message"] == "duplicate"  # WeChat delivers again
    paid_not_formed = gql(MY_ORDERS, token=alice)["data"]["me"]["orders"]["edges"][0]["node"]
    assert paid_not_formed["state"] == "PAID_AWAITING_TEAM"
    assert paid_not_formed["statusText"].startswith("Paid, awaiting team")
    assert paid_not_formed["refunded"] == {"amount": 0, "currency": "CNY"}  # Money, like every amount
    _pay(client, bob_seat["order"]["id"])
    _pay(client, carol_seat["order"]["id"])

    view = gql(TEAM_VIEW, {"code": code})["data"]["teamByShareCode"]
    assert (view["state"], view["paidCount"], view["remainingSeats"]) == ("SUCCEEDED", 3, 0)
    assert [m["isLeader"] for m in view["members"]] == [True, False, False]
    assert all(m["paid"] for m in view["members"])
    assert set(view["members"][0]) == {"displayName", "avatarUrl", "isLeader", "paid"}  # nothing private
    teams = gql(MY_TEAMS, token=bob)["data"]["me"]["teams"]["edges"]
    assert [t["node"]["shareCode"] for t in teams] == [code]


def test_an_unpaid_seat_can_be_given_back_and_taken_by_someone_else(gql, deal):
    alice, bob, carol, dave = (demo_token(gql, n, "CUSTOMER") for n in ("alice", "bob", "carol", "dave"))
    code = gql(OPEN_TEAM, {"dealId": deal["id"], "skuId": deal["sku"]}, token=alice)["data"]["openTeam"]["team"]["shareCode"]
    bob_order = gql(JOIN_TEAM, {"code": code, "skuId": deal["sku"]}, token=bob)["data"]["joinTeam"]["order"]
    gql(JOIN_TEAM, {"code": code, "skuId": deal["sku"]}, token=carol)
    refused = gql(CANCEL_SEAT, {"orderId": bob_order["id"]}, token=carol)["data"]["cancelSeat"]
    assert refused["errors"][0]["code"] == "NOT_FOUND"  # not yours: does not exist for you
    cancelled = gql(CANCEL_SEAT, {"orderId": bob_order["id"]}, token=bob)["data"]["cancelSeat"]
    assert cancelled["order"]["state"] == "CANCELLED"
    again = gql(CANCEL_SEAT, {"orderId": bob_order["id"]}, token=bob)["data"]["cancelSeat"]
    assert again["errors"][0]["code"] == "INVALID_STATE"
    assert gql(PAY_ORDER, {"orderId": bob_order["id"]}, token=bob)["data"]["payOrder"]["errors"][0]["code"] == "INVALID_STATE"
    joined = gql(JOIN_TEAM, {"code": code, "skuId": deal["sku"]}, token=dave)["data"]["joinTeam"]
    assert joined["errors"] == [] and joined["order"]["state"] == "AWAITING_PAYMENT"


def test_retrying_a_join_with_its_idempotency_key_takes_one_seat(gql, deal):
    alice, bob = demo_token(gql, "alice", "CUSTOMER"), demo_token(gql, "bob", "CUSTOMER")
    code = gql(OPEN_TEAM, {"dealId": deal["id"], "skuId": deal["sku"]}, token=alice)["data"]["openTeam"]["team"]["shareCode"]
    first = gql(JOIN_TEAM, {"code": code, "skuId": deal["sku"], "key": "join-bob-0001"}, token=bob)["data"]["joinTeam"]
    again = gql(JOIN_TEAM, {"code": code, "skuId": deal["sku"], "key": "join-bob-0001"}, token=bob)["data"]["joinTeam"]
    assert again["errors"] == [] and again["order"]["id"] == first["order"]["id"]
    view = gql(TEAM_VIEW, {"code": code})["data"]["teamByShareCode"]
    assert view["seatsTaken"] == 2


def test_joining_costs_three_requests_four_with_an_address_and_a_team_view_two(gql, deal, emulator):
    alice, bob = demo_token(gql, "alice", "CUSTOMER"), demo_token(gql, "bob", "CUSTOMER")
    code = gql(OPEN_TEAM, {"dealId": deal["id"], "skuId": deal["sku"]}, token=alice)["data"]["openTeam"]["team"]["shareCode"]
    emulator.clear_log()
    joined = gql(JOIN_TEAM_LEAN, {"code": code, "skuId": deal["sku"]}, token=bob)["data"]["joinTeam"]
    assert joined["errors"] == []
    # The caller's user (every authenticated request), the team, the buyer's openid and address book header (one
    # batch), one transaction. Bob's book is empty: no address to read (the seat is his all the same).
    assert emulator.dynamodb_counts() == {"GetItem": 1, "BatchGetItem": 1, "TransactWriteItems": 1}
    # With a default address the seat reads it (one more GetItem) and its order keeps a copy.
    carol = demo_token(gql, "carol", "CUSTOMER")
    (carol_id,) = from_global_id(gql("{ me { id } }", token=carol)["data"]["me"]["id"], "User")
    addresses.add_address(Principal(carol_id, Role.CUSTOMER), AddressFields("卡罗", "13800000007", "110000", "110100",
                                                                          "110101", "7 号"), True, utc_now())
    emulator.clear_log()
    assert gql(JOIN_TEAM_LEAN, {"code": code, "skuId": deal["sku"]}, token=carol)["data"]["joinTeam"]["errors"] == []
    assert emulator.dynamodb_counts() == {"GetItem": 2, "BatchGetItem": 1, "TransactWriteItems": 1}
    emulator.clear_log()
    view = gql(TEAM_VIEW, {"code": code})["data"]["teamByShareCode"]
    assert len(view["members"]) == 3 and view["deal"]["teamSize"] == 3
    assert emulator.dynamodb_counts() == {"Query": 1, "BatchGetItem": 1}


@pytest.mark.parametrize("code, error", [("NOPE", None), ("0000000000000000", "NOT_FOUND")])
def test_unknown_teams(gql, deal, code, error):
    bob = demo_token(gql, "bob", "CUSTOMER")
    result = gql(JOIN_TEAM, {"code": code, "skuId": deal["sku"]}, token=bob)["data"]["joinTeam"]
    assert result["errors"][0]["code"] == "NOT_FOUND"
    assert gql(TEAM_VIEW, {"code": code})["data"]["teamByShareCode"] is None


def test_customers_cannot_create_deals_and_bad_deals_are_refused(gql, deal, merchant):
    alice = demo_token(gql, "alice", "CUSTOMER")
    base = {"productId": "UHJvZHVjdDowMUo=", "prices": [], "stock": [], "startsAt": _iso(timedelta(0)),
            "endsAt": _iso(timedelta(days=1))}
    refused = gql(CREATE_DEAL, {"input": base}, token=alice)["data"]["createDeal"]
    assert refused["errors"][0]["code"] in {"FORBIDDEN", "INVALID_ID"}


def test_deals_list_with_their_open_teams(gql, deal, emulator, monkeypatch):
    alice = demo_token(gql, "alice", "CUSTOMER")
    code = gql(OPEN_TEAM, {"dealId": deal["id"], "skuId": deal["sku"]}, token=alice)["data"]["openTeam"]["team"]["shareCode"]
    deliver_table_stream(emulator, monkeypatch)  # the deal lists its open teams from the stream
    edges = gql(DEALS)["data"]["deals"]["edges"]
    assert edges[0]["node"]["prices"][0] == {"price": {"amount": 1990}, "sku": {"code": "M"}}
    assert edges[0]["node"]["openTeams"]["edges"] == [{"node": {"shareCode": code, "remainingSeats": 2}}]


def test_forged_and_unknown_payment_notifications(client, gql, deal):
    alice = demo_token(gql, "alice", "CUSTOMER")
    order = gql(OPEN_TEAM, {"dealId": deal["id"], "skuId": deal["sku"]}, token=alice)["data"]["openTeam"]["order"]
    provider = payment_provider_for(settings())
    from chalicelib.core.graphql.ids import from_global_id

    headers, body = provider.simulate_capture(from_global_id(order["id"], "Order")[0])
    forged = body.replace(b"1990", b"1")
    response = client.http.post("/payments/notify", headers={**headers, "Content-Type": "application/json"}, body=forged)
    assert response.status_code == 401
    assert gql(MY_ORDERS, token=alice)["data"]["me"]["orders"]["edges"][0]["node"]["state"] == "AWAITING_PAYMENT"
    response = client.http.post("/payments/notify", headers={**headers, "Content-Type": "application/json"}, body=body)
    assert response.status_code == 200 and json.loads(response.body)["code"] == "SUCCESS"
    assert gql(MY_ORDERS, token=alice)["data"]["me"]["orders"]["edges"][0]["node"]["state"] == "PAID_AWAITING_TEAM"


def test_a_deals_page_reads_every_deal_s_stock_in_one_batch(gql, deal, merchant, emulator):
    second = gql(CREATE_DEAL, {"input": {"productId": _product_of(deal["sku"]), "prices": [{"skuId": deal["sku"], "price": 990}],
                                         "stock": [{"skuId": deal["sku"], "quantity": 5}], "teamSize": 2,
                                         "startsAt": _iso(-timedelta(minutes=1)), "endsAt": _iso(timedelta(days=1))}},
                 token=merchant)["data"]["createDeal"]
    assert second["errors"] == []
    emulator.clear_log()
    edges = gql("{ deals(first: 10) { edges { node { id stock { available } } } } }")["data"]["deals"]["edges"]
    assert sorted(e["node"]["stock"][0]["available"] for e in edges) == [5, 10]
    assert emulator.dynamodb_counts() == {"Query": 1, "BatchGetItem": 1}


def _product_of(sku_id: str) -> str:
    from chalicelib.core.graphql.ids import from_global_id, to_global_id

    product, _ = from_global_id(sku_id, "Sku")
    return to_global_id("Product", product)


@pytest.mark.parametrize(("field", "value"), [("startsAt", "0001-01-01T00:00:00+00:00"),
                                              ("startsAt", "1969-12-31T23:59:59+00:00"),
                                              ("endsAt", "9999-12-31T23:59:59-08:00")])
def test_a_deal_with_an_instant_out_of_range_is_refused_and_the_deals_still_read(gql, deal, merchant, field, value):
    before = gql(DEALS)
    assert before.get("errors") is None
    given = {"productId": _product_of(deal["sku"]), "prices": [{"skuId": deal["sku"], "price": 990}],
             "stock": [{"skuId": deal["sku"], "quantity": 5}], "startsAt": _iso(-timedelta(minutes=1)),
             "endsAt": _iso(timedelta(days=1)), field: value}
    refused = gql(CREATE_DEAL, {"input": given}, token=merchant)["data"]["createDeal"]
    assert refused["deal"] is None
    assert [(e["code"], e["field"]) for e in refused["errors"]] == [("INVALID", [field])]
    listed = gql("{ deals(first: 100) { edges { node { id } } } }")
    assert listed == priced_answer({"deals": {"edges": [{"node": {"id": deal["id"]}}]}})
    assert gql(DEALS) == before  # nothing changed: no deal, the same stock


SEAT_WITH_ADDRESS = """mutation($dealId: ID!, $skuId: ID!, $addressId: ID) {
  openTeam(input: {dealId: $dealId, skuId: $skuId, addressId: $addressId}) {
    order { id shippingAddress { recipient } } errors { code field } } }"""


def test_a_seat_ships_to_the_address_named_or_the_default_and_another_s_address_is_refused(gql, deal):
    tokens, ids = {}, {}
    for name in ("erin", "fay"):
        tokens[name] = demo_token(gql, name, "CUSTOMER")
        (user_id,) = from_global_id(gql("{ me { id } }", token=tokens[name])["data"]["me"]["id"], "User")
        principal = Principal(user_id, Role.CUSTOMER)
        addresses.add_address(principal, AddressFields(f"{name}-默认", "13800000006", "110000", "110100", "110101",
                                                       "6 号"), True, utc_now())
        ids[name] = addresses.add_address(principal, AddressFields(f"{name}-公司", "13800000005", "110000", "110100",
                                                                  "110101", "5 号"), False, utc_now()).id
    refused = gql(SEAT_WITH_ADDRESS, {"dealId": deal["id"], "skuId": deal["sku"],
                                      "addressId": to_global_id("Address", ids["fay"])}, token=tokens["erin"])
    assert refused["data"]["openTeam"]["errors"] == [{"code": "NOT_FOUND", "field": ["addressId"]}]
    assert gql("{ me { orders(first: 5) { edges { node { id } } } } }", token=tokens["erin"])[
        "data"]["me"]["orders"]["edges"] == []  # nothing taken
    named = gql(SEAT_WITH_ADDRESS, {"dealId": deal["id"], "skuId": deal["sku"],
                                    "addressId": to_global_id("Address", ids["erin"])}, token=tokens["erin"])
    assert named["data"]["openTeam"]["order"]["shippingAddress"] == {"recipient": "erin-公司"}
    default = gql(SEAT_WITH_ADDRESS, {"dealId": deal["id"], "skuId": deal["sku"]}, token=tokens["fay"])
    assert default["data"]["openTeam"]["order"]["shippingAddress"] == {"recipient": "fay-默认"}
