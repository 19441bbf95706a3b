"""What the README's "Friend assist (助力)" section says is true: its numbers are read from README.md
(not copied here) and checked against the rules, the seed, and the tests that measure them."""
from __future__ import annotations

import re
from pathlib import Path

from chalicelib.assists import rules
from chalicelib.core.ids import SHARE_CODE_LENGTH
from devstack import seed

README = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
SECTION = " ".join(README.split("## Friend assist (助力)", 1)[1].split("\n## ", 1)[0].split())
TESTS = Path(__file__).parents[1]


def said(pattern: str) -> tuple[str, ...]:
    match = re.search(pattern.replace(" ", r"\s+"), SECTION)
    assert match, f"the README no longer says {pattern!r}: update this test with it"
    return match.groups()


def test_the_limits_are_the_rules():
    assert said(r"with 1 to (\d+) reward tiers \(the top one at most (\d+) assists\)") == (
        str(rules.MAX_TIERS), str(rules.MAX_ASSISTS))
    assert said(r"its (\d+)-character share code") == (str(SHARE_CODE_LENGTH),)
    assert said(r"at most (\d+) times a China calendar day") == (str(rules.DEFAULT_DAILY_LIMIT),)
    assert said(r"`dailyLimit`, (\d+) to (\d+);") == ("1", str(rules.MAX_DAILY_LIMIT))


def test_the_seeded_campaign_is_the_seed_s():
    three, ten, days = said(r"(\d+) assists → ¥10 off it, (\d+) → ¥39.9 off \(the mango free\), open (\d+) days")
    assert [(t[0], t[2]) for t in seed.DEMO_ASSIST_TIERS] == [(int(three), 1000), (int(ten), 3990)]
    assert int(days) == seed.DEMO_ASSIST_DAYS


def test_the_races_and_request_counts_are_the_tests():
    races = (TESTS / "concurrency" / "test_assist_races.py").read_text(encoding="utf-8")
    helpers, tier = said(r"(\d+) helpers racing for a (\d+)-assist tier reward it once")
    assert f"def test_{helpers}_helpers_racing_to_finish_a_{tier}_assist_tier_reward_it_once" in races
    concurrent, counted = said(r"(\d+) concurrent assists by one helper count (\d+)")
    assert f"assisting_{concurrent}_instances_at_once_is_counted_{counted}_times" in races
    api = (TESTS / "assists" / "test_api.py").read_text(encoding="utf-8")
    assert said(r"An assist is (\d+) DynamoDB requests") == ("2",)
    assert '{"GetItem": 1, "BatchGetItem": 1, "TransactWriteItems": 1}  # + the caller' in api
    assert said(r"the share page (\d+) GetItem") == ("1",)
    assert '{"GetItem": 1, "BatchGetItem": 1}  # the instance; the product' in api
    assert said(r"1 Query, whether it holds (\d+) instance or (\d+)") == ("1", "10")
    assert '@pytest.mark.parametrize("started", [1, 10])' in api


def test_make_dev_seeds_the_campaign_on_the_mango():
    from chalicelib.assists.models import AssistCampaignItem
    from chalicelib.catalog.store import product_record
    from chalicelib.core.table.models import TableItem

    seed.seed_demo()
    (campaign,) = [i for i in TableItem.scan() if isinstance(i, AssistCampaignItem)]
    assert product_record(campaign.product_id).product.name == "Hainan mango 海南贵妃芒"
    assert [t["assists"] for t in campaign.tiers] == [t[0] for t in seed.DEMO_ASSIST_TIERS]
    assert [t["reward"]["amount_off"] for t in campaign.tiers] == [t[2] for t in seed.DEMO_ASSIST_TIERS]
