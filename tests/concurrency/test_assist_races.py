"""Assist races through the service, against the serialised emulator: the instance's count as read,
the assist's absence and the helper's day counter decide, never the reads before them."""
from __future__ import annotations

from chalicelib.assists import service as assists
from chalicelib.assists import store
from chalicelib.coupons.published.checkout import usable_coupons
from tests.assists.support import ALICE, NOW, campaign, helper, register
from tests.concurrency.race import race
from tests.conftest import fresh_table
from tests.coupons.support import customer


def test_one_helper_assisting_20_instances_at_once_is_counted_3_times():
    fresh_table()
    c = campaign((5,))
    codes = [assists.start(register(customer(30 + n)), c.id, NOW).code for n in range(20)]
    bob = helper(1)
    outcomes, _ = race(20, lambda n: assists.assist(bob, codes[n], NOW))
    assert outcomes == {"ok": 3, "LIMIT_REACHED": 17}
    assert store.helper_day(bob.user_id, NOW) == 3
    assert sum(store.get_instance(code, consistent=True).count for code in codes) == 3


def test_30_helpers_racing_to_finish_a_10_assist_tier_reward_it_once():
    fresh_table()
    c = campaign((3, 10))
    instance = assists.start(register(ALICE), c.id, NOW)
    for n in range(7):
        assists.assist(helper(n), instance.code, NOW)
    helpers = [helper(100 + n) for n in range(30)]
    outcomes, results = race(30, lambda n: assists.assist(helpers[n], instance.code, NOW))
    assert outcomes == {"ok": 3, "ASSIST_CLOSED": 27}
    stored = store.get_instance(instance.code, consistent=True)
    assert stored.count == 10 == len(store.assists_of(instance.code))
    assert [r.reward_coupon_id is not None for r in results].count(True) == 1
    assert len(stored.reward_coupon_ids) == 2
    assert sorted(x.title for x in usable_coupons(ALICE.user_id, NOW)) == ["reward 10", "reward 3"]


def test_30_helpers_racing_from_the_start_fill_both_tiers_and_never_pass_them():
    fresh_table()
    c = campaign((3, 10))
    instance = assists.start(register(ALICE), c.id, NOW)
    helpers = [helper(100 + n) for n in range(30)]
    outcomes, results = race(30, lambda n: assists.assist(helpers[n], instance.code, NOW))
    assert outcomes == {"ok": 10, "ASSIST_CLOSED": 20}
    assert sorted(r.instance.count for r in results) == list(range(1, 11))  # every count reached once
    assert sorted(r.instance.count for r in results if r.reward_coupon_id) == [3, 10]
    assert len(usable_coupons(ALICE.user_id, NOW)) == 2
