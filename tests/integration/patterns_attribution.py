"""Access patterns of attribution (issue 14), one function per row of docs/data-model.md;
test_access_patterns.py runs them. Helpers start with "_"."""
from __future__ import annotations

from chalicelib.attribution import service, store
from chalicelib.attribution.rules import PaidOrder
from chalicelib.core.clock import utc_now
from chalicelib.core.ids import new_id
from tests.feeds.feed_support import post

MERCHANT = "01J00000000000000000MERCH1"


def _paid(kind: str = "POST", ref: str | None = None, buyer: str = "01J000000000000000000BUYER") -> PaidOrder:
    return PaidOrder(new_id(), buyer, MERCHANT, kind, ref, 5990, "CNY")


def count_a_paid_order_s_attribution(emulator, category):
    post_id = post("01J0000000000000000AUTHOR1", utc_now())
    order = _paid("POST", post_id)
    emulator.clear_log()
    assert service.on_paid(order, utc_now())
    assert emulator.dynamodb_operations() == ["GetItem", "TransactWriteItems"]
    emulator.clear_log()
    assert not service.on_paid(order, utc_now())  # redelivered: nothing added
    assert emulator.dynamodb_operations() == ["GetItem", "TransactWriteItems"]
    emulator.clear_log()
    assert service.on_paid(_paid("NONE"), utc_now())
    assert emulator.dynamodb_operations() == ["TransactWriteItems"]


def a_merchant_s_sales_by_source(emulator, category):
    for kind in ("TEAM", "NONE", "TEAM"):
        service.on_paid(_paid(kind, "TEAMSHARECODE001" if kind == "TEAM" else None), utc_now())
    emulator.clear_log()
    rows = {r.kind: (int(r.orders), int(r.amount)) for r in store.merchant_sales(MERCHANT)}
    assert rows == {"TEAM": (2, 11980), "NONE": (1, 5990)}
    assert emulator.dynamodb_operations() == ["Query"]


def a_post_s_attributed_sales(emulator, category):
    post_id = post("01J0000000000000000AUTHOR2", utc_now())
    service.on_paid(_paid("POST", post_id), utc_now())
    service.on_paid(_paid("POST", post_id, buyer="01J0000000000000000AUTHOR2"), utc_now())  # its author's own
    emulator.clear_log()
    assert [(r.kind, int(r.orders)) for r in store.post_sales(post_id)] == [("POST", 1)]
    assert emulator.dynamodb_operations() == ["Query"]
