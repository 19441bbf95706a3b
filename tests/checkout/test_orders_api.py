"""placeOrder, payPayment, cancelPayment, me.orders and node(id:) through GraphQL: a checkout's
one payment and its orders, the one Order type of both kinds, and refusals that change nothing."""
from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib.addresses import service as addresses
from chalicelib.addresses.rules import AddressFields
from chalicelib.cart import service as cart
from chalicelib.catalog import service as catalog
from chalicelib.checkout import paying
from chalicelib.checkout.graphql import mutations as checkout_mutations
from chalicelib.core.clock import utc_now
from chalicelib.core.graphql.ids import to_global_id
from chalicelib.groupbuy import service as groupbuy
from tests.checkout.orders_support import (
    RECIPIENT,
    everything,
    op,
    payment_state,
    place,
    raw_id,
    signed_in,
    sku_gid,
)
from tests.checkout.support import captured, platform_coupon, shop
from tests.groupbuy.support import RecordingPayments, deal_setup


def _later(monkeypatch, seconds: int) -> None:
    moment = utc_now() + timedelta(seconds=seconds)
    monkeypatch.setattr(checkout_mutations, "utc_now", lambda: moment)


def test_placing_the_cart_answers_one_payment_its_orders_and_the_payment_parameters(gql):
    s = shop()
    token, buyer = signed_in(gql, "placer", s, quantities=(2, 1))
    placed = place(gql, token)
    assert placed["errors"] == [] and placed["replayed"] is False
    payment, (order,) = placed["payment"], placed["orders"]
    assert (payment["state"], payment["amount"]["amount"], payment["statusText"]) == (
        "AWAITING", 18000, "Awaiting payment (待支付)")
    assert (order["kind"], order["state"], order["merchantId"]) == ("REGULAR", "AWAITING_PAYMENT", s.merchant.user_id)
    assert [(line["quantity"], line["unitPrice"]["amount"], line["sku"]["id"]) for line in order["lines"]] == [
        (2, 6000, sku_gid(s, 0)), (1, 6000, sku_gid(s, 1))]
    assert order["total"]["amount"] == sum(line["total"]["amount"] for line in order["lines"]) == 18000
    assert order["shippingAddress"]["recipient"] == RECIPIENT
    params = placed["paymentParams"]
    assert params["package"].startswith("prepay_id=") and params["signType"] == "RSA"
    assert everything(s, buyer)[:3] == (((8, 2), (9, 1)), 0, 1)  # held, the cart emptied, one order


def test_buy_now_leaves_the_cart_alone(gql):
    s = shop()
    token, buyer = signed_in(gql, "buynow", s, quantities=(1,))
    placed = place(gql, token, buyNow={"skuId": sku_gid(s, 1), "quantity": 3})
    assert placed["errors"] == []
    (order,) = placed["orders"]
    assert [(line["sku"]["id"], line["quantity"]) for line in order["lines"]] == [(sku_gid(s, 1), 3)]
    assert cart.own_cart(buyer).line_count == 1


def test_a_retry_with_the_key_answers_the_same_orders_and_another_request_under_it_is_refused(gql):
    s = shop()
    token, buyer = signed_in(gql, "retrier", s, quantities=(1,))
    first = place(gql, token, key="retry-key-0001")
    again = place(gql, token, key="retry-key-0001")
    assert again["errors"] == [] and again["replayed"] is True
    assert again["payment"]["id"] == first["payment"]["id"]
    assert [o["id"] for o in again["orders"]] == [o["id"] for o in first["orders"]]
    before = everything(s, buyer)
    reused = place(gql, token, key="retry-key-0001", buyNow={"skuId": sku_gid(s), "quantity": 1})
    assert [e["code"] for e in reused["errors"]] == ["IDEMPOTENCY_KEY_REUSED"] and reused["payment"] is None
    assert everything(s, buyer) == before


def test_a_stale_cart_line_is_refused_as_cart_changed_and_nothing_is_taken(gql, monkeypatch):
    s = shop()
    token, buyer = signed_in(gql, "stale", s, quantities=(1,))
    from chalicelib.checkout import placing

    priced_by = placing.preview

    def priced_then_changed(*args, **kwargs):  # the buyer's other phone adds a unit meanwhile
        priced = priced_by(*args, **kwargs)
        cart.add(buyer, s.product_id, s.sku_ids[0], 1, utc_now())
        return priced

    monkeypatch.setattr(placing, "preview", priced_then_changed)
    before_stock = everything(s, buyer)[0]
    refused = place(gql, token)
    assert [e["code"] for e in refused["errors"]] == ["CART_CHANGED"]
    stock, lines, orders, _, _ = everything(s, buyer)
    assert (stock, lines, orders) == (before_stock, 1, 0)


@pytest.mark.parametrize("case", ["archived", "their_address", "foreign_coupon", "expired_coupon",
                                  "below_threshold", "points_over_cap", "quantity"])
def test_refusals_are_typed_and_change_nothing(gql, monkeypatch, case):
    s = shop()
    token, buyer = signed_in(gql, f"refused-{case.replace('_', '-')}", s, quantities=(1,), points=50000)
    checkout: dict = {}
    expected = "COUPON_UNAVAILABLE"
    if case == "archived":
        catalog.archive_product(s.merchant, s.product_id, utc_now())
        expected = "PRODUCT_NOT_AVAILABLE"
    elif case == "their_address":
        _, other = signed_in(gql, "address-owner")
        theirs = addresses.add_address(other, AddressFields("别人", "13800000004", "110000", "110100", "110101",
                                                             "3 号"), False, utc_now()).id
        checkout, expected = {"addressId": to_global_id("Address", theirs)}, "NOT_FOUND"
    elif case == "foreign_coupon":
        _, other = signed_in(gql, "coupon-owner")
        checkout = {"couponIds": [to_global_id("Coupon", platform_coupon(other))]}
    elif case == "expired_coupon":
        checkout = {"couponIds": [to_global_id("Coupon", platform_coupon(buyer))]}
        _later(monkeypatch, 31 * 24 * 3600)  # the coupon is valid 30 days
    elif case == "below_threshold":
        checkout = {"couponIds": [to_global_id("Coupon", platform_coupon(buyer, threshold=99900))]}
    elif case == "points_over_cap":
        checkout, expected = {"points": 5000}, "POINTS_OVER_CAP"  # at most half of ¥60
    else:
        checkout, expected = {"buyNow": {"skuId": sku_gid(s), "quantity": 100}}, "INVALID"
    before = everything(s, buyer)
    refused = place(gql, token, **checkout)
    assert [e["code"] for e in refused["errors"]] == [expected], refused
    assert refused["payment"] is None and refused["orders"] is None
    assert everything(s, buyer) == before


def test_cancelling_a_payment_cancels_all_its_orders_once(gql):
    s1, s2 = shop(), shop()
    token, buyer = signed_in(gql, "canceller")
    for s in (s1, s2):
        cart.add(buyer, s.product_id, s.sku_ids[0], 1, utc_now())
    placed = place(gql, token)
    assert len(placed["orders"]) == 2  # one per merchant, one payment
    cancelled = op(gql, "CancelPayment", {"paymentId": placed["payment"]["id"]}, token)["data"]["cancelPayment"]
    assert cancelled["errors"] == [] and cancelled["payment"]["state"] == "CANCELLED"
    assert {o["state"] for o in cancelled["payment"]["orders"]} == {"CANCELLED"}
    assert everything(s1, buyer)[0][0] == (10, 0)
    again = op(gql, "CancelPayment", {"paymentId": placed["payment"]["id"]}, token)["data"]["cancelPayment"]
    assert [e["code"] for e in again["errors"]] == ["INVALID_STATE"]
    other, _ = signed_in(gql, "not-the-buyer")
    theirs = op(gql, "CancelPayment", {"paymentId": placed["payment"]["id"]}, other)["data"]["cancelPayment"]
    assert [e["code"] for e in theirs["errors"]] == ["NOT_FOUND"]


def test_pay_payment_gives_the_parameters_again_until_pay_by(gql, monkeypatch):
    s = shop()
    token, _ = signed_in(gql, "payer", s, quantities=(1,))
    payment_id = place(gql, token)["payment"]["id"]
    again = op(gql, "PayPayment", {"paymentId": payment_id}, token)["data"]["payPayment"]
    assert again["errors"] == [] and again["paymentParams"]["package"].startswith("prepay_id=")
    _later(monkeypatch, 15 * 60 + 1)
    late = op(gql, "PayPayment", {"paymentId": payment_id}, token)["data"]["payPayment"]
    assert [e["code"] for e in late["errors"]] == ["PAYMENT_WINDOW_PASSED"] and late["paymentParams"] is None
    assert payment_state(payment_id) == "AWAITING"  # the timer cancels it, not this


def _group_buy_order(buyer):
    deal, sku_id, _ = deal_setup()
    return groupbuy.open_team(buyer, deal.id, sku_id, None, RecordingPayments(), utc_now()).order


def test_my_orders_lists_both_kinds_newest_first_and_filters_by_state_without_stalling(gql):
    s = shop()
    token, buyer = signed_in(gql, "both-kinds", s, quantities=(1,))
    seat = _group_buy_order(buyer)
    placed = place(gql, token)
    payment = raw_id(placed["payment"]["id"], "Payment")
    assert paying.apply_payment_event(captured(payment, 6000 + 1000, utc_now()), utc_now()) == "applied"
    listed = op(gql, "OrdersOfEveryKind", {}, token)["data"]["me"]["orders"]["edges"]
    regular, group_buy = (e["node"] for e in listed)
    assert (regular["kind"], regular["state"], regular["statusText"]) == ("REGULAR", "TO_SHIP", "Paid, to ship (待发货)")
    assert regular["payment"] == {"id": placed["payment"]["id"], "state": "PAID"} and regular["team"] is None
    assert (group_buy["id"], group_buy["kind"], group_buy["payment"]) == (to_global_id("Order", seat.id), "GROUP_BUY",
                                                                         None)
    assert group_buy["team"]["id"] and len(group_buy["lines"]) == 1 and group_buy["lines"][0]["quantity"] == 1
    # Filtered: the newest (regular, TO_SHIP) is read and left out; its page moves past it.
    first = op(gql, "OrdersOfEveryKind", {"state": ["AWAITING_PAYMENT"], "first": 1}, token)["data"]["me"]["orders"]
    assert first["edges"] == [] and first["pageInfo"]["hasNextPage"] is True
    second = op(gql, "OrdersOfEveryKind", {"state": ["AWAITING_PAYMENT"], "first": 1,
                                  "after": first["pageInfo"]["endCursor"]}, token)["data"]["me"]["orders"]
    assert [e["node"]["id"] for e in second["edges"]] == [group_buy["id"]]


def test_an_order_and_a_payment_are_their_buyer_s_only(gql):
    s = shop()
    token, _ = signed_in(gql, "owner", s, quantities=(1,))
    placed = place(gql, token)
    order_id, payment_id = placed["orders"][0]["id"], placed["payment"]["id"]
    mine = op(gql, "OrderNode", {"id": order_id}, token)["data"]["node"]
    assert (mine["id"], mine["kind"], mine["shippingAddress"]["recipient"]) == (order_id, "REGULAR", RECIPIENT)
    assert op(gql, "OrderNode", {"id": payment_id}, token)["data"]["node"]["id"] == payment_id
    other, _ = signed_in(gql, "someone-else")
    for gid in (order_id, payment_id):
        assert op(gql, "OrderNode", {"id": gid}, other)["data"]["node"] is None
        assert op(gql, "OrderNode", {"id": gid}, None)["data"]["node"] is None
