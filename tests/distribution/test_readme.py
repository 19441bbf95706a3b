"""What the README's "Distribution (分销)" section says is true: its numbers are read from README.md and checked
against the rules and code; the race and the dashboard's requests it states are in test_rules_and_links.py and
test_distribution_graphql.py with exactly these numbers."""
from __future__ import annotations

import inspect
import re
from pathlib import Path

from chalicelib.commissions.published import Line
from chalicelib.commissions.rules import amount_of
from chalicelib.core.ids import SHARE_CODE_LENGTH
from chalicelib.distribution import rules
from devstack.jobs import JOBS
from tests.distribution import test_distribution_graphql, test_rules_and_links

README = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
SECTION = README.split("## Distribution (分销)", 1)[1].split("\n## ", 1)[0]


def said(pattern: str) -> tuple[str, ...]:
    match = re.search(pattern.replace(" ", r"\s+"), SECTION, re.S)
    assert match, f"the README no longer says {pattern!r}: update this test with it"
    return match.groups()


def test_the_section_s_numbers():
    assert said(r"by default they opt in and are (ACTIVE) at once \((OPT_IN)\)") == ("ACTIVE", rules.DEFAULT_MODE.value)
    low, high = said(r"(\d+) to (\d+) basis points")
    assert (int(low), int(high)) == (0, rules.MAX_RATE_BP)
    (length,) = said(r"a (\d+)-character code")
    assert int(length) == SHARE_CODE_LENGTH
    (share,) = said(r"their upstream (\d+)% of that rate")
    assert int(share) * 100 == rules.UPSTREAM_SHARE_BP
    rate, a, b, mine, theirs = said(
        r"\((\d+) bp: a ¥(\d+) and a ¥(\d+\.\d+) mango line earn the distributor ¥(\d+)\.00 and the upstream ¥(\d+)"
        r"\.00\)")
    paid = [int(a) * 100, round(float(b) * 100)]
    assert amount_of([Line(n, p, int(rate)) for n, p in enumerate(paid)]) == int(mine) * 100
    assert amount_of([Line(n, p, rules.upstream_rate(int(rate))) for n, p in enumerate(paid)]) == int(theirs) * 100
    (job,) = said(r"`make job JOB=([a-z-]+)`")
    assert job in JOBS
    racing, counted = said(r"\((\d+) racing visits of one visitor count (\d+);")
    assert f"race({racing}," in inspect.getsource(test_rules_and_links) and int(counted) == 1
    requests, one, ten = said(r"(\d+) requests for (\d+) link and for (\d+)")
    source = inspect.getsource(test_distribution_graphql)
    assert int(requests) == 3 and '{"GetItem": 2, "Query": 1}' in source and int(one) == 1
    assert "dashboard_requests(10) == one" in source and int(ten) == 10


def test_the_seed_makes_the_mango_distributable():
    from types import SimpleNamespace

    from chalicelib.distribution import store
    from devstack import seed
    from tests.distribution.support import MANGO, MERCHANT, NOW, product

    product(MANGO)
    record = SimpleNamespace(product=SimpleNamespace(id=MANGO))
    seed._seed_distribution(MERCHANT, {"Hainan mango 海南贵妃芒": record}, NOW)
    assert store.get_rate(MANGO) == seed.DEMO_DISTRIBUTION_RATE_BP == 1_500 and "1500 bp" in SECTION
