"""Ordering for pickup (自提) through the checkout, against the emulator: round prices, no shipping fee and no
address, the customer's chosen leader by default, the round's cutoff and per-customer limits decided by the
placing transaction's conditions (a stale read cannot let an order through), paying counting the pick list once,
cancelling giving the limit back. Refusals are typed and write nothing."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from chalicelib.catalog import store as catalog_store
from chalicelib.checkout import paying
from chalicelib.checkout import store as checkout_store
from chalicelib.checkout.rules import DEFAULT_TERMS, BuyNow, CheckoutRequest, OrderState, PaymentState, Pickup
from chalicelib.community import choosing, leaders, ordering
from chalicelib.community import keys_rounds as keys
from chalicelib.community.models_rounds import RoundBoughtItem, RoundPaidOrderItem, RoundPickedItem
from chalicelib.community.rules import LeaderAction
from chalicelib.core.errors import DomainError, ErrorCode, ValidationFailed
from chalicelib.core.table.models import TableItem
from chalicelib.fulfilment import service as fulfilment
from tests.checkout.support import captured
from tests.community import leader_support
from tests.community.pickup_support import (
    CUTOFF,
    ROUND_PRICE,
    customer,
    leader,
    open_round,
    pickup_request,
    place,
    stocked,
)
from tests.community.rounds_support import NOW


def _refused(code: ErrorCode, field: str, call):
    with pytest.raises(DomainError) as raised:
        call()
    assert (raised.value.code, ".".join(raised.value.field or ())) == (code, field), raised.value.message


def _available(s, i: int = 0) -> int:
    record = catalog_store.product_record(s.product_id, consistent=True)
    return next(k for k in record.skus if k.id == s.sku_ids[i]).stock.available


def _bought(round_id: str, user_id: str, s, i: int = 0) -> int:
    try:
        item = RoundBoughtItem.get(keys.round_pk(round_id), keys.bought_sk(user_id, s.product_id, s.sku_ids[i]),
                                   consistent_read=True)
    except RoundBoughtItem.DoesNotExist:
        return 0
    return int(item.units)


def _round_partition(round_id: str, prefix: str) -> list:
    return list(TableItem.query(keys.round_pk(round_id), TableItem.SK.startswith(prefix), consistent_read=True))


def test_an_order_for_pickup_costs_the_round_price_ships_nothing_and_keeps_the_leader_s_point():
    s, leader_id = stocked(), leader()
    sold = open_round(s, [leader_id])
    buyer = customer()
    placed = place(buyer, pickup_request(sold.id, s, 2, 1, leader_id=leader_id))
    (order,) = placed.orders
    assert [(ln.unit_price, ln.quantity) for ln in order.lines] == [(ROUND_PRICE, 2), (ROUND_PRICE, 1)]
    assert order.shipping == 0 and placed.payment.amount == 3 * ROUND_PRICE
    assert placed.payment.pay_by == NOW + timedelta(seconds=DEFAULT_TERMS.payment_window_seconds)
    item = checkout_store.get_order_item(order.id)
    assert item.address is None
    pickup = checkout_store.to_order(item).pickup
    assert (pickup.round_id, pickup.pickup_on, pickup.place.leader_id, pickup.place.point_name) == (
        sold.id, sold.pickup_on, leader_id, "幸福里便利店1")
    assert _available(s) == 100 - 2 and _bought(sold.id, buyer.user_id, s) == 2


def test_close_to_the_cutoff_the_payment_is_due_at_the_cutoff():
    s, leader_id = stocked(), leader()
    sold = open_round(s, [leader_id])
    placed = place(customer(), pickup_request(sold.id, s, 1, leader_id=leader_id), CUTOFF - timedelta(minutes=5))
    assert placed.payment.pay_by == CUTOFF


def test_without_a_leader_id_the_customer_s_chosen_leader_is_used_and_without_one_it_is_required():
    s, leader_id = stocked(), leader()
    sold = open_round(s, [leader_id])
    buyer = customer()
    _refused(ErrorCode.REQUIRED, "pickup.leaderId", lambda: place(buyer, pickup_request(sold.id, s, 1)))
    choosing.choose(buyer, NOW, leader_id=leader_id)
    placed = place(buyer, pickup_request(sold.id, s, 1))
    assert checkout_store.to_order(checkout_store.get_order_item(placed.orders[0].id)).pickup.place.leader_id == \
        leader_id


@pytest.mark.parametrize(("case", "code", "field"), [
    ("after the cutoff", ErrorCode.COMMUNITY_ROUND_CLOSED, "pickup.roundId"),
    ("at the cutoff", ErrorCode.COMMUNITY_ROUND_CLOSED, "pickup.roundId"),
    ("cancelled", ErrorCode.COMMUNITY_ROUND_CLOSED, "pickup.roundId"),
    ("unknown round", ErrorCode.NOT_FOUND, "pickup.roundId"),
    ("another leader", ErrorCode.LEADER_NOT_SERVING, "pickup.leaderId"),
    ("suspended leader", ErrorCode.LEADER_NOT_APPROVED, "pickup.leaderId"),
    ("a SKU the round does not sell", ErrorCode.PRODUCT_NOT_AVAILABLE, "pickup.lines.0.skuId"),
    ("over the limit", ErrorCode.LIMIT_REACHED, "pickup.lines.0.quantity"),
])
def test_refusals_are_typed_and_write_nothing(case, code, field):
    s, leader_id, other = stocked(), leader(1), leader(2)
    sold = open_round(s, [leader_id])
    buyer, now = customer(), NOW
    request = pickup_request(sold.id, s, 1, leader_id=leader_id)
    if case == "after the cutoff":
        now = CUTOFF + timedelta(milliseconds=1)
    elif case == "at the cutoff":
        now = CUTOFF
    elif case == "cancelled":
        from chalicelib.community import rounds
        rounds.cancel_round(s.merchant, sold.id, NOW)
    elif case == "unknown round":
        request = pickup_request("01J00000000000000000000000", s, 1, leader_id=leader_id)
    elif case == "another leader":
        request = pickup_request(sold.id, s, 1, leader_id=other)
    elif case == "suspended leader":
        leaders.decide(leader_support.OPERATOR, leader_id, LeaderAction.SUSPEND, "closed for a week",
                       NOW + timedelta(hours=1))
    elif case == "a SKU the round does not sell":
        elsewhere = stocked(skus=1)
        request = CheckoutRequest(pickup=Pickup(sold.id, (BuyNow(elsewhere.product_id, elsewhere.sku_ids[0], 1),),
                                                leader_id))
    elif case == "over the limit":
        request = pickup_request(sold.id, s, 4, leader_id=leader_id)
    _refused(code, field, lambda: place(buyer, request, now))
    assert _available(s) == 100 and _bought(sold.id, buyer.user_id, s) == 0


def test_the_request_s_shape_is_checked_before_anything_is_read():
    with pytest.raises(ValidationFailed) as both:
        CheckoutRequest(buy_now=BuyNow("p", "s", 1), pickup=Pickup("r", (BuyNow("p", "s", 1),)))
    assert both.value.field == ("pickup",)
    with pytest.raises(ValidationFailed) as address:
        CheckoutRequest(address_id="a", pickup=Pickup("r", (BuyNow("p", "s", 1),)))
    assert address.value.field == ("addressId",)
    with pytest.raises(ValidationFailed) as empty:
        CheckoutRequest(pickup=Pickup("r", ()))
    assert empty.value.field == ("pickup", "lines")
    with pytest.raises(ValidationFailed) as quantity:
        CheckoutRequest(pickup=Pickup("r", (BuyNow("p", "s", 100),)))
    assert quantity.value.field == ("pickup", "lines", "0", "quantity")


def test_the_placing_transaction_decides_the_cutoff_not_the_read(monkeypatch):
    """A read that still sees the round open (a stale replica, a request that started before the cutoff and
    stamped its time after) cannot place: the transaction's condition compares the stored cutoff."""
    s, leader_id = stocked(), leader()
    sold = open_round(s, [leader_id])
    real = ordering.to_round
    monkeypatch.setattr(ordering, "to_round", lambda item: replace(real(item), cutoff_at=CUTOFF + timedelta(days=1)))
    buyer = customer()
    _refused(ErrorCode.COMMUNITY_ROUND_CLOSED, "pickup.roundId",
             lambda: place(buyer, pickup_request(sold.id, s, 1, leader_id=leader_id), CUTOFF + timedelta(seconds=1)))
    assert _available(s) == 100 and _bought(sold.id, buyer.user_id, s) == 0


def test_the_limit_counts_earlier_orders_and_a_cancelled_one_gives_its_units_back():
    s, leader_id = stocked(), leader()
    sold = open_round(s, [leader_id], limit=3)
    buyer = customer()
    first = place(buyer, pickup_request(sold.id, s, 2, leader_id=leader_id))
    _refused(ErrorCode.LIMIT_REACHED, "pickup.lines.0.quantity",
             lambda: place(buyer, pickup_request(sold.id, s, 2, leader_id=leader_id)))
    assert _bought(sold.id, buyer.user_id, s) == 2
    assert paying.cancel_by_buyer(buyer, first.payment.id, NOW).state is PaymentState.CANCELLED
    assert _bought(sold.id, buyer.user_id, s) == 0
    place(buyer, pickup_request(sold.id, s, 3, leader_id=leader_id))
    assert _bought(sold.id, buyer.user_id, s) == 3
    # Another customer has a limit of their own.
    place(customer(), pickup_request(sold.id, s, 3, leader_id=leader_id))


def test_paying_counts_the_leader_s_pick_list_once_and_the_order_cannot_ship_or_take_an_address():
    s, leader_id = stocked(), leader()
    sold = open_round(s, [leader_id])
    buyer = customer()
    placed = place(buyer, pickup_request(sold.id, s, 2, 1, leader_id=leader_id))
    event = captured(placed.payment.id, placed.payment.amount, NOW + timedelta(minutes=1))
    assert paying.apply_payment_event(event, NOW + timedelta(minutes=1)) == "applied"
    assert paying.apply_payment_event(event, NOW + timedelta(minutes=2)) == "duplicate"
    picked = {item.SK: int(item.units) for item in _round_partition(sold.id, keys.picked_prefix(leader_id))
              if isinstance(item, RoundPickedItem)}
    assert picked == {keys.picked_sk(leader_id, s.product_id, s.sku_ids[0]): 2,
                      keys.picked_sk(leader_id, s.product_id, s.sku_ids[1]): 1}
    (paid,) = [i for i in _round_partition(sold.id, keys.paid_orders_prefix(leader_id))
               if isinstance(i, RoundPaidOrderItem)]
    assert (paid.order_id, paid.user_id) == (placed.orders[0].id, buyer.user_id)
    order_id = placed.orders[0].id
    assert checkout_store.get_order_item(order_id).state == OrderState.TO_SHIP.value
    _refused(ErrorCode.INVALID_STATE, "orderId",
             lambda: fulfilment.ship_order(s.merchant, order_id, "SF", "SF1234567890", NOW))
    _refused(ErrorCode.INVALID_STATE, "orderId", lambda: fulfilment.set_order_address(buyer, order_id, "01J0ADDR"))


def test_a_retry_with_the_same_key_after_the_cutoff_answers_the_order_placed_before_it():
    """A client whose answer was lost just before the cutoff retries after it: its order, not COMMUNITY_ROUND_CLOSED
    (the key is looked up before the round is), and nothing placed twice."""
    s, leader_id = stocked(), leader()
    sold = open_round(s, [leader_id])
    buyer = customer()
    request = pickup_request(sold.id, s, 2, leader_id=leader_id)
    first = place(buyer, request, CUTOFF - timedelta(seconds=1), key="pickup-retry-0001")
    again = place(buyer, request, CUTOFF + timedelta(seconds=5), key="pickup-retry-0001")
    assert again.replayed and again.payment.id == first.payment.id
    assert _available(s) == 100 - 2 and _bought(sold.id, buyer.user_id, s) == 2
