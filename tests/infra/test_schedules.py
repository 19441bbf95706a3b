"""The scheduled points jobs in the deploy package: each app.py function carries its
EventBridge schedule (SAM turns a `Schedule` event into a rule targeting the
function, with the permission to invoke it) and the 15-minute timeout its work
budget assumes."""
from __future__ import annotations

import pytest

from devstack import naming
from tests.infra.test_package import FUNCTION, functions

# handler name in app.py -> its schedule expression
SCHEDULES = {
    "release_pending_points": "rate(1 hour)",
    "expire_points": "cron(5 16 * * ? *)",  # 16:05 UTC = 00:05 China time, just after a day (a year) ends
    "recompute_tiers": "cron(30 17 * * ? *)",  # 17:30 UTC = 01:30 China time, after the sweep
}
JOB_TIMEOUT_SECONDS = 900


@pytest.mark.parametrize("handler", sorted(SCHEDULES))
def test_each_points_job_is_a_function_on_its_schedule(resources, handler) -> None:
    function = resources[naming.function_logical_id(handler)]
    assert function["Type"] == FUNCTION
    properties = function["Properties"]
    assert properties["Handler"] == f"app.{handler}"
    assert properties["Timeout"] == JOB_TIMEOUT_SECONDS
    events = properties["Events"]
    assert list(events.values()) == [{"Type": "Schedule", "Properties": {"Schedule": SCHEDULES[handler]}}]


# Other scheduled functions: a count an hour, on the default timeout.
OTHER_SCHEDULES = {"count_overdue_disputes": "rate(1 hour)",  # after-sales' DisputesOverdue metric
                   "settle_commissions": "rate(1 hour)",  # the commission ledger's settlement
                   "reward_referrals": "rate(1 hour)"}  # referral rewards whose return window closed


def test_the_overdue_disputes_count_runs_every_hour(resources) -> None:
    properties = resources[naming.function_logical_id("count_overdue_disputes")]["Properties"]
    assert properties["Handler"] == "app.count_overdue_disputes"
    assert list(properties["Events"].values()) == [{"Type": "Schedule", "Properties": {"Schedule": "rate(1 hour)"}}]


def test_commission_settlement_runs_every_hour_with_the_jobs_timeout(resources) -> None:
    properties = resources[naming.function_logical_id("settle_commissions")]["Properties"]
    assert properties["Handler"] == "app.settle_commissions" and properties["Timeout"] == JOB_TIMEOUT_SECONDS
    assert list(properties["Events"].values()) == [{"Type": "Schedule", "Properties": {"Schedule": "rate(1 hour)"}}]


def test_referral_rewards_run_every_hour_with_the_jobs_timeout(resources) -> None:
    properties = resources[naming.function_logical_id("reward_referrals")]["Properties"]
    assert properties["Handler"] == "app.reward_referrals" and properties["Timeout"] == JOB_TIMEOUT_SECONDS
    assert list(properties["Events"].values()) == [{"Type": "Schedule", "Properties": {"Schedule": "rate(1 hour)"}}]


def test_the_points_jobs_and_the_overdue_count_are_the_only_scheduled_functions(resources) -> None:
    scheduled = {
        function["Properties"]["Handler"]
        for function in functions(resources).values()
        for event in function["Properties"].get("Events", {}).values()
        if event["Type"] == "Schedule"
    }
    assert scheduled == {f"app.{handler}" for handler in (*SCHEDULES, *OTHER_SCHEDULES)}
