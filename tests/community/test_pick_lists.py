"""Pick lists against the emulator: the lines equal the leader's paid orders under concurrent payments, each
order in its current state, exact request counts whatever the page holds, and who may see one."""
from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

import pytest

from chalicelib.checkout import paying
from chalicelib.community import pick_lists
from chalicelib.core.errors import DomainError, ErrorCode
from chalicelib.core.ids import new_id
from chalicelib.core.principal import Principal, Role
from chalicelib.orders.published.kinds import OrderState
from tests.checkout.support import captured
from tests.community.pickup_support import customer, leader, open_round, pickup_request, place, stocked
from tests.community.rounds_support import NOW, OPERATOR

PAID_AT = NOW + timedelta(minutes=1)


def _paid(sold, s, leader_id, *quantities):
    placed = place(customer(), pickup_request(sold.id, s, *quantities, leader_id=leader_id))
    assert paying.apply_payment_event(captured(placed.payment.id, placed.payment.amount, PAID_AT), PAID_AT) == \
        "applied"
    return placed.orders[0].id


def _as(user_id: str) -> Principal:
    return Principal(user_id, Role.CUSTOMER)


def test_a_pick_list_s_lines_equal_its_paid_orders_under_concurrent_payments():
    s, mine, other = stocked(), leader(1), leader(2)
    sold = open_round(s, [mine, other], limit=None)
    quantities = [(1 + n % 3,) if n % 2 else (1 + n % 3, 2) for n in range(10)]
    placed = [place(customer(), pickup_request(sold.id, s, *q, leader_id=mine if n < 8 else other))
              for n, q in enumerate(quantities)]
    place(customer(), pickup_request(sold.id, s, 2, leader_id=mine))  # never paid: not on the list
    barrier = threading.Barrier(len(placed))

    def pay(p):
        barrier.wait()
        paying.apply_payment_event(captured(p.payment.id, p.payment.amount, PAID_AT), PAID_AT)

    threads = [threading.Thread(target=pay, args=(p,)) for p in placed]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for leader_id, count in ((mine, 8), (other, 2)):
        pick = pick_lists.pick_list(s.merchant, sold.id, leader_id)
        orders = pick_lists.paid_orders(pick, 100).items
        assert len(orders) == count
        summed = Counter()
        for order in orders:
            for line in order.lines:
                summed[(line.product_id, line.sku_id)] += line.units
        lines = {(line.product_id, line.sku_id): line.units for line in pick_lists.pick_lines(pick)}
        assert lines == dict(summed) and len(lines) == 2
        assert {o.order.state for o in orders} == {OrderState.TO_SHIP}


@pytest.mark.parametrize("orders", [1, 10])
def test_a_page_costs_one_get_two_queries_and_one_batch_get_whatever_it_holds(emulator, orders):
    s, mine = stocked(), leader()
    sold = open_round(s, [mine], limit=None)
    ids = [_paid(sold, s, mine, 1, 1) for _ in range(orders)]
    emulator.clear_log()
    pick = pick_lists.pick_list(_as(mine), sold.id, mine)
    lines = pick_lists.pick_lines(pick)
    page = pick_lists.paid_orders(pick, 10)
    assert emulator.dynamodb_counts() == {"GetItem": 1, "Query": 2, "BatchGetItem": 1}
    assert [line.units for line in lines] == [orders, orders]
    assert [o.order_id for o in page.items] == sorted(ids) and not page.has_more


def test_pages_follow_each_other_and_a_cursor_of_another_leader_is_refused():
    s, mine = stocked(), leader()
    sold = open_round(s, [mine], limit=None)
    ids = sorted(_paid(sold, s, mine, 1) for _ in range(3))
    pick = pick_lists.pick_list(OPERATOR, sold.id, mine)
    first = pick_lists.paid_orders(pick, 2)
    assert [o.order_id for o in first.items] == ids[:2] and first.has_more
    second = pick_lists.paid_orders(pick, 2, first.end)
    assert [o.order_id for o in second.items] == ids[2:] and not second.has_more
    with pytest.raises(DomainError) as refused:
        pick_lists.paid_orders(pick, 2, "PAID#someone-else#x")
    assert refused.value.code is ErrorCode.INVALID_CURSOR


def test_only_the_leader_the_round_s_merchant_and_operators_see_a_pick_list():
    s, mine, other = stocked(), leader(1), leader(2)
    sold = open_round(s, [mine, other])
    for who in (_as(mine), s.merchant, OPERATOR):
        assert pick_lists.pick_list(who, sold.id, mine).leader_id == mine
    for who, leader_id, round_id in ((_as(other), mine, sold.id), (customer(), mine, sold.id),
                                     (Principal(new_id(), Role.MERCHANT), mine, sold.id),
                                     (OPERATOR, leader(3), sold.id), (OPERATOR, mine, "01J00000000000000000000000")):
        with pytest.raises(DomainError) as refused:
            pick_lists.pick_list(who, round_id, leader_id)
        assert refused.value.code is ErrorCode.NOT_FOUND
    with pytest.raises(DomainError) as anonymous:
        pick_lists.pick_list(None, sold.id, mine)
    assert anonymous.value.code is ErrorCode.UNAUTHENTICATED
