"""The 100-line limit under concurrency, against the serialised emulator: 20 threads adding
distinct SKUs to a 95-line cart leave exactly 100 lines and a count of 100, every time."""
from __future__ import annotations

import threading
from collections import Counter

from chalicelib.cart import service, store
from chalicelib.cart.rules import CartFull
from chalicelib.core.clock import utc_now
from tests.cart.support import customer, fill_cart, skus
from tests.conftest import fresh_table

THREADS = 20
REPEATS = 3


def _race() -> tuple[Counter[str], int, int]:
    buyer = customer()
    pairs = skus(95 + THREADS)
    fill_cart(buyer.user_id, pairs[:95])
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()
    start = threading.Barrier(THREADS)

    def add(pair: tuple[str, str]) -> None:
        start.wait()
        try:
            service.add(buyer, *pair, 1, utc_now())
            outcome = "added"
        except CartFull:
            outcome = "full"
        with lock:
            outcomes[outcome] += 1

    threads = [threading.Thread(target=add, args=(pair,)) for pair in pairs[95:]]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes, store.line_count(buyer.user_id), len(store.read_lines(buyer.user_id, consistent=True))


def test_20_concurrent_adds_to_a_95_line_cart_stop_at_exactly_100_lines():
    for _ in range(REPEATS):
        outcomes, counted, lines = _race()
        assert outcomes == Counter(added=5, full=15)
        assert counted == lines == 100
        fresh_table()
