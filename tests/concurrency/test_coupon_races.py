"""Coupon races through the services, against the serialised emulator: the transactions'
conditions (the template's ``left``, the claimer's counter, the coupon's state) decide."""
from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from chalicelib.core.errors import DomainError
from chalicelib.core.table.transactions import Transaction
from chalicelib.coupons import service as coupons
from chalicelib.coupons import store
from chalicelib.coupons.published.checkout import add_use, usable_coupons
from tests.conftest import fresh_table
from tests.coupons.support import ALICE, NOW, customer, template

THREADS = 20
REPEATS = 3


def _outcomes(tasks: int, attempt) -> Counter[str]:
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()

    def run(n: int) -> None:
        try:
            attempt(n)
            result = "ok"
        except DomainError as error:
            result = error.code.value
        with lock:
            outcomes[result] += 1

    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(run, range(tasks)))
    return outcomes


def test_100_customers_claiming_the_last_10_get_exactly_10():
    for repeat in range(REPEATS):
        fresh_table()
        t = template(total=10)
        outcomes = _outcomes(100, lambda n: coupons.claim(customer(n), t.id, None, NOW))
        assert outcomes == {"ok": 10, "COUPONS_GONE": 90}, (repeat, outcomes)
        after = store.get_template(t.id, consistent=True)
        assert (after.issued, after.left) == (10, 0), repeat


def test_one_customer_claiming_20_times_at_once_past_a_limit_of_1_gets_1():
    for repeat in range(REPEATS):
        fresh_table()
        t = template(per_user_limit=1)
        outcomes = _outcomes(20, lambda n: coupons.claim(ALICE, t.id, None, NOW))
        assert outcomes == {"ok": 1, "LIMIT_REACHED": 19}, (repeat, outcomes)
        assert len(usable_coupons(ALICE.user_id, NOW)) == 1
        assert store.get_template(t.id, consistent=True).issued == 1


def test_one_coupon_in_10_concurrent_checkouts_is_used_once():
    for repeat in range(REPEATS):
        fresh_table()
        coupon = coupons.claim(ALICE, template().id, None, NOW)

        def checkout(n: int) -> None:
            tx = Transaction()
            add_use(tx, coupon, f"order-{n}", NOW)
            tx.commit()

        outcomes = _outcomes(10, checkout)
        assert outcomes == {"ok": 1, "COUPON_UNAVAILABLE": 9}, (repeat, outcomes)
        used = store.get_coupon(coupon.id, consistent=True)
        assert used.order_id is not None and used.state.value == "USED"
