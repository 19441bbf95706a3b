"""POST /payments/notify and the local simulated capture route each payment to the feature
that owns its id (chalicelib/payments.py): a checkout payment ("P" + ULID) is paid by
checkout, a group-buy order by group-buy, and a notification that does not verify changes
nothing."""
from __future__ import annotations

import json

import pytest

from chalicelib.adapters.payments.factory import payment_provider_for
from chalicelib.checkout import placing, sharing, store
from chalicelib.checkout.rules import CheckoutRequest, OrderState, PaymentState
from chalicelib.core.clock import utc_now
from chalicelib.core.graphql.ids import to_global_id
from chalicelib.core.ids import new_id
from chalicelib.core.principal import Principal, Role
from chalicelib.core.settings import settings
from chalicelib.groupbuy import service as groupbuy
from chalicelib.groupbuy import store as groupbuy_store
from chalicelib.groupbuy.rules import OrderState as SeatOrderState
from tests.checkout.support import buyer, shop
from tests.groupbuy.support import deal_setup, user


@pytest.fixture
def provider():
    simulation = payment_provider_for(settings())  # the SIMULATED provider the local stage's handler verifies with
    simulation.reset()
    return simulation


def _placed(provider):
    s = shop()
    return placing.place_order(buyer(s, quantities=(1,)), CheckoutRequest(coupon_ids=()), new_id(), provider,
                               "openid-x", utc_now())


def _notify(client, headers: dict, body: bytes):
    response = client.http.post("/payments/notify", headers={**headers, "Content-Type": "application/json"},
                                body=body)
    return response.status_code, json.loads(response.body)


def test_a_checkout_payment_is_paid_through_the_notification_handler(client, provider):
    placed = _placed(provider)
    headers, body = provider.simulate_capture(placed.payment.id)
    assert _notify(client, headers, body) == (200, {"code": "SUCCESS", "message": "applied"})
    assert store.get_payment(placed.payment.id).state is PaymentState.PAID
    assert [o.state for o in store.orders_of(placed.payment)] == [OrderState.TO_SHIP]
    assert _notify(client, headers, body) == (200, {"code": "SUCCESS", "message": "duplicate"})


def test_a_forged_checkout_notification_is_refused_and_changes_nothing(client, provider):
    placed = _placed(provider)
    headers, body = provider.simulate_capture(placed.payment.id)
    forged = body.replace(str(placed.payment.amount).encode(), b"1")
    assert _notify(client, headers, forged)[0] == 401
    assert _notify(client, {}, body)[0] == 401  # unsigned
    assert store.get_payment(placed.payment.id).state is PaymentState.AWAITING


def test_a_group_buy_order_is_still_paid_by_group_buy(client, provider):
    deal, sku, _ = deal_setup()
    opened = groupbuy.open_team(user("ann"), deal.id, sku, None, provider, utc_now())
    headers, body = provider.simulate_capture(opened.order.id)
    assert _notify(client, headers, body) == (200, {"code": "SUCCESS", "message": "applied"})
    assert groupbuy_store.get_order(opened.order.id).state is SeatOrderState.PAID_AWAITING_TEAM


@pytest.mark.parametrize("given", [
    lambda placed: {"paymentId": placed.payment.id},
    lambda placed: {"orderId": to_global_id("Order", placed.orders[0].id)},  # a checkout order: its payment
    lambda placed: {"orderId": placed.orders[0].id},
    lambda placed: {"orderId": placed.payment.id},  # the payment id where an order id goes: still its payment
    lambda placed: {"paymentId": to_global_id("Payment", placed.payment.id.removeprefix("P"))},  # as the API shows it
])
def test_the_simulated_capture_pays_a_checkout_payment(client, provider, given):
    placed = _placed(provider)
    response = client.http.post("/payments/simulated/capture", headers={"Content-Type": "application/json"},
                                body=json.dumps(given(placed)))
    assert (response.status_code, json.loads(response.body)["message"]) == (200, "applied")
    assert store.get_payment(placed.payment.id).state is PaymentState.PAID


def test_the_simulated_capture_of_an_unknown_payment_is_not_found(client, provider):
    missing = "P" + new_id()
    response = client.http.post("/payments/simulated/capture", headers={"Content-Type": "application/json"},
                                body=json.dumps({"paymentId": missing}))
    assert response.status_code == 404 and provider.query_payment(missing) is None


def test_a_pay_for_me_trade_number_is_routed_to_checkout_and_pays_the_payment(client, provider):
    placed = _placed(provider)
    friend = Principal(new_id(), Role.CUSTOMER)
    customer = Principal(placed.payment.user_id, Role.CUSTOMER)
    sharing.pay_for_other(friend, sharing.share_payment(customer, placed.payment.id, utc_now()), provider, utc_now())
    trade_no = store.get_payment(placed.payment.id).trade_of(friend.user_id)
    unknown = json.dumps({"paymentId": f"{placed.payment.id}-ZZZZ"})  # not a trade number of this payment
    response = client.http.post("/payments/simulated/capture", headers={"Content-Type": "application/json"},
                                body=unknown)
    assert response.status_code == 404
    response = client.http.post("/payments/simulated/capture", headers={"Content-Type": "application/json"},
                                body=json.dumps({"paymentId": trade_no}))
    assert (response.status_code, json.loads(response.body)["message"]) == (200, "applied")
    paid = store.get_payment(placed.payment.id)
    assert (paid.state, paid.trade_no, paid.payer_id) == (PaymentState.PAID, trade_no, friend.user_id)
    headers, body = provider.simulate_capture(placed.payment.id)  # the buyer pays too: refunded, not kept
    assert _notify(client, headers, body) == (200, {"code": "SUCCESS", "message": "extra"})
