"""Orders for pickup nobody collected by their collect-by instant (3 days after arriving at the point): the delivery
timer's task completes them in a KEEP round and refunds them in full in a REFUND round (an after-sales request of
reason NOT_COLLECTED, paid by the refund workflow), once; time decides, so neither happens before collect-by and a
leader cannot hand the order over after it."""
from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib.aftersales import store as aftersales_store
from chalicelib.aftersales.rules import Actor, Reason, RequestKind, RequestState
from chalicelib.checkout import paying
from chalicelib.checkout import store as checkout_store
from chalicelib.checkout.models import ShopOrderItem
from chalicelib.community import keys_rounds as keys
from chalicelib.community import pickup_codes
from chalicelib.community.models_rounds import RoundPaidOrderItem
from chalicelib.community.rules_rounds import Uncollected
from chalicelib.core.clock import NotYet, iso
from chalicelib.core.errors import DomainError, ErrorCode
from chalicelib.core.principal import Principal, Role
from chalicelib.core.table.paging import PageRequest
from chalicelib.deliveries import complete_shipped_order
from chalicelib.fulfilment import service as fulfilment
from chalicelib.orders.published.kinds import OrderState
from tests.checkout.support import captured
from tests.community.pickup_support import customer, leader, open_round, pickup_request, place, stocked
from tests.community.rounds_support import NOW

ARRIVED = NOW + timedelta(hours=20)
COLLECT_BY = ARRIVED + timedelta(days=3)


def _arrived_order(rule: Uncollected):
    s, leader_id = stocked(), leader()
    sold = open_round(s, [leader_id], uncollected=rule)
    buyer = customer()
    placed = place(buyer, pickup_request(sold.id, s, 2, 1, leader_id=leader_id))
    assert paying.apply_payment_event(captured(placed.payment.id, placed.payment.amount, NOW), NOW) == "applied"
    order_id = placed.orders[0].id
    ShopOrderItem(checkout_store.keys.order_pk(order_id), checkout_store.keys.ORDER_SK).update(actions=[
        ShopOrderItem.state.set(OrderState.SHIPPED.value), ShopOrderItem.shipped_at.set(iso(ARRIVED)),
        ShopOrderItem.complete_by.set(iso(COLLECT_BY))])
    code = RoundPaidOrderItem.get(keys.round_pk(sold.id), keys.paid_order_sk(leader_id, order_id)).code
    return leader_id, buyer, placed, code


def test_in_a_keep_round_an_uncollected_order_completes_at_collect_by():
    _, _, placed, _ = _arrived_order(Uncollected.KEEP)
    order_id = placed.orders[0].id
    with pytest.raises(NotYet):
        fulfilment.complete_when_due(order_id, COLLECT_BY - timedelta(seconds=1))
    assert fulfilment.complete_when_due(order_id, COLLECT_BY) == "completed"
    assert checkout_store.get_order_item(order_id).state == OrderState.COMPLETED.value


def test_in_a_refund_round_it_is_refunded_in_full_once_and_can_no_longer_be_handed_over():
    leader_id, buyer, placed, code = _arrived_order(Uncollected.REFUND)
    order_id = placed.orders[0].id
    with pytest.raises(RuntimeError):  # fulfilment alone never completes an order its round refunds
        fulfilment.complete_when_due(order_id, COLLECT_BY)
    assert complete_shipped_order({"orderId": order_id}, COLLECT_BY)["outcome"] == "refunded"
    assert complete_shipped_order({"orderId": order_id}, COLLECT_BY + timedelta(minutes=1))["outcome"] == "already"
    (request,) = aftersales_store.user_requests(buyer.user_id, PageRequest(10)).items
    assert (request.order_id, request.kind, request.reason, request.state) == (
        order_id, RequestKind.COMPENSATION, Reason.NOT_COLLECTED, RequestState.REFUNDING)
    assert request.amount == placed.payment.amount and [(ln.index, ln.quantity) for ln in request.lines] == [
        (0, 2), (1, 1)]
    assert aftersales_store.get_item(request.id).history[0].actor == Actor.SYSTEM.value
    item = checkout_store.get_order_item(order_id)
    assert item.state == OrderState.SHIPPED.value and item.after_sales_hold == request.id
    with pytest.raises(DomainError) as late:
        pickup_codes.hand_over(Principal(leader_id, Role.CUSTOMER), code, COLLECT_BY + timedelta(minutes=1))
    assert late.value.code is ErrorCode.INVALID_STATE
