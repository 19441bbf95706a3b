"""The figures README's "After-sales" section states are the code's."""
from __future__ import annotations

import re
from pathlib import Path

from chalicelib.aftersales import jobs, keys, rules
from chalicelib.orders.terms import DAY, DEFAULT_TERMS
from tests.integration import patterns_aftersales

README = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
SECTION = README[README.index("## After-sales"):README.index("## Conventions for client teams")]


def _said(pattern: str) -> tuple[str, ...]:
    found = re.search(pattern, " ".join(SECTION.split()))
    assert found, pattern
    return found.groups()


def test_photos_windows_and_deadlines():
    assert int(_said(r"up to (\d+) https photos")[0]) == rules.MAX_PHOTOS
    assert int(_said(r"within (\d+) days of delivery with no reason")[0]) * DAY == DEFAULT_TERMS.no_reason_return_seconds
    assert int(_said(r"window closes \((\d+) days\)")[0]) * DAY == DEFAULT_TERMS.quality_return_seconds
    assert int(_said(r"within (\d+) hours, or the request is approved")[0]) * 3600 == DEFAULT_TERMS.decision_seconds
    assert int(_said(r"sent back within (\d+) days")[0]) * DAY == DEFAULT_TERMS.send_back_seconds
    assert int(_said(r"confirms the parcel within (\d+) days")[0]) * DAY == DEFAULT_TERMS.receipt_seconds
    assert int(_said(r"longer than (\d+) hours are counted")[0]) * 3600 == jobs.DISPUTE_DEADLINE.total_seconds()


def test_the_quality_reasons_and_the_refund_id():
    named = set(re.findall(r"`([A-Z_]+)`", _said(r"for a quality reason \((.*?)\)")[0]))
    assert named == {r.value for r in rules.QUALITY_REASONS}
    assert _said(r"refund id `(\w)` \+ the request id")[0] == keys.REFUND_ID_PREFIX


def test_the_cost_of_asking_is_the_access_pattern_s():
    import inspect

    said = int(_said(r"Cost: (\d+) DynamoDB requests whatever the number of lines")[0])
    source = inspect.getsource(patterns_aftersales.ask_for_after_sales_on_order_lines)
    asserted = re.search(r"dynamodb_operations\(\) == \[(.*?)\]", source).group(1)
    assert said == len(asserted.split(","))
