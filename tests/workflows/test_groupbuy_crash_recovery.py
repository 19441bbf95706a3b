"""Crash-between-steps cases found while wiring the group-buy workflows (fixed;
these keep them fixed).

The crash both tests simulate: the process handling the payment notification of a
team's last seat dies after ``store.apply_payment`` committed and before
``store.mark_succeeded_if_full`` ran (a Lambda timeout, a throttled request).
"""
from __future__ import annotations

from datetime import timedelta

from chalicelib.adapters.payments import PaymentEvent, PaymentState
from chalicelib.core.clock import utc_now
from chalicelib.groupbuy import payments as groupbuy_payments
from chalicelib.groupbuy import service as groupbuy
from chalicelib.groupbuy import store
from chalicelib.groupbuy.rules import OrderState, TeamState
from tests.groupbuy.support import RecordingPayments, deal_setup, user


def _full_team_whose_success_was_not_recorded():
    payments, now = RecordingPayments(), utc_now()
    deal, sku, _ = deal_setup(team_size=2, now=now)
    leader = groupbuy.open_team(user("ann"), deal.id, sku, None, payments, now)
    joiner = groupbuy.join_team(user("bob"), leader.team.id, sku, None, payments, now)
    for order in (leader.order, joiner.order):
        store.apply_payment(order, f"wx-{order.id}", order.amount.amount, now)  # then the crash
    team = store.get_team(leader.team.id, consistent=True)
    assert (team.state, team.paid) == (TeamState.OPEN, 2)
    return team, (leader.order, joiner.order)


def test_a_team_with_every_seat_paid_is_not_failed_and_refunded_at_its_deadline():
    team, orders = _full_team_whose_success_was_not_recorded()
    result = groupbuy.close_team_at_deadline(team.id, team.expires_at + timedelta(seconds=1))
    assert result["state"] == "SUCCEEDED"
    assert {store.get_order(o.id).state for o in orders} == {OrderState.PAID_AWAITING_TEAM}


def test_the_redelivered_notification_of_the_last_seat_completes_the_team():
    team, (_, last) = _full_team_whose_success_was_not_recorded()
    event = PaymentEvent(last.id, f"wx-{last.id}", PaymentState.SUCCESS, last.amount.amount, last.amount.currency, None)
    groupbuy_payments.apply_payment_event(event, utc_now())  # WeChat retries: the first answer never came
    assert store.get_team(team.id, consistent=True).state is TeamState.SUCCEEDED
