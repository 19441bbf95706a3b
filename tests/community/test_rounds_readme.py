"""What the README says of sale rounds is what the rules do: every number it states is read from
README.md (edit the README or the rules alone and this fails)."""
from __future__ import annotations

import re
from pathlib import Path

from chalicelib.community import rules_rounds as rules
from chalicelib.core.ids import SHARE_CODE_LENGTH

README = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
SECTION = README.split("## Community group-buy (社区团购): sale rounds", 1)[1].split("\n## ", 1)[0]


def said(pattern: str) -> tuple[str, ...]:
    match = re.search(pattern.replace(" ", r"\s+"), SECTION, re.S)
    assert match, f"the README no longer says {pattern!r}: update this test with it"
    return match.groups()


def test_the_limits_the_readme_states_are_the_rules():
    assert said(r"A title of 1-(\d+) characters") == (str(rules.MAX_TITLE),)
    assert said(r"1 to (\d+) lines") == (str(rules.MAX_LINES),)
    assert said(r"per-customer limit \(1-(\d+)\)") == (str(rules.MAX_PER_CUSTOMER_LIMIT),)
    bp, percent = said(r"basis points \(0 to (\d+), i.e. at most (\d+)%\)")
    assert int(bp) == rules.MAX_COMMISSION_BP and int(percent) * 100 == rules.MAX_COMMISSION_BP
    assert said(r"1 to (\d+) leaders") == (str(rules.MAX_LEADERS),)
    assert said(r"the (\d+)-character share code") == (str(SHARE_CODE_LENGTH),)


def test_the_round_and_its_leader_items_fit_one_transaction():
    from chalicelib.core.table.transactions import MAX_ITEMS

    assert 1 + rules.MAX_LEADERS <= MAX_ITEMS


def test_the_seeded_round_is_as_the_readme_says():
    from devstack.seed import DEMO_ROUND_CUTOFF, DEMO_ROUND_PRICE

    price, minutes = re.search(r"at ¥(\d+\.\d\d) for `demo:leader`'s point, ordering open until (\d+) minutes",
                               " ".join(SECTION.split())).groups()
    assert int(price.replace(".", "")) == DEMO_ROUND_PRICE
    assert int(minutes) * 60 == DEMO_ROUND_CUTOFF.total_seconds()


def test_the_round_s_horizon_is_the_code_s():
    from chalicelib.community.rules_rounds import MAX_CUTOFF_AHEAD, MAX_PICKUP_AFTER_CUTOFF

    flat = " ".join(SECTION.split())
    ahead, after = re.search(r"in the future, within (\d+) days .*? within (\d+) days of it", flat).groups()
    assert (int(ahead), int(after)) == (MAX_CUTOFF_AHEAD.days, MAX_PICKUP_AFTER_CUTOFF.days)


def test_what_the_readme_says_of_ordering_for_pickup_is_the_code_s():
    from chalicelib.checkout.rules import DEFAULT_TERMS, MAX_LINES
    from tests.community.test_pickup_orders_api import PLACE_PICKUP_REQUESTS
    from tests.concurrency.test_pickup_cutoff_race import CUSTOMERS

    flat = " ".join(SECTION.split())
    assert said(r"1 to (\d+) of the round's SKUs") == (str(MAX_LINES),)
    assert said(r"the payment window \((\d+) minutes\)") == (str(DEFAULT_TERMS.payment_window_seconds // 60),)
    assert said(r"\((\d+) customers stamped across the cutoff instant") == (str(CUSTOMERS),)
    counts = re.search(r"Placing costs (\d+) GetItems, (\d+) Query, (\d+) BatchGetItems and ONE TransactWriteItems",
                       flat).groups()
    assert tuple(map(int, counts)) == (PLACE_PICKUP_REQUESTS["GetItem"], PLACE_PICKUP_REQUESTS["Query"],
                                       PLACE_PICKUP_REQUESTS["BatchGetItem"])
    assert PLACE_PICKUP_REQUESTS["TransactWriteItems"] == 1


def test_what_the_readme_says_of_pickup_codes_is_the_code_s():
    from chalicelib.community.rules_pickup import CODE_LENGTH, MAX_MISSES, MISS_WINDOW
    from tests.community.test_pickup_codes import HAND_OVER_REQUESTS

    flat = " ".join(SECTION.split())
    assert said(r"a (\d+)-character code that fits") == (str(CODE_LENGTH),)
    misses, minutes = re.search(r"after (\d+) wrong codes in (\d+) minutes", flat).groups()
    assert (int(misses), int(minutes)) == (MAX_MISSES, MISS_WINDOW.seconds // 60)
    assert said(r"\((\d+) at once: (\d+) judged\)") == ("20", str(MAX_MISSES))
    counts = re.search(r"Handing over costs (\d+) BatchGetItem, (\d+) UpdateItem, (\d+) GetItems and ONE "
                       r"TransactWriteItems", flat).groups()
    assert tuple(map(int, counts)) == (HAND_OVER_REQUESTS["BatchGetItem"], HAND_OVER_REQUESTS["UpdateItem"],
                                       HAND_OVER_REQUESTS["GetItem"])
    assert HAND_OVER_REQUESTS["TransactWriteItems"] == 1
def test_the_cutoff_s_grace_and_the_wait_at_the_point_are_the_code_s():
    import json

    from chalicelib.orders.terms import DAY, DEFAULT_TERMS

    asl = json.loads((Path(__file__).parents[2] / "infra" / "statemachines" / "community_round_cutoff.asl.json")
                     .read_text(encoding="utf-8"))
    assert said(r"a (\d+)-second grace") == (str(asl["States"]["Grace"]["Seconds"]),)
    assert int(said(r"waiting at the point for (\d+) days")[0]) * DAY == DEFAULT_TERMS.pickup_collect_seconds


def test_the_pick_list_s_requests_are_those_its_test_counts():
    from tests.community import test_pick_lists

    flat = " ".join(SECTION.split())
    gets, queries, batches = re.search(r"A page is (\d+) GetItem, (\d+) Queries and (\d+) BatchGetItem", flat).groups()
    source = Path(test_pick_lists.__file__).read_text(encoding="utf-8")
    assert f'{{"GetItem": {gets}, "Query": {queries}, "BatchGetItem": {batches}}}' in source
    assert re.search(r"for (\d+) order as for (\d+)", flat).groups() == ("1", "10")
    assert 'parametrize("orders", [1, 10])' in source
