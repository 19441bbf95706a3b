"""Pickup codes through GraphQL, with graphql/operations/community_rounds.graphql as a client sends it: the
buyer reads their order's code, nobody else does (the leader included), and the leader hands the order over."""
from __future__ import annotations

from datetime import timedelta

from chalicelib.checkout import paying
from chalicelib.checkout import store as checkout_store
from chalicelib.checkout.models import ShopOrderItem
from chalicelib.community import leaders
from chalicelib.community.rules import LeaderAction
from chalicelib.core.clock import iso, utc_now
from chalicelib.core.graphql.ids import to_global_id
from chalicelib.orders.published.kinds import OrderState
from tests.checkout.support import captured
from tests.community import leader_support
from tests.community.pickup_support import open_round, pickup_request, place, stocked
from tests.community.test_pickup_orders_api import _customer, _op


def _signed_in_leader(gql):
    token, principal = _customer(gql, "pickup-point-leader")
    leaders.apply(principal, leader_support.application(7), utc_now())
    leaders.decide(leader_support.OPERATOR, principal.user_id, LeaderAction.APPROVE, None, utc_now())
    return token, principal.user_id


def test_the_buyer_alone_reads_the_code_and_the_leader_hands_the_order_over(gql):
    leader_token, leader_id = _signed_in_leader(gql)
    buyer_token, buyer = _customer(gql, "pickup-code-buyer")
    now = utc_now()
    s = stocked()
    sold = open_round(s, [leader_id], cutoff=now.replace(microsecond=0) + timedelta(hours=2), now=now)
    placed = place(buyer, pickup_request(sold.id, s, 1, leader_id=leader_id), now)
    order_gid = to_global_id("Order", placed.orders[0].id)
    unpaid = _op(gql, "MyPickupOrder", {"id": order_gid}, buyer_token)["node"]
    assert (unpaid["state"], unpaid["pickupCode"]) == ("AWAITING_PAYMENT", None)
    paying.apply_payment_event(captured(placed.payment.id, placed.payment.amount, now), now)
    seen = _op(gql, "MyPickupOrder", {"id": order_gid}, buyer_token)["node"]
    assert seen["state"] == "TO_SHIP" and len(seen["pickupCode"]) == 12
    assert seen["pickup"]["leaderId"] == to_global_id("CommunityLeader", leader_id)
    assert _op(gql, "MyPickupOrder", {"id": order_gid}, leader_token)["node"] is None  # not the leader's order
    early = _op(gql, "HandOverPickupOrder", {"code": seen["pickupCode"]}, leader_token)["handOverPickupOrder"]
    assert [(e["code"], e["field"]) for e in early["errors"]] == [("INVALID_STATE", ["code"])]
    ShopOrderItem(checkout_store.keys.order_pk(placed.orders[0].id), checkout_store.keys.ORDER_SK).update(actions=[
        ShopOrderItem.state.set(OrderState.SHIPPED.value), ShopOrderItem.shipped_at.set(iso(now)),
        ShopOrderItem.complete_by.set(iso(now + timedelta(days=3)))])  # arrived
    wrong = _op(gql, "HandOverPickupOrder", {"code": "0000000000AA"}, leader_token)["handOverPickupOrder"]
    assert [(e["code"], e["field"]) for e in wrong["errors"]] == [("NOT_FOUND", ["code"])]
    done = _op(gql, "HandOverPickupOrder", {"code": seen["pickupCode"]}, leader_token)["handOverPickupOrder"]
    assert done["errors"] == [] and (done["order"]["id"], done["order"]["state"]) == (order_gid, "COMPLETED")
    assert done["order"]["returnsUntil"] > done["order"]["completedAt"]
    assert done["order"]["payment"] is None  # the buyer's payment is not the leader's to read
    by_buyer = _op(gql, "HandOverPickupOrder", {"code": seen["pickupCode"]}, buyer_token)["handOverPickupOrder"]
    assert [e["code"] for e in by_buyer["errors"]] == ["FORBIDDEN"]
