"""What may ship, and what a dispute's refund means, around after-sales requests (the order's
hold); coupons and the REFUNDED state once every line is back; deadlines hold for people too."""
from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib.aftersales import asking, compensation, follow_ups, refunds, service, store
from chalicelib.aftersales.rules import AfterSalesInProgress, AfterSalesWindowClosed, Reason, RequestKind, RequestState
from chalicelib.core.clock import utc_now
from chalicelib.core.errors import InvalidState
from chalicelib.coupons.published.checkout import usable_coupons
from chalicelib.fulfilment import service as fulfilment
from chalicelib.orders.store import get_order
from tests.aftersales.support import FAST, ask, move_order, paid_order
from tests.checkout.support import OPERATOR, PAYMENTS


def ship(s, order) -> object:
    return fulfilment.ship_order(s.merchant, order.id, "SF", "SF1234567890", utc_now())


def refund(request_id: str) -> None:
    refunds.refund_request(request_id, PAYMENTS, utc_now())


def test_an_order_compensated_in_full_before_it_shipped_never_ships():
    s, _, order = paid_order((1,))
    made = compensation.compensate(OPERATOR, order.id, "system fault", None, None, utc_now())
    refund(made.id)
    with pytest.raises(InvalidState):
        ship(s, order)
    assert get_order(order.id).state.value == "REFUNDED"


def test_a_rejected_refund_lets_the_order_ship_and_a_dispute_refunded_later_holds_it_again_if_still_unshipped():
    s, customer, order = paid_order((1,))
    made = ask(customer, order)
    with pytest.raises(InvalidState):
        ship(s, order)  # held while the merchant decides
    service.reject(s.merchant, made.id, "库存已备好", utc_now())
    service.escalate(customer, made.id, "我不要了", utc_now())
    assert service.decide_dispute(OPERATOR, made.id, True, "未发货，退款", utc_now()).holds_order
    with pytest.raises(InvalidState):
        ship(s, order)
    refund(made.id)
    with pytest.raises(InvalidState):
        ship(s, order)  # refunded in full: never ships

    s, customer, order = paid_order((1,))
    made = ask(customer, order)
    service.reject(s.merchant, made.id, "已备货", utc_now())
    assert ship(s, order).state.value == "SHIPPED"  # the rejection let it ship
    service.escalate(customer, made.id, "我不要了", utc_now())
    decided = service.decide_dispute(OPERATOR, made.id, True, "平台先行赔付", utc_now())
    assert (decided.state, decided.holds_order) == (RequestState.REFUNDING, False)
    refund(made.id)
    assert get_order(order.id).refunded == made.amount


def test_a_disputed_return_refunded_by_the_platform_still_comes_back_first():
    s, customer, order = paid_order((1,))
    move_order(order.id, "COMPLETED")
    made = ask(customer, get_order(order.id), RequestKind.RETURN_AND_REFUND, Reason.DAMAGED)
    service.reject(s.merchant, made.id, "人为损坏", utc_now())
    service.escalate(customer, made.id, "到货即坏", utc_now())
    decided = service.decide_dispute(OPERATOR, made.id, True, "先行赔付，退货", utc_now())
    assert (decided.state, decided.platform_pays, decided.send_by is not None) == (
        RequestState.AWAITING_RETURN, True, True)
    service.send_back(customer, made.id, "SF", "SF1234567890", utc_now())
    service.confirm_received(s.merchant, made.id, utc_now())
    refund(made.id)
    assert store.get_request(made.id).state is RequestState.REFUNDED


def test_a_shipped_order_returned_in_full_shows_refunded_and_gives_its_coupon_back_shipping_apart():
    s, customer, order = paid_order((2,), price=1500, coupon_off=500)  # ¥30 − ¥5 < ¥99: shipping charged
    assert order.shipping > 0 and order.coupons == 500
    move_order(order.id, "COMPLETED")
    made = ask(customer, get_order(order.id), RequestKind.RETURN_AND_REFUND)
    assert made.amount == order.total - order.shipping  # the parcel went: its shipping does not come back
    service.approve(s.merchant, made.id, utc_now())
    service.send_back(customer, made.id, "SF", "SF1234567890", utc_now())
    service.confirm_received(s.merchant, made.id, utc_now())
    refund(made.id)
    follow_ups.after_refund(store.get_request(made.id), utc_now())
    assert get_order(order.id).state.value == "REFUNDED"
    assert [c.terms.amount_off for c in usable_coupons(customer.user_id, utc_now())] == [500]


def test_a_request_written_after_the_order_moved_on_is_refused(monkeypatch):
    s, customer, order = paid_order((1,))
    stale = get_order(order.id)  # read TO_SHIP...
    ship(s, order)  # ...shipped before the request is written
    monkeypatch.setattr(asking, "get_order", lambda order_id: stale)
    with pytest.raises(AfterSalesInProgress):
        ask(customer, stale)
    assert store.user_requests(customer.user_id, 5).items == []


def test_people_cannot_act_past_their_deadlines():
    s, customer, order = paid_order((1,))
    move_order(order.id, "COMPLETED")
    made = ask(customer, get_order(order.id), RequestKind.RETURN_AND_REFUND)
    late = made.decide_by + timedelta(seconds=1)
    with pytest.raises(AfterSalesWindowClosed):
        service.reject(s.merchant, made.id, "too late", late)
    service.approve(s.merchant, made.id, late, FAST)  # what the timer would do: fine
    waiting = store.get_request(made.id)
    with pytest.raises(AfterSalesWindowClosed):
        service.send_back(customer, made.id, "SF", "SF1234567890", waiting.send_by + timedelta(seconds=1))


def test_a_retried_act_is_answered_with_the_request_as_it_is_and_another_act_is_refused():
    """A merchant's double tap, a client's retry after a timeout: the same act again answers; an act the
    request has moved past (another parcel, rejecting an approved request) is INVALID_STATE."""
    s, customer, order = paid_order((1,))
    move_order(order.id, "COMPLETED")
    made = ask(customer, get_order(order.id), RequestKind.RETURN_AND_REFUND)
    service.approve(s.merchant, made.id, utc_now())
    assert service.approve(s.merchant, made.id, utc_now()).state is RequestState.AWAITING_RETURN
    with pytest.raises(InvalidState):
        service.reject(s.merchant, made.id, "changed my mind", utc_now())
    service.send_back(customer, made.id, "SF", "SF1234567890", utc_now())
    assert service.send_back(customer, made.id, "SF", "SF1234567890", utc_now()).state is RequestState.RETURNING
    with pytest.raises(InvalidState):
        service.send_back(customer, made.id, "ZTO", "ZT1234567890", utc_now())
    service.confirm_received(s.merchant, made.id, utc_now())
    assert service.confirm_received(s.merchant, made.id, utc_now()).state is RequestState.REFUNDING
    steps = [step.action for step in store.get_request(made.id).history]
    assert steps == ["CREATED", "APPROVED", "SENT_BACK", "RECEIVED"]  # each once
