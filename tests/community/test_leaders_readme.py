"""What the README's "Community group-buy (社区团购): leaders" section says is true: its numbers are read from
README.md (not copied here), then checked against the rules, the seeded demo leader and the emulator's log."""
from __future__ import annotations

import re
from pathlib import Path

from chalicelib.community import choosing, leaders, rules, store
from chalicelib.community.rules import LeaderAction, LeaderState
from chalicelib.core.ids import SHARE_CODE_LENGTH
from chalicelib.core.table.paging import PageRequest
from devstack.seed import seed_demo
from tests.community.leader_support import NOW, OPERATOR, apply, customer

README = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
SECTION = README.split("## Community group-buy (社区团购): leaders", 1)[1].split("\n## ", 1)[0]


def said(pattern: str) -> tuple[str, ...]:
    match = re.search(pattern.replace(" ", r"\s+"), SECTION, re.S)
    assert match, f"the README no longer says {pattern!r}: update this test with it"
    return match.groups()


def test_the_limits_the_readme_states_are_the_rules():
    name, point, detail = said(r"a display name of 1-(\d+) characters, a point name of 1-(\d+), .*? detail of 1-(\d+)")
    assert (int(name), int(point), int(detail)) == (rules.MAX_DISPLAY_NAME, rules.MAX_POINT_NAME, rules.MAX_DETAIL)
    lat, lon, digits = said(r"within ±(\d+)° and ±(\d+)°\) or in decimal degrees as text with at most (\d+) fraction")
    assert (int(lat) * rules.MICRO, int(lon) * rules.MICRO, int(digits)) == (
        rules.MAX_LATITUDE, rules.MAX_LONGITUDE, rules.MICRO_DIGITS)
    (code,) = said(r"a (\d+)-character `code`")
    (reason,) = said(r"take a reason of 1-(\d+) characters")
    assert (int(code), int(reason)) == (SHARE_CODE_LENGTH, rules.MAX_REASON)


def test_the_seeded_demo_leader_is_as_the_readme_says(gql):
    district, hours = said(r"\(district `(\d+)`\), open `([0-9:-]+)`")
    seed_demo()
    seed_demo()  # seeded once
    token = gql.login("demo:leader")
    mine = gql("{ me { role leadership { state code districtCode openingHours contactMobile history { action } } } }",
               token=token)["data"]["me"]
    leadership = mine["leadership"]
    assert mine["role"] == "CUSTOMER"
    assert (leadership["state"], leadership["districtCode"], leadership["openingHours"]) == (
        "APPROVED", district, hours)
    assert leadership["contactMobile"].startswith("1380000")  # the clearly fake range
    assert [s["action"] for s in leadership["history"]] == ["APPLIED", "APPROVED"]
    listed = leaders.district_leaders(district, PageRequest(10)).items
    assert [x.code for x in listed] == [leadership["code"]]


def test_the_request_counts_the_readme_states(emulator):
    applying, approving, choosing_ = map(int, said(
        r"Applying costs (\d+) DynamoDB requests, approving (\d+) and choosing by code (\d+)"))
    (reading,) = map(int, said(r"`me.communityLeader` (\d+)\."))
    emulator.clear_log()
    apply(1)
    assert len(emulator.dynamodb_operations()) == applying
    emulator.clear_log()
    leader = leaders.decide(OPERATOR, customer(1).user_id, LeaderAction.APPROVE, None, NOW)
    assert len(emulator.dynamodb_operations()) == approving
    emulator.clear_log()
    choosing.choose(customer(2), NOW, code=leader.code)
    assert len(emulator.dynamodb_operations()) == choosing_
    emulator.clear_log()
    choosing.chosen_leader(customer(2), customer(2).user_id)
    assert len(emulator.dynamodb_operations()) == reading
    assert store.get_leader(leader.id).state is LeaderState.APPROVED
