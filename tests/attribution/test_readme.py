"""The README's Attribution figures, read back from the code and measured."""
from __future__ import annotations

from chalicelib.attribution import service
from chalicelib.attribution.rules import PaidOrder
from chalicelib.attribution.store import merchant_sales
from chalicelib.core.clock import utc_now
from chalicelib.orders.attribution import MAX_REF_LENGTH, SourceKind
from tests.devstack.test_readme import said
from tests.feeds.feed_support import post


def test_the_readme_s_attribution_figures(emulator):
    kinds, low, high = said(r"`kind` one of ([A-Z, ]+);\s+`ref` the post's id.*?, (\d+) to (\d+) letters, digits")
    assert kinds.replace(" ", "").split(",") == [k.value for k in SourceKind] and (int(low), int(high)) == (
        1, MAX_REF_LENGTH)
    (more,) = said(r"placing with a source costs (\d+) DynamoDB requests more")
    assert int(more) == 0  # measured: tests/attribution/test_recorded.py, the same counts with and without
    writes, reads, each = said(r"(\d+) TransactWriteItems \(a POST reads the post's author first: (\d+) GetItem\).*?"
                               r"\(null for\s+anyone else\), (\d+) DynamoDB request each")
    post_id = post("01J0000000000000000AUTHOR9", utc_now())
    emulator.clear_log()
    service.on_paid(PaidOrder("01J0000000000000000ORDER99", "01J000000000000000000BUYR9", "01J00000000000000000MERCH9",
                              "POST", post_id, 100, "CNY"), utc_now())
    assert emulator.dynamodb_counts() == {"GetItem": int(reads), "TransactWriteItems": int(writes)}
    emulator.clear_log()
    assert len(merchant_sales("01J00000000000000000MERCH9")) == 1
    assert sum(emulator.dynamodb_counts().values()) == int(each)
