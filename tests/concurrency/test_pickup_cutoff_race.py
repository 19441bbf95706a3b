"""Ordering for pickup racing a round's cutoff and its per-customer limits, through the checkout against the
serialised emulator. Each request's instant is stamped when it starts, as a Lambda's would be; the placing
transaction's conditions (the served leader's cutoff, the customer's units) decide, never the timing."""
from __future__ import annotations

from datetime import timedelta

from chalicelib.catalog import store as catalog_store
from chalicelib.checkout import paying
from chalicelib.community import keys_rounds as keys
from chalicelib.community.models_rounds import RoundBoughtItem, RoundPaidOrderItem, RoundPickedItem
from chalicelib.core.table.models import TableItem
from tests.checkout.support import captured
from tests.community.pickup_support import CUTOFF, customer, leader, open_round, pickup_request, place, stocked
from tests.concurrency.race import race
from tests.conftest import fresh_table

CUSTOMERS = 50
ROUNDS = 2


def _available(s) -> int:
    record = catalog_store.product_record(s.product_id, consistent=True)
    return record.skus[0].stock.available


def _partition(round_id: str, prefix: str, kind) -> list:
    return [item for item in TableItem.query(keys.round_pk(round_id), TableItem.SK.startswith(prefix),
                                             consistent_read=True) if isinstance(item, kind)]


def test_50_customers_ordering_across_the_cutoff_instant_place_exactly_those_before_it():
    """Stamped from 25 ms before the cutoff to 24 ms after it and fired together: the 25 before are placed and
    hold their units, the 25 at or after it are refused with COMMUNITY_ROUND_CLOSED and hold nothing. Each placed
    order is then paid (in time: before its payBy, the cutoff at the latest), and the leader's pick list counts
    exactly the paid units and orders."""
    for repeat in range(ROUNDS):
        fresh_table()
        s, leader_id = stocked(skus=1, stock=500), leader()
        sold = open_round(s, [leader_id], limit=None)
        buyers = [customer() for _ in range(CUSTOMERS)]
        stamps = [CUTOFF + timedelta(milliseconds=n - CUSTOMERS // 2) for n in range(CUSTOMERS)]
        quantities = [n % 3 + 1 for n in range(CUSTOMERS)]

        def order(n: int):
            return n, place(buyers[n], pickup_request(sold.id, s, quantities[n], leader_id=leader_id), stamps[n])

        outcomes, placed = race(CUSTOMERS, order)
        before = {n for n in range(CUSTOMERS) if stamps[n] < CUTOFF}
        assert outcomes == {"ok": len(before), "COMMUNITY_ROUND_CLOSED": CUSTOMERS - len(before)}, (repeat, outcomes)
        assert {n for n, _ in placed} == before, repeat
        assert all(p.payment.pay_by <= CUTOFF and p.orders[0].created_at < CUTOFF for _, p in placed), repeat
        units = sum(quantities[n] for n in before)
        assert _available(s) == 500 - units, repeat

        for n, p in placed:
            paid = captured(p.payment.id, p.payment.amount, stamps[n] + timedelta(microseconds=500))
            assert paying.apply_payment_event(paid, CUTOFF + timedelta(seconds=1)) == "applied", (repeat, n)
        (picked,) = _partition(sold.id, keys.picked_prefix(leader_id), RoundPickedItem)
        assert int(picked.units) == units, repeat
        orders = _partition(sold.id, keys.paid_orders_prefix(leader_id), RoundPaidOrderItem)
        assert sorted(o.order_id for o in orders) == sorted(p.orders[0].id for _, p in placed), repeat


def test_one_customer_s_10_concurrent_orders_stop_at_the_per_customer_limit():
    """A limit of 3 a customer, 10 orders of 1 unit fired together (different retry keys: different orders): 3
    placed, 7 refused with LIMIT_REACHED, and the customer's count is 3."""
    for repeat in range(ROUNDS):
        fresh_table()
        s, leader_id = stocked(skus=1, stock=100), leader()
        sold = open_round(s, [leader_id], limit=3)
        buyer = customer()
        outcomes, _ = race(10, lambda n: place(buyer, pickup_request(sold.id, s, 1, leader_id=leader_id)))
        assert outcomes == {"ok": 3, "LIMIT_REACHED": 7}, (repeat, outcomes)
        (bought,) = _partition(sold.id, "BOUGHT#", RoundBoughtItem)
        assert int(bought.units) == 3 and _available(s) == 97, repeat
