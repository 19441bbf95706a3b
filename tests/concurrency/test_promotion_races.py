"""A merchant's staff editing its promotions at once, through the service, against the
serialised emulator: every edit is kept (the version refuses a stale write and the
loser reads again), and the ten-promotion cap holds."""
from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

from chalicelib.core.errors import LimitReached
from chalicelib.core.ids import new_id
from chalicelib.core.principal import Principal, Role
from chalicelib.promotions import service, store
from chalicelib.promotions.rules import MAX_PROMOTIONS, Tier

NOW = datetime(2026, 6, 1, 4, 0, tzinfo=UTC)
REPEATS = 3


def _new(title: str) -> service.NewPromotion:
    return service.NewPromotion(title=title, tiers=(Tier(9900, 1000),), starts_at=NOW, ends_at=NOW + timedelta(days=7))


def _race(merchant: Principal, titles: list[str]) -> Counter[str]:
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()
    start = threading.Barrier(len(titles))

    def staff(title: str) -> None:
        start.wait()
        try:
            service.create_promotion(merchant, None, _new(title), NOW)
            outcome = "created"
        except LimitReached:
            outcome = "limit"
        with lock:
            outcomes[outcome] += 1

    threads = [threading.Thread(target=staff, args=(t,)) for t in titles]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_ten_concurrent_creates_by_one_merchant_s_staff_all_land():
    for _ in range(REPEATS):
        merchant = Principal(new_id(), Role.MERCHANT)
        titles = [f"staff {i}" for i in range(MAX_PROMOTIONS)]
        assert _race(merchant, titles) == {"created": MAX_PROMOTIONS}
        stored = store.get(merchant.user_id, consistent=True)
        assert sorted(p.title for p in stored.promotions) == sorted(titles)  # no lost update
        assert stored.version == MAX_PROMOTIONS


def test_fifteen_concurrent_creates_stop_at_the_cap():
    for _ in range(REPEATS):
        merchant = Principal(new_id(), Role.MERCHANT)
        outcomes = _race(merchant, [f"staff {i}" for i in range(15)])
        assert outcomes == {"created": MAX_PROMOTIONS, "limit": 5}
        assert len(store.get(merchant.user_id, consistent=True).promotions) == MAX_PROMOTIONS
