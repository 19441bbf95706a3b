"""Every order records what led to it: the source as given on both kinds, written with the order (no
request more than placing without one); a source of the wrong shape refused with nothing written; shown
to the buyer, the order's merchant and operators only."""
from __future__ import annotations

from chalicelib.checkout.store import get_order_item
from chalicelib.core.graphql.ids import from_global_id, to_global_id
from chalicelib.core.principal import Principal, Role
from chalicelib.groupbuy.store import get_order
from chalicelib.orders.graphql.attribution import may_see_attribution
from chalicelib.orders.rules import OrderKind, OrderState, OrderView
from chalicelib.points.rules_store import forget_cached_rules
from tests.attribution.support import customer, op
from tests.checkout.orders_support import everything, signed_in
from tests.checkout.support import shop
from tests.checkout.test_orders_requests import PLACE_ORDER_REQUESTS
from tests.groupbuy.support import deal_setup

POST = {"kind": "POST", "ref": "01JPOSTREF0000000000000000"}


def _place(gql, token: str, key: str, source: dict | None) -> dict:
    checkout = {} if source is None else {"source": source}
    return op(gql, "AttributedPlaceOrder", {"input": {"checkout": checkout, "idempotencyKey": key}},
              token)["data"]["placeOrder"]


def test_place_order_records_the_source_as_given_with_no_request_more(gql, emulator):
    s = shop()
    counts = {}
    for name, source in (("plain", None), ("post", POST)):
        token, _ = signed_in(gql, f"attr-{name}", s, quantities=(1, 2))
        forget_cached_rules()
        emulator.clear_log()
        placed = _place(gql, token, f"attr-key-{name}", source)
        assert placed["errors"] == [] and [o["attribution"] for o in placed["orders"]] == [source]
        counts[name] = emulator.dynamodb_counts()
        item = get_order_item(from_global_id(placed["orders"][0]["id"], "Order")[0])
        assert (None if item.attribution is None else {"kind": item.attribution.kind, "ref": item.attribution.ref}
                ) == source
    # Nothing looked up for the source: placing's requests (tests/checkout/test_orders_requests.py) less the two
    # batch reads of the answer's lines, which this operation does not select.
    assert counts["post"] == counts["plain"] == {**PLACE_ORDER_REQUESTS, "BatchGetItem": 2}
    # The buyer reads it back.
    read = op(gql, "AttributionOfOrder", {"id": placed["orders"][0]["id"]}, token)["data"]["node"]
    assert read["attribution"] == POST


def test_a_source_of_the_wrong_shape_is_refused_and_nothing_is_written(gql):
    s = shop()
    token, buyer = signed_in(gql, "attr-bad", s, quantities=(1,))
    before = everything(s, buyer)
    for ref, field in (("not a ref!", "source.ref"), ("", "source.ref"), ("x" * 65, "source.ref")):
        placed = _place(gql, token, "attr-key-0003", {"kind": "REFERRAL", "ref": ref})
        assert [(e["code"], e["field"]) for e in placed["errors"]] == [("INVALID", field.split("."))], placed
    deal, sku_id, _ = deal_setup()
    opened = op(gql, "AttributedOpenTeam", {"dealId": to_global_id("Deal", deal.id), "skuId": to_global_id(
        "Sku", deal.terms.product_id, sku_id), "source": {"kind": "POST", "ref": "../etc"}}, token)["data"]["openTeam"]
    assert [e["code"] for e in opened["errors"]] == ["INVALID"] and opened["order"] is None
    assert everything(s, buyer) == before


def test_open_and_join_record_their_sources(gql):
    deal, sku_id, _ = deal_setup()
    sku = to_global_id("Sku", deal.terms.product_id, sku_id)
    leader, leader_user = customer(gql, "attr-leader")
    opened = op(gql, "AttributedOpenTeam", {"dealId": to_global_id("Deal", deal.id), "skuId": sku,
                                           "source": {"kind": "REFERRAL", "ref": "01JINVITER0000000000000000"}},
                leader)["data"]["openTeam"]
    assert opened["errors"] == []
    share = opened["team"]["shareCode"]
    joiner, _ = customer(gql, "attr-joiner")
    joined = op(gql, "AttributedJoinTeam", {"shareCode": share, "skuId": sku, "source": {"kind": "TEAM", "ref": share},
                                           "key": "attr-join-0001"}, joiner)["data"]["joinTeam"]
    assert joined["errors"] == [] and joined["order"]["attribution"] == {"kind": "TEAM", "ref": share}
    stored = get_order(from_global_id(joined["order"]["id"], "Order")[0])
    assert (stored.attribution.kind.value, stored.attribution.ref) == ("TEAM", share)
    assert opened["order"]["attribution"] == {"kind": "REFERRAL", "ref": "01JINVITER0000000000000000"}
    # Someone else asking for the order reads no attribution (the order itself is not theirs either).
    stranger, _ = customer(gql, "attr-stranger")
    node = op(gql, "AttributionOfOrder", {"id": joined["order"]["id"]}, stranger)["data"]["node"]
    assert node is None or node["attribution"] is None


def test_shown_to_the_buyer_the_merchant_and_operators_only():
    from datetime import UTC, datetime

    view = OrderView(id="O1", kind=OrderKind.REGULAR, user_id="buyer", merchant_id="shop", state=OrderState.TO_SHIP,
                     status_text="", lines=(), shipping=0, total=0, currency="CNY",
                     created_at=datetime(2026, 1, 1, tzinfo=UTC), pay_by=datetime(2026, 1, 1, tzinfo=UTC), paid_at=None,
                     refunded=0, source=None)
    seen = {who: may_see_attribution(p, view) for who, p in {
        "buyer": Principal("buyer", Role.CUSTOMER), "merchant": Principal("shop", Role.MERCHANT),
        "operator": Principal("op", Role.OPERATOR), "other merchant": Principal("shop2", Role.MERCHANT),
        "other customer": Principal("shop", Role.CUSTOMER), "anonymous": None}.items()}
    assert seen == {"buyer": True, "merchant": True, "operator": True, "other merchant": False,
                    "other customer": False, "anonymous": False}
