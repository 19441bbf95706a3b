"""What a team costs in Step Functions state transitions (they are billed): for a
team of N members, every execution its lifecycle involves (team_lifecycle, then
team_settlement or one refund per paid member) stays within 5 + 3N transitions.

The seats' payment timers (reservation_expiry, one per seat, Wait → Task →
Succeed) are printed apart: they belong to the seats, not to the team's outcome.
Run with -s to see the figures.
"""
from __future__ import annotations

import pytest

from chalicelib.groupbuy import store
from chalicelib.groupbuy.rules import OrderState, TeamState
from tests.workflows.groupbuy_stack import stack, transitions, wait_execution  # noqa: F401 - the fixture


@pytest.mark.parametrize("n", [2, 5])
def test_a_teams_transitions_stay_within_5_plus_3n(stack, n):
    stack.setup_deal(team_size=n, stock=2 * n)
    # Two teams with one deadline: one fills (all N pay), one does not (N - 1 pay, 1 never does).
    won, won_orders = stack.team([f"s{i}" for i in range(n)], paid=n, closes_in=4)
    lost, lost_orders = stack.team([f"f{i}" for i in range(n)], paid=n - 1, closes_in=4)

    success = {("lifecycle", won): 0, ("settlement", won): 0}
    failure = {("lifecycle", lost): 0, **{("refund", f"{o.id}-0"): 0 for o in lost_orders[: n - 1]}}
    timers = {("expiry", o.id): 0 for o in won_orders + lost_orders}
    for executions in (success, failure, timers):
        for machine, name in executions:
            assert wait_execution(machine, name)["status"] == "SUCCEEDED", (machine, name)
            executions[(machine, name)] = transitions(machine, name)

    assert store.get_team(won, consistent=True).state is TeamState.SUCCEEDED
    assert store.get_team(lost, consistent=True).state is TeamState.FAILED
    assert {store.get_order(o.id).state for o in lost_orders[: n - 1]} == {OrderState.REFUNDED}
    won_total, lost_total = sum(success.values()), sum(failure.values())
    print(f"\nN={n}: success {won_total} {sorted(success.values())}, failure {lost_total} "
          f"{sorted(failure.values())}, budget {5 + 3 * n}; seat timers {sum(timers.values())} "
          f"({len(timers)} seats)")
    assert won_total <= 5 + 3 * n
    assert lost_total <= 5 + 3 * n
