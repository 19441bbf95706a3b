"""Merchants list and ship their own orders; buyers confirm receipt; refusals are typed and change nothing."""
from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib.core.clock import utc_now
from chalicelib.core.graphql.ids import from_global_id
from chalicelib.fulfilment.rules import CARRIERS
from chalicelib.orders.published.items import get_order_item
from tests.conftest import demo_token
from tests.fulfilment.support import fop, merchant_shop, paid_orders, sales, ship


def _state(order_gid: str) -> str:
    return get_order_item(from_global_id(order_gid, "Order")[0]).state


def test_carriers_lists_the_fixed_codes_with_their_names(gql):
    listed = fop(gql, "Carriers", {}, None)["data"]["carriers"]
    assert [(c["code"], c["name"]) for c in listed] == list(CARRIERS.items())
    assert {"SF", "ZTO", "YTO", "YD", "STO", "JD", "EMS", "JTSD", "DBL"} <= {c["code"] for c in listed}


def test_a_merchant_lists_its_own_orders_newest_first_with_their_address_and_another_sees_none(gql):
    token, shop = merchant_shop(gql, "mei-list")
    _, _, orders = paid_orders(gql, shop, "buyer-list", count=2)
    edges = sales(gql, token)["edges"]
    assert [e["node"]["id"] for e in edges] == orders
    node = edges[0]["node"]
    assert (node["kind"], node["state"], len(node["lines"])) == ("REGULAR", "TO_SHIP", 1)
    assert node["shippingAddress"]["recipient"] == "下单收件人" and node["shippingAddress"]["mobile"] == "13800000003"
    other, _ = merchant_shop(gql, "other-list")
    assert sales(gql, other)["edges"] == []
    customer = demo_token(gql, "cust-list", "CUSTOMER")
    refused = fop(gql, "SalesOrders", {}, customer)
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_sales_orders_filter_by_state_and_creation_time(gql):
    token, shop = merchant_shop(gql, "mei-filter")
    _, _, orders = paid_orders(gql, shop, "buyer-filter", count=2)
    assert ship(gql, token, orders[0])["errors"] == []
    shipped = sales(gql, token, state=["SHIPPED"])["edges"]
    assert [e["node"]["id"] for e in shipped] == [orders[0]]
    assert shipped[0]["node"]["carrier"] == {"code": "SF", "name": CARRIERS["SF"]}
    now = utc_now()
    assert [e["node"]["id"] for e in sales(gql, token, createdFrom=(now - timedelta(minutes=5)).isoformat(),
                                           createdTo=now.isoformat())["edges"]] == orders
    assert sales(gql, token, createdTo=(now - timedelta(minutes=5)).isoformat())["edges"] == []
    assert sales(gql, token, createdFrom=(now + timedelta(minutes=5)).isoformat())["edges"] == []


def test_ship_then_confirm_receipt_sets_every_instant(gql):
    token, shop = merchant_shop(gql, "mei-ship")
    buyer_token, _, (order,) = paid_orders(gql, shop, "buyer-ship")
    shipped = ship(gql, token, order, "ZTO", "ZT-0001-abc")
    assert shipped["errors"] == [] and shipped["order"]["state"] == "SHIPPED"
    assert shipped["order"]["trackingNo"] == "ZT-0001-abc" and shipped["order"]["carrier"]["code"] == "ZTO"
    assert shipped["order"]["completeBy"] > shipped["order"]["shippedAt"]
    assert ship(gql, token, order, "ZTO", "ZT-0001-abc") == shipped  # the same shipment again: as it is
    assert [e["code"] for e in ship(gql, token, order, "SF", "SF999999")["errors"]] == ["INVALID_STATE"]
    merchant_confirm = fop(gql, "ConfirmReceipt", {"input": {"orderId": order}}, token)["data"]["confirmReceipt"]
    assert [e["code"] for e in merchant_confirm["errors"]] == ["NOT_FOUND"] and _state(order) == "SHIPPED"
    done = fop(gql, "ConfirmReceipt", {"input": {"orderId": order}}, buyer_token)["data"]["confirmReceipt"]
    assert done["errors"] == [] and done["order"]["state"] == "COMPLETED"
    assert done["order"]["completedAt"] < done["order"]["returnsUntil"] < done["order"]["afterSalesUntil"]
    again = ship(gql, token, order, "ZTO", "ZT-0001-abc")  # a late retry of the shipment: the order as it is
    assert again["errors"] == [] and again["order"]["state"] == "COMPLETED"


@pytest.mark.parametrize(("carrier", "tracking_no", "code", "field"), [
    ("XX", "SF1234567890", "UNKNOWN_CARRIER", "carrier"),
    ("sf", "SF1234567890", "UNKNOWN_CARRIER", "carrier"),
    ("SF", "", "INVALID_TRACKING_NUMBER", "trackingNo"),
    ("SF", "      ", "INVALID_TRACKING_NUMBER", "trackingNo"),
    ("SF", "SF 12345678", "INVALID_TRACKING_NUMBER", "trackingNo"),
    ("SF", "12345", "INVALID_TRACKING_NUMBER", "trackingNo"),
    ("SF", "1" * 33, "INVALID_TRACKING_NUMBER", "trackingNo"),
    ("SF", "SF#12345678", "INVALID_TRACKING_NUMBER", "trackingNo"),
])
def test_ship_refusals_are_typed_and_change_nothing(gql, carrier, tracking_no, code, field):
    case = f"{abs(hash((carrier, tracking_no))) % 10**6}"
    token, shop = merchant_shop(gql, f"mei-refuse-{case}")
    _, _, (order,) = paid_orders(gql, shop, f"buyer-refuse-{case}")
    refused = ship(gql, token, order, carrier, tracking_no)
    assert [(e["code"], e["field"]) for e in refused["errors"]] == [(code, [field])] and refused["order"] is None
    assert _state(order) == "TO_SHIP"


def test_another_merchant_s_order_and_an_order_not_to_ship_are_refused(gql):
    token, shop = merchant_shop(gql, "mei-own")
    other, _ = merchant_shop(gql, "other-own")
    buyer_token, _, (order,) = paid_orders(gql, shop, "buyer-own")
    assert [e["code"] for e in ship(gql, other, order)["errors"]] == ["NOT_FOUND"] and _state(order) == "TO_SHIP"
    assert [e["code"] for e in ship(gql, buyer_token, order)["errors"]] == ["FORBIDDEN"]
    early = fop(gql, "ConfirmReceipt", {"input": {"orderId": order}}, buyer_token)["data"]["confirmReceipt"]
    assert [e["code"] for e in early["errors"]] == ["INVALID_STATE"] and _state(order) == "TO_SHIP"
    operator = demo_token(gql, "olga-ship", "OPERATOR")
    assert ship(gql, operator, order)["errors"] == [] and _state(order) == "SHIPPED"


def test_the_shipping_address_is_for_the_buyer_the_merchant_and_operators_only(gql):
    token, shop = merchant_shop(gql, "mei-addr")
    buyer_token, _, (order,) = paid_orders(gql, shop, "buyer-addr")
    query = "query($id: ID!) { node(id: $id) { ... on Order { shippingAddress { recipient } } } }"
    assert gql(query, {"id": order}, token=buyer_token)["data"]["node"]["shippingAddress"] == {"recipient": "下单收件人"}
    assert sales(gql, token)["edges"][0]["node"]["shippingAddress"]["recipient"] == "下单收件人"


def test_a_time_range_pages_both_ways_within_its_bounds(gql):
    token, shop = merchant_shop(gql, "mei-pages")
    _, _, orders = paid_orders(gql, shop, "buyer-pages", count=3)
    now = utc_now()
    bounds = {"createdFrom": (now - timedelta(minutes=5)).isoformat(), "createdTo": now.isoformat()}
    seen, after = [], None
    while True:
        page = sales(gql, token, first=1, after=after, **bounds)
        seen += [e["node"]["id"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == orders
    query = """query($from: DateTime, $to: DateTime) { me { salesOrders(createdFrom: $from, createdTo: $to, last: 2) {
      edges { node { id } } pageInfo { hasPreviousPage } } } }"""
    backward = gql(query, {"from": bounds["createdFrom"], "to": bounds["createdTo"]}, token=token)
    listed = backward["data"]["me"]["salesOrders"]
    assert [e["node"]["id"] for e in listed["edges"]] == orders[1:] and listed["pageInfo"]["hasPreviousPage"] is True
    refused = fop(gql, "SalesOrders", {"createdFrom": now.isoformat(),
                                       "createdTo": (now - timedelta(days=1)).isoformat()}, token)
    assert refused["errors"][0]["extensions"]["code"] == "INVALID"
