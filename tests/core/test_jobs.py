"""What every scheduled job reads from its event: the instant it acts at, and nothing it does not know."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib.commissions.jobs import run_scheduled as settle_commissions
from chalicelib.core.jobs import scheduled_now
from chalicelib.referrals.jobs import run_scheduled as reward_referrals

EVENT_TIME = "2026-03-01T00:00:00Z"


def test_the_event_s_time_unless_the_detail_names_an_instant_with_its_zone():
    assert scheduled_now("job", EVENT_TIME, {}, ()) == datetime(2026, 3, 1, tzinfo=UTC)
    assert scheduled_now("job", EVENT_TIME, {"now": "2026-03-01T08:30:00+08:00"}, ()) == datetime(
        2026, 3, 1, 0, 30, tzinfo=UTC)
    with pytest.raises(ValueError, match="^now: "):
        scheduled_now("job", EVENT_TIME, {"now": "2026-03-01T08:30:00"}, ())  # no zone: which instant?


@pytest.mark.parametrize("run", [settle_commissions, reward_referrals])
def test_a_job_refuses_an_option_it_does_not_know_before_doing_anything(run):
    with pytest.raises(ValueError, match="unknown options for .*'maxUser'"):
        run(EVENT_TIME, {"maxUser": 5})
