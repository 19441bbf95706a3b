"""The settlement job as EventBridge runs it (app.settle_commissions) and as `make job JOB=settle-commissions` names it."""
from __future__ import annotations

import pytest

from chalicelib.commissions.published import Kind, accrue
from devstack.context import LambdaContext
from devstack.jobs import JOBS, scheduled_event
from tests.commissions.helpers import LEADER, NOW, ORDER, totals


def _invoke(detail: dict, time: str = "2026-03-01T04:00:00Z") -> dict:
    import app as app_module

    event = {**scheduled_event("unused", {}), "time": time, "detail": detail}
    context = LambdaContext(function_name="tuanstack-prod-settle_commissions", invoked_function_arn="arn:x",
                            timeout_seconds=900)
    return app_module.app.handler_map[JOBS["settle-commissions"]](event, context)


def test_the_scheduled_function_settles_what_is_due_at_its_time_or_the_detail_s_now():
    accrue(LEADER, Kind.LEADER, ORDER, [(1, 10_000, 1_000)], NOW, NOW)
    early = _invoke({"now": "2026-03-01T11:59:59+08:00"})  # 1 s before the hold ends
    assert (early["entriesSettled"], early["complete"]) == (0, True)
    done = _invoke({})  # the event's time
    assert (done["job"], done["now"], done["entriesSettled"], done["fenSettled"]) == (
        "settle-commissions", "2026-03-01T04:00:00Z", 1, 1_000)
    assert totals(LEADER) == (0, 1_000, 0, 0)


def test_max_entries_stops_a_run_that_the_next_one_finishes():
    for n in range(3):
        accrue(LEADER, Kind.LEADER, f"01J0000000000000000ORDER{n:02d}", [(1, 100, 10_000)], NOW, NOW)
    assert _invoke({"maxEntries": 2})["complete"] is False
    assert _invoke({})["entriesSettled"] == 1 and totals(LEADER) == (0, 300, 0, 0)


@pytest.mark.parametrize("detail", [{"now": "2026-03-01T04:00:00"}, {"lookbackDays": 3}])
def test_bad_on_demand_options_are_refused(detail):
    with pytest.raises(ValueError):
        _invoke(detail)
