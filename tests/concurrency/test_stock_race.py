"""Many buyers at once, through the services, against the serialised emulator.

A pass here means something only because the emulator applies each DynamoDB
request atomically (see devstack/emulator.py); on plain moto these races oversell.
"""
from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

from chalicelib.catalog import service as catalog
from chalicelib.catalog import store as catalog_store
from chalicelib.catalog.stock import StockKey
from chalicelib.core.clock import utc_now
from chalicelib.core.errors import OutOfStock
from chalicelib.core.principal import Principal, Role
from tests.conftest import fresh_table

THREADS = 32
STOCK = 100
REPEATS = 20


def _sku_with_stock(merchant: Principal, operator: Principal, stock: int) -> StockKey:
    category = catalog.create_category(operator, "Flash sale", None)
    record = catalog.create_product(merchant, catalog.NewProduct(
        category_id=category.id, name="Limited mango", skus=(catalog.SkuInput(code="M", price=990, stock=stock),)
    ), utc_now())
    return StockKey.of_sku(record.product.id, record.skus[0].id)


def _race(stock: StockKey) -> Counter[str]:
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()
    start = threading.Barrier(THREADS)

    def buyer(n: int) -> None:
        start.wait()
        while True:
            try:
                catalog.reserve_stock(f"buyer-{n}", stock, 1, timedelta(minutes=15), utc_now())
            except OutOfStock:
                with lock:
                    outcomes["out_of_stock"] += 1
                return
            with lock:
                outcomes["reserved"] += 1

    threads = [threading.Thread(target=buyer, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def test_32_buyers_reserve_exactly_the_stock_every_time():
    merchant = Principal("01J0000000000000000000MRCH", Role.MERCHANT)
    operator = Principal("01J0000000000000000000OPER", Role.OPERATOR)
    for repeat in range(REPEATS):
        fresh_table()
        stock = _sku_with_stock(merchant, operator, STOCK)
        outcomes = _race(stock)
        product_id = stock.pk.split("#", 1)[1]
        record = catalog_store.product_record(product_id, consistent=True)
        counters = record.skus[0].stock
        assert outcomes["reserved"] == STOCK, (repeat, outcomes)
        assert outcomes["out_of_stock"] == THREADS, (repeat, outcomes)
        assert (counters.available, counters.reserved, counters.sold) == (0, STOCK, 0), (repeat, counters)


def test_a_reservation_is_released_exactly_once_under_racing_releases():
    merchant = Principal("01J0000000000000000000MRCH", Role.MERCHANT)
    operator = Principal("01J0000000000000000000OPER", Role.OPERATOR)
    stock = _sku_with_stock(merchant, operator, 5)
    reservation = catalog.reserve_stock("buyer", stock, 3, timedelta(minutes=15), utc_now())
    results: list[bool] = []
    lock = threading.Lock()
    start = threading.Barrier(16)

    def release() -> None:
        start.wait()
        released = catalog.release_reservation(reservation.id, utc_now())
        with lock:
            results.append(released)

    threads = [threading.Thread(target=release) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count(True) == 1
    counters = catalog_store.product_record(stock.pk.split("#", 1)[1], consistent=True).skus[0].stock
    assert (counters.available, counters.reserved) == (5, 0)
