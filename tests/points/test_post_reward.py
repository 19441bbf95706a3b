"""The approved-post reward (the feeds' hook): 10 points, at most 3 posts a China day,
each post once."""
from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from chalicelib.points import account_reads
from chalicelib.points import hooks as points_hooks
from chalicelib.points import service as svc

AUTHOR = "01J0000000000000000000AUTH"
# 23:30 China time on 1 June: half an hour later it is the next (China) day.
LATE = datetime(2026, 6, 1, 15, 30, tzinfo=UTC)


def test_three_posts_a_day_earn_and_each_post_earns_once():
    assert [svc.award_post(AUTHOR, f"p{i}", LATE) for i in range(4)] == [10, 10, 10, 0]
    assert svc.award_post(AUTHOR, "p0", LATE) == 0  # approved again (after a hide): not twice
    assert points_hooks.on_post_approved(AUTHOR, "p4", LATE + timedelta(minutes=31)) == 10  # the next China day
    account = account_reads.get_account(AUTHOR)
    assert (account.available, account.earned) == (40, 40)
    assert sorted(e.source for e in account_reads.all_entries(AUTHOR)) == ["post:p0", "post:p1", "post:p2", "post:p4"]


def test_the_daily_cap_holds_under_concurrent_approvals():
    results, errors = [], []

    def approve(i: int) -> None:
        try:
            results.append(svc.award_post(AUTHOR, f"c{i}", LATE))
        except Exception as error:  # noqa: BLE001 - collected and asserted
            errors.append(repr(error))

    threads = [threading.Thread(target=approve, args=(i,)) for i in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(results) == [0] * 7 + [10] * 3
    assert account_reads.get_account(AUTHOR).available == 30
