"""Pickup codes (提货码) against the emulator: issued with the payment, valid only at the order's own point and
only once the order has arrived, handed over once (concurrent scans included), guessing bounded strictly per
point and window (concurrent guesses included), and the exact DynamoDB requests of handing over."""
from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib.checkout import paying
from chalicelib.checkout import store as checkout_store
from chalicelib.checkout.models import ShopOrderItem
from chalicelib.community import keys_rounds as keys
from chalicelib.community import pickup_codes
from chalicelib.community.models_rounds import PickupCodeItem, RoundPaidOrderItem
from chalicelib.community.rules_pickup import CODE_LENGTH, MAX_MISSES, MISS_WINDOW, clean_code
from chalicelib.core.clock import iso
from chalicelib.core.errors import DomainError, ErrorCode
from chalicelib.core.ids import new_share_code
from chalicelib.core.principal import Principal, Role
from chalicelib.orders.published.kinds import OrderState
from tests.checkout.support import captured
from tests.community.pickup_support import customer, leader, open_round, pickup_request, place, stocked
from tests.community.rounds_support import NOW
from tests.concurrency.race import race

PAID_AT = NOW + timedelta(minutes=1)
SCAN_AT = NOW + timedelta(days=1)
COLLECT_BY = NOW + timedelta(days=3)  # as a delivered batch leaves an order: arrived, 3 days to collect it


def _refused(code: ErrorCode, call) -> str:
    with pytest.raises(DomainError) as raised:
        call()
    assert (raised.value.code, raised.value.field) == (code, ("code",)), raised.value.message
    return raised.value.message


def _paid_order(leader_id: str | None = None, *, arrived: bool = True):
    """A customer's paid order for pickup at ``leader_id``'s point (arrived: as its delivered batch leaves it)."""
    s, leader_id = stocked(), leader_id or leader()
    sold = open_round(s, [leader_id])
    buyer = customer()
    placed = place(buyer, pickup_request(sold.id, s, 1, leader_id=leader_id))
    assert paying.apply_payment_event(captured(placed.payment.id, placed.payment.amount, PAID_AT), PAID_AT) == \
        "applied"
    order_id = placed.orders[0].id
    if arrived:
        ShopOrderItem(checkout_store.keys.order_pk(order_id), checkout_store.keys.ORDER_SK).update(actions=[
            ShopOrderItem.state.set(OrderState.SHIPPED.value), ShopOrderItem.shipped_at.set(iso(NOW)),
            ShopOrderItem.complete_by.set(iso(COLLECT_BY))])
    paid = RoundPaidOrderItem.get(keys.round_pk(sold.id), keys.paid_order_sk(leader_id, order_id))
    return leader_id, buyer, order_id, paid.code


def _as_leader(leader_id: str) -> Principal:
    return Principal(leader_id, Role.CUSTOMER)


def test_paying_issues_a_code_that_fits_a_scene_stored_under_the_leader_s_point():
    leader_id, buyer, order_id, code = _paid_order(arrived=False)
    assert clean_code(code) == code and len(code) == CODE_LENGTH <= 32
    item = PickupCodeItem.get(keys.pickup_code_pk(leader_id, code), keys.PICKUP_CODE_SK)
    assert (item.order_id, item.user_id, item.handed_over_at) == (order_id, buyer.user_id, None)


def test_the_leader_hands_an_arrived_order_over_once_and_it_completes():
    from chalicelib.fulfilment import service as fulfilment

    leader_id, buyer, order_id, code = _paid_order()
    with pytest.raises(DomainError) as by_buyer:  # received at the point, with the code: not by the buyer's word
        fulfilment.confirm_receipt(buyer, order_id, SCAN_AT)
    assert by_buyer.value.code is ErrorCode.INVALID_STATE
    view = pickup_codes.hand_over(_as_leader(leader_id), f"  {code.lower()} ", SCAN_AT)
    assert (view.id, view.state) == (order_id, OrderState.COMPLETED)
    stored = checkout_store.get_order_item(order_id)
    assert stored.completed_at == iso(SCAN_AT) and stored.returns_until > stored.completed_at
    message = _refused(ErrorCode.INVALID_STATE, lambda: pickup_codes.hand_over(_as_leader(leader_id), code, SCAN_AT))
    assert "handed over already" in message


def test_at_its_collect_by_an_order_is_no_longer_handed_over():
    leader_id, _, order_id, code = _paid_order()
    message = _refused(ErrorCode.INVALID_STATE, lambda: pickup_codes.hand_over(_as_leader(leader_id), code,
                                                                               COLLECT_BY))
    assert "time to collect" in message
    assert checkout_store.get_order_item(order_id).state == OrderState.SHIPPED.value


def test_the_transaction_refuses_a_hand_over_past_collect_by_whatever_the_read_saw(monkeypatch):
    leader_id, _, order_id, code = _paid_order()
    monkeypatch.setattr(pickup_codes, "_why_not", lambda code, order, now: None)  # a read that saw it in time
    _refused(ErrorCode.INVALID_STATE, lambda: pickup_codes.hand_over(_as_leader(leader_id), code, COLLECT_BY))
    assert checkout_store.get_order_item(order_id).state == OrderState.SHIPPED.value


def test_an_order_not_yet_arrived_is_not_handed_over():
    leader_id, _, order_id, code = _paid_order(arrived=False)
    message = _refused(ErrorCode.INVALID_STATE, lambda: pickup_codes.hand_over(_as_leader(leader_id), code, SCAN_AT))
    assert "not been delivered" in message
    assert checkout_store.get_order_item(order_id).state == OrderState.TO_SHIP.value


def test_another_point_s_code_is_not_found_there_and_a_customer_who_is_no_leader_is_forbidden():
    mine = leader(1)
    _, buyer, order_id, code = _paid_order(leader(2))
    _refused(ErrorCode.NOT_FOUND, lambda: pickup_codes.hand_over(_as_leader(mine), code, SCAN_AT))
    _refused(ErrorCode.FORBIDDEN, lambda: pickup_codes.hand_over(buyer, code, SCAN_AT))
    assert checkout_store.get_order_item(order_id).state == OrderState.SHIPPED.value


def test_after_10_wrong_codes_a_point_is_refused_even_a_right_one_until_the_window_ends():
    leader_id, _, order_id, code = _paid_order()
    me = _as_leader(leader_id)
    for n in range(MAX_MISSES):
        _refused(ErrorCode.NOT_FOUND, lambda n=n: pickup_codes.hand_over(me, new_share_code(CODE_LENGTH), SCAN_AT))
    _refused(ErrorCode.LIMIT_REACHED, lambda: pickup_codes.hand_over(me, code, SCAN_AT))
    _refused(ErrorCode.LIMIT_REACHED, lambda: pickup_codes.hand_over(me, "not a code", SCAN_AT))
    assert checkout_store.get_order_item(order_id).state == OrderState.SHIPPED.value
    assert pickup_codes.hand_over(me, code, SCAN_AT + MISS_WINDOW).state is OrderState.COMPLETED


def test_20_concurrent_wrong_guesses_judge_exactly_10_and_right_codes_give_their_slot_back():
    leader_id, _, _, code = _paid_order()
    me = _as_leader(leader_id)
    pickup_codes.hand_over(me, code, SCAN_AT)  # a right code: no slot kept
    outcomes, _ = race(20, lambda n: pickup_codes.hand_over(me, new_share_code(CODE_LENGTH), SCAN_AT))
    assert outcomes == {"NOT_FOUND": MAX_MISSES, "LIMIT_REACHED": 20 - MAX_MISSES}


def test_10_concurrent_scans_of_one_code_hand_it_over_once():
    leader_id, _, order_id, code = _paid_order()
    outcomes, views = race(10, lambda n: pickup_codes.hand_over(_as_leader(leader_id), code, SCAN_AT))
    assert outcomes == {"ok": 1, "INVALID_STATE": 9}
    assert [v.id for v in views] == [order_id]
    # The nine refused scans were of a real code: no slot kept, so the point can still try 10 wrong ones.
    for _ in range(MAX_MISSES):
        _refused(ErrorCode.NOT_FOUND, lambda: pickup_codes.hand_over(_as_leader(leader_id),
                                                                     new_share_code(CODE_LENGTH), SCAN_AT))


# BatchGetItem (the leader and the code), UpdateItem (a slot), GetItem (the order), ONE TransactWriteItems (the
# code, the order's completion, the slot back), GetItem (the order as completed).
HAND_OVER_REQUESTS = {"BatchGetItem": 1, "UpdateItem": 1, "GetItem": 2, "TransactWriteItems": 1}


def test_handing_over_costs_exactly_these_requests(emulator):
    leader_id, _, _, code = _paid_order()
    emulator.clear_log()
    pickup_codes.hand_over(_as_leader(leader_id), code, SCAN_AT)
    assert emulator.dynamodb_counts() == HAND_OVER_REQUESTS


def test_an_order_held_by_a_refund_request_is_not_handed_over_until_the_request_is_withdrawn():
    from chalicelib.aftersales import service as aftersales
    from chalicelib.orders.store import get_order
    from tests.aftersales.support import ask

    leader_id, buyer, order_id, code = _paid_order()
    order = get_order(order_id)
    request = ask(buyer, order, lines=((order.lines[0].sku_id, 1),), now=SCAN_AT)  # refund only: not received
    message = _refused(ErrorCode.INVALID_STATE, lambda: pickup_codes.hand_over(_as_leader(leader_id), code, SCAN_AT))
    assert "refund" in message
    aftersales.withdraw(buyer, request.id, SCAN_AT)
    assert pickup_codes.hand_over(_as_leader(leader_id), code, SCAN_AT).state is OrderState.COMPLETED
