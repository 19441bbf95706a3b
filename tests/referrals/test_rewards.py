"""Rewards: both sides' ¥50 coupon once the first paid order's return window closed without a refund, once
under redelivered records and repeated or racing job runs; none for a refunded order; the inviter's monthly
cap under concurrency."""
from __future__ import annotations

from datetime import timedelta

from chalicelib.core.clock import iso
from chalicelib.referrals import binding, codes, jobs, rewarding, store
from chalicelib.referrals.rules import DEFAULT_RULE, ReferralState, RewardRule, cap_month
from tests.commissions.helpers import race
from tests.referrals.support import (
    CLOSES,
    NOW,
    completed_order,
    coupons,
    first_order_completes,
    order_change,
    sign_in,
)
from tests.referrals.support import stream_handlers as handlers

ORDER = "01J0000000000000000ORDER01"


def _referred(inviter_name: str = "alice", invitee_name: str = "dave") -> tuple[str, str]:
    inviter, invitee = sign_in(inviter_name).user.id, sign_in(invitee_name).user.id
    binding.bind(invitee, codes.invite_code(inviter, NOW), NOW)
    return inviter, invitee


def test_the_decided_defaults():
    assert (DEFAULT_RULE.invitee_fen, DEFAULT_RULE.inviter_fen, DEFAULT_RULE.valid_days,
            DEFAULT_RULE.monthly_cap) == (5_000, 5_000, 30, 10)
    assert cap_month(CLOSES) == "2026-03"


def test_both_sides_get_a_50_yuan_no_threshold_coupon_once_the_window_closes():
    alice, dave = _referred()
    first_order_completes(dave, ORDER)
    assert store.get_referral(dave, consistent=True).state is ReferralState.DUE
    assert jobs.reward_due(CLOSES - timedelta(seconds=1))["referralsRewarded"] == 0  # the window is still open
    summary = jobs.reward_due(CLOSES)
    assert (summary["referralsRewarded"], summary["invitersRewarded"]) == (1, 1)
    for user in (alice, dave):
        (coupon,) = coupons(user)
        assert (coupon.terms.amount_off, coupon.terms.threshold) == (5_000, 0)
        assert coupon.valid_until - coupon.valid_from == timedelta(days=30)
    # The job again, and every record redelivered: nothing more.
    assert jobs.reward_due(CLOSES + timedelta(hours=1))["referralsRewarded"] == 0
    first_order_completes(dave, ORDER)
    handlers.order_changed(order_change(dave, "01J0000000000000000ORDER02", "AWAITING_PAYMENT", "TO_SHIP"))
    assert jobs.reward_due(CLOSES + timedelta(hours=2))["referralsRewarded"] == 0
    assert (len(coupons(alice)), len(coupons(dave))) == (1, 1)
    referral = store.get_referral(dave, consistent=True)
    assert (referral.state, referral.first_order_id, referral.inviter_rewarded) == (ReferralState.REWARDED, ORDER, True)


def test_only_the_first_paid_order_counts_and_a_group_buy_order_is_one():
    alice, dave = _referred()
    handlers.order_changed(order_change(dave, ORDER, "AWAITING_PAYMENT", "PAID_AWAITING_TEAM", kind="Order"))
    handlers.order_changed(order_change(dave, "01J0000000000000000ORDER02", "AWAITING_PAYMENT", "TO_SHIP"))
    assert store.get_referral(dave, consistent=True).first_order_id == ORDER


def test_a_refunded_first_order_voids_the_referral_for_ever():
    alice, dave = _referred()
    first_order_completes(dave, ORDER)
    handlers.order_changed(order_change(dave, ORDER, "COMPLETED", "COMPLETED", refunded=(0, 1_000)))
    assert store.get_referral(dave, consistent=True).state is ReferralState.VOID
    first_order_completes(dave, ORDER)  # redelivered: still void
    second = "01J0000000000000000ORDER02"
    handlers.order_changed(order_change(dave, second, "AWAITING_PAYMENT", "TO_SHIP"))
    assert jobs.reward_due(CLOSES + timedelta(days=30))["referralsRewarded"] == 0
    assert (coupons(alice), coupons(dave)) == ([], [])
    assert store.get_referral(dave, consistent=True).state is ReferralState.VOID


def test_a_failed_team_s_refund_voids_it_too():
    _, dave = _referred()
    handlers.order_changed(order_change(dave, ORDER, "AWAITING_PAYMENT", "PAID_AWAITING_TEAM", kind="Order"))
    handlers.order_changed(order_change(dave, ORDER, "PAID_AWAITING_TEAM", "REFUNDING", kind="Order"))
    assert store.get_referral(dave, consistent=True).state is ReferralState.VOID


def test_a_refund_the_stream_has_not_delivered_yet_still_stops_the_reward():
    alice, dave = _referred()
    first_order_completes(dave, ORDER)
    completed_order(ORDER, refunded=500)  # refunded in the table; its record not handled yet
    assert jobs.reward_due(CLOSES)["referralsRewarded"] == 0
    assert (coupons(alice), coupons(dave)) == ([], [])
    assert store.get_referral(dave, consistent=True).state is ReferralState.VOID


def test_a_refund_asked_in_the_window_and_still_open_holds_the_reward_until_it_closes():
    """The return window closed while a return asked within it is still open (the goods not back yet): no reward
    then; once the request closes without a refund, the next run rewards (a refund would void it instead)."""
    from chalicelib.aftersales.keys import line_sk
    from chalicelib.aftersales.keys import order_pk as after_sales_order_pk
    from chalicelib.aftersales.models import AfterSalesLineItem

    alice, dave = _referred()
    first_order_completes(dave, ORDER)
    ledger = AfterSalesLineItem(after_sales_order_pk(ORDER), line_sk(0))
    ledger.update(actions=[AfterSalesLineItem.open_request.set("01J0REQUESTOPEN"), AfterSalesLineItem.type.set(
        AfterSalesLineItem)])
    assert jobs.reward_due(CLOSES)["referralsRewarded"] == 0
    assert (coupons(alice), coupons(dave)) == ([], [])
    assert store.get_referral(dave, consistent=True).state is ReferralState.DUE
    ledger.update(actions=[AfterSalesLineItem.open_request.remove()])  # withdrawn: nothing refunded
    assert jobs.reward_due(CLOSES + timedelta(hours=1))["referralsRewarded"] == 1
    assert (len(coupons(alice)), len(coupons(dave))) == (1, 1)


def test_racing_job_runs_reward_each_referral_once():
    alice = sign_in("alice").user.id
    invitees = []
    for n in range(3):
        _, invitee = _referred("alice", f"invitee{n}")
        first_order_completes(invitee, f"01J0000000000000000ORDER{n:02d}")
        invitees.append(invitee)
    runs = race([lambda: jobs.reward_due(CLOSES)] * 4)
    assert sum(r["referralsRewarded"] for r in runs) == 3
    assert len(coupons(alice)) == 3 and all(len(coupons(i)) == 1 for i in invitees)


def test_the_monthly_cap_holds_under_concurrency_and_the_invitees_are_still_rewarded():
    alice = sign_in("alice").user.id
    store.put_rule(RewardRule(monthly_cap=3), "operator", NOW)
    rule = store.get_rule()
    invitees = []
    for n in range(6):
        _, invitee = _referred("alice", f"invitee{n}")
        first_order_completes(invitee, f"01J0000000000000000ORDER{n:02d}")
        invitees.append(invitee)
    due = [store.get_referral(i, consistent=True) for i in invitees]
    outcomes = race([lambda r=r: rewarding.reward(r, rule, CLOSES) for r in due])
    assert sum(o.rewarded for o in outcomes) == 6 and sum(o.inviter_rewarded for o in outcomes) == 3
    assert len(coupons(alice)) == 3 and all(len(coupons(i)) == 1 for i in invitees)
    assert store.month_count(alice, "2026-03") == 3
    # Next month's cap is a new one.
    _, ivy = _referred("alice", "ivy")
    first_order_completes(ivy, "01J0000000000000000ORDER09", closes=CLOSES + timedelta(days=20))
    assert jobs.reward_due(CLOSES + timedelta(days=20))["invitersRewarded"] == 1
    assert store.month_count(alice, "2026-04") == 1


def test_a_reward_costs_one_transaction(emulator):
    _, dave = _referred()
    first_order_completes(dave, ORDER)
    referral = store.get_referral(dave, consistent=True)
    emulator.clear_log()
    rewarding.reward(referral, DEFAULT_RULE, CLOSES)
    assert emulator.dynamodb_operations() == ["TransactWriteItems"]


def test_the_scheduled_function_rewards_what_is_due_at_the_detail_s_now():
    import app as app_module
    from devstack.context import LambdaContext
    from devstack.jobs import JOBS, scheduled_event

    _, dave = _referred()
    first_order_completes(dave, ORDER)
    event = {**scheduled_event(iso(CLOSES), {}), "time": "2026-03-01T04:00:00Z"}
    context = LambdaContext(function_name="tuanstack-prod-reward_referrals", invoked_function_arn="arn:x",
                            timeout_seconds=900)
    summary = app_module.app.handler_map[JOBS["reward-referrals"]](event, context)
    assert (summary["job"], summary["referralsRewarded"], summary["complete"]) == ("reward-referrals", 1, True)
