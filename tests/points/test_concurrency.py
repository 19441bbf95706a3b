"""Concurrent redemptions from one account, against the serialised emulator.

A pass means something only because the emulator applies each request atomically
(devstack/emulator.py): the ``available >= n`` condition is what stops overspending.
"""
from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, datetime

from chalicelib.points import account_reads, store
from chalicelib.points import service as svc
from chalicelib.points.rules import InsufficientPoints, PointsRules
from tests.conftest import fresh_table

NOW = datetime(2025, 6, 1, 4, 0, tzinfo=UTC)
USER = "01J0000000000000000000USER"
THREADS = 20
REPEATS = 20
RULES = PointsRules()


def _race() -> tuple[Counter[str], list[BaseException]]:
    outcomes: Counter[str] = Counter()
    errors: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(THREADS)

    def redeemer(n: int) -> None:
        try:
            start.wait()
            try:
                redemption = svc.redeem(USER, f"order-{n}", 100, 10_000, NOW, config=RULES)
            except InsufficientPoints:
                outcome = "insufficient"
            else:
                outcome = "redeemed" if redemption.applied else "replayed"
            with lock:
                outcomes[outcome] += 1
        except BaseException as error:  # noqa: BLE001 - reported by the test
            with lock:
                errors.append(error)

    threads = [threading.Thread(target=redeemer, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes, errors


def test_20_concurrent_redemptions_of_100_from_1000_exactly_10_succeed_every_time():
    for repeat in range(REPEATS):
        fresh_table()
        assert store.post_earn(USER, "seed", 1_000, NOW)
        outcomes, errors = _race()
        assert errors == [], (repeat, errors)
        assert outcomes == {"redeemed": 10, "insufficient": 10}, (repeat, outcomes)
        account = account_reads.get_account(USER)
        assert (account.available, account.spent) == (0, 1_000), (repeat, account)
        entries = account_reads.all_entries(USER)
        assert sum(e.amount for e in entries) == 0 == account.balance
        assert len(entries) == 11
        assert sum(r for _, r in account_reads.lots(USER)) == 0
