"""Friend assist through the service, on the emulator: tiers rewarded once each in the assist
that reaches them, and every refusal typed and writing nothing."""
from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib.assists import service as assists
from chalicelib.assists import store
from chalicelib.core.errors import DomainError, NotFound, ValidationFailed
from chalicelib.coupons import store as coupon_store
from chalicelib.coupons.published.checkout import usable_coupons
from tests.assists.support import ALICE, END, NOW, campaign, helper, register, started
from tests.coupons.support import MERCHANT, customer


def _code(call) -> str:
    with pytest.raises(DomainError) as refused:
        call()
    return refused.value.code.value


def test_each_tier_s_coupon_goes_to_the_starter_in_the_assist_that_reaches_it():
    c, instance = started((2, 3))
    first = assists.assist(helper(1), instance.code, NOW)
    second = assists.assist(helper(2), instance.code, NOW)
    third = assists.assist(helper(3), instance.code, NOW)
    assert [first.reward_coupon_id is None, second.reward_coupon_id is None, third.reward_coupon_id is None] == [
        True, False, False]
    stored = store.get_instance(instance.code, consistent=True)
    assert stored.count == 3 and [t.assists for t in stored.tiers_reached] == [2, 3]
    assert stored.reward_coupon_ids == (second.reward_coupon_id, third.reward_coupon_id)
    coupons = usable_coupons(ALICE.user_id, NOW)
    assert sorted(x.title for x in coupons) == ["reward 2", "reward 3"]
    assert {x.source for x in coupons} == {f"assist:{instance.code}:2", f"assist:{instance.code}:3"}
    # the reward's terms and validity are the template's; its total is not drawn on
    template = coupon_store.get_template(c.tiers[0].template_id)
    reward = next(x for x in coupons if x.title == "reward 2")
    assert reward.terms == template.terms and reward.valid_until == NOW + timedelta(days=30)
    assert template.issued == 0


def test_refusals_are_typed_and_write_nothing():
    c, instance = started((1, 2), daily_limit=1)
    bob = helper(1)
    assert _code(lambda: assists.assist(ALICE, instance.code, NOW)) == "CANNOT_ASSIST_SELF"
    assists.assist(bob, instance.code, NOW)
    assert _code(lambda: assists.assist(bob, instance.code, NOW)) == "ALREADY_ASSISTED"
    other = assists.start(register(customer(9)), c.id, NOW)
    assert _code(lambda: assists.assist(bob, other.code, NOW)) == "LIMIT_REACHED"  # 1 a day, across instances
    assert assists.assist(bob, other.code, NOW + timedelta(days=1)).instance.count == 1  # a new China day
    assert _code(lambda: assists.assist(helper(2), instance.code, END)) == "ASSIST_CLOSED"  # at the end instant
    assert _code(lambda: assists.assist(helper(3), "0" * 16, NOW)) == "NOT_FOUND"
    assert store.get_instance(instance.code, consistent=True).count == 1
    assert len(store.assists_of(instance.code)) == 1


def test_the_daily_limit_is_counted_by_china_calendar_day():
    c = campaign((5,))
    bob = helper(1)
    codes = [assists.start(register(customer(10 + n)), c.id, NOW).code for n in range(5)]
    late_utc = NOW.replace(hour=15, minute=59)  # 23:59 in China
    for code in codes[:3]:
        assists.assist(bob, code, late_utc)
    assert _code(lambda: assists.assist(bob, codes[3], late_utc)) == "LIMIT_REACHED"
    assert assists.assist(bob, codes[3], late_utc + timedelta(minutes=1)).instance.count == 1  # 00:00 next day


def test_an_instance_takes_no_assist_past_its_top_tier():
    _, instance = started((2,))
    assists.assist(helper(1), instance.code, NOW)
    assists.assist(helper(2), instance.code, NOW)
    assert _code(lambda: assists.assist(helper(3), instance.code, NOW)) == "ASSIST_CLOSED"
    assert len(store.get_instance(instance.code, consistent=True).reward_coupon_ids) == 1


def test_new_users_only_refuses_older_accounts_and_otherwise_new_accounts_are_flagged():
    _, only = started((5,), new_users_only=True)
    assert _code(lambda: assists.assist(helper(1), only.code, NOW)) == "NOT_A_NEW_USER"
    assert assists.assist(helper(2, created_at=NOW + timedelta(hours=1)), only.code, NOW + timedelta(hours=2))
    _, anyone = started((5,), starter=register(customer(50)))
    assists.assist(helper(1), anyone.code, NOW)
    assists.assist(helper(3, created_at=NOW + timedelta(hours=1)), anyone.code, NOW + timedelta(hours=2))
    stored = store.get_instance(anyone.code, consistent=True)
    assert (stored.count, stored.flagged) == (2, 1)
    assert sorted(a.flagged for a in store.assists_of(anyone.code)) == [False, True]


def test_one_instance_per_customer_and_campaign():
    c, instance = started((3,))
    again = assists.start(ALICE, c.id, NOW + timedelta(hours=1))
    assert again.code == instance.code and len(instance.code) == 16
    page = assists.my_instances(ALICE, 10)
    assert [i.code for i in page.items] == [instance.code]


def test_campaigns_are_made_by_operators_and_by_merchants_on_their_own_products():
    assert _code(lambda: campaign((3,), by=ALICE)) == "FORBIDDEN"
    own = campaign((3,), by=MERCHANT)
    assert own.merchant_id == MERCHANT.user_id
    other = type(MERCHANT)("01J0000000000000000000MRC2", MERCHANT.role)
    with pytest.raises(NotFound):
        campaign((3,), by=other, product_id=own.product_id)
    with pytest.raises(ValidationFailed):
        campaign((3, 3))
    with pytest.raises(ValidationFailed):
        campaign((3,), ends_at=NOW)
    with pytest.raises(ValidationFailed):
        campaign((3,), daily_limit=0)
    with pytest.raises(ValidationFailed):  # a merchant rewards with its own templates only
        assists.create_campaign(MERCHANT, assists.NewCampaign(own.product_id, "x", ((3, campaign((3,)).tiers[0]
                                                                                      .template_id),), END), NOW)
