"""The figures README's "Shipping and delivery" section states are the code's."""
from __future__ import annotations

import re
from pathlib import Path

from chalicelib.fulfilment.rules import CARRIERS, TRACKING_MAX, TRACKING_MIN
from chalicelib.orders.terms import DAY, DEFAULT_TERMS

README = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
SECTION = README[README.index("## Shipping and delivery"):README.index("## After-sales")]


def _said(pattern: str) -> tuple[str, ...]:
    found = re.search(pattern, " ".join(SECTION.split()))
    assert found, pattern
    return found.groups()


def test_the_tracking_number_s_length():
    assert _said(r"A tracking number is (\d+) to (\d+) of") == (str(TRACKING_MIN), str(TRACKING_MAX))


def test_the_terms_in_days():
    assert int(_said(r"at `completeBy`, (\d+) days after shipping")[0]) * DAY == DEFAULT_TERMS.auto_complete_seconds
    assert int(_said(r"\((\d+) days without a reason\)")[0]) * DAY == DEFAULT_TERMS.no_reason_return_seconds
    assert int(_said(r"\((\d+) days for a quality reason\)")[0]) * DAY == DEFAULT_TERMS.quality_return_seconds


def test_the_carriers_named_are_codes_of_the_list():
    named = re.findall(r"\b([A-Z]{2,4})\b", _said(r"lists the carrier codes \((.*?)\)")[0])
    assert named and set(named) <= set(CARRIERS)
