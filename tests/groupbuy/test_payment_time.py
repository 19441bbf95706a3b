"""A capture is in time or late by the provider's success time against the seat's
payBy, whatever the seat's timer has done yet; payBy is the same to the buyer and
to the store. The clock is injected: no sleeps."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from chalicelib.adapters.payments import PaymentEvent, PaymentState
from chalicelib.adapters.payments.simulated import SimulatedPayments
from chalicelib.groupbuy import payments as groupbuy_payments
from chalicelib.groupbuy import service as groupbuy
from chalicelib.groupbuy import store
from chalicelib.groupbuy.rules import OrderState, SeatState
from tests.groupbuy.support import RecordingPayments, deal_setup, user

KEY = "a simulated key long enough"


def _open(opened_at: datetime):
    deal, sku, _ = deal_setup(team_size=3, window=timedelta(seconds=5), now=opened_at - timedelta(seconds=1))
    return groupbuy.open_team(user("leader"), deal.id, sku, None, RecordingPayments(), opened_at)


def _simulated_capture(order, at: datetime) -> str:
    provider = SimulatedPayments(KEY, clock=at.timestamp)
    headers, body = provider.simulate_capture(order.id, order.amount.amount)
    event = provider.parse_notification(headers, body)
    return groupbuy_payments.apply_payment_event(event, at + timedelta(milliseconds=50))  # delivered just after


OPENED_AT = datetime.now(UTC).replace(microsecond=700_000)  # the window ends mid-second


def test_the_pay_by_returned_by_open_team_is_the_one_stored():
    taken = _open(OPENED_AT)
    stored = store.get_order(taken.order.id)
    assert taken.order.pay_by == stored.pay_by and taken.order.pay_by.microsecond == 0
    assert taken.team.expires_at == store.get_team(taken.team.id).expires_at


@pytest.mark.parametrize("after", [0.0, 0.3, 0.7, 1.2])
def test_a_simulated_capture_at_or_after_pay_by_is_refunded_not_applied(after):
    taken = _open(OPENED_AT)
    outcome = _simulated_capture(taken.order, taken.order.pay_by + timedelta(seconds=after))
    assert outcome == "late"
    order = store.get_order(taken.order.id)
    assert order.state is OrderState.REFUNDING and order.captured == taken.order.amount.amount
    team, seats = store.team_with_seats(taken.team.id, consistent=True)
    assert [s.state for s in seats] == [SeatState.RELEASED] and (team.held, team.paid) == (0, 0)
    # the notification again: nothing more happens (one refund, keyed by the order)
    assert _simulated_capture(taken.order, taken.order.pay_by + timedelta(seconds=after)) == "duplicate"


@pytest.mark.parametrize("before", [0.01, 0.4, 4.0])
def test_a_capture_before_pay_by_is_applied(before):
    taken = _open(OPENED_AT)
    assert _simulated_capture(taken.order, taken.order.pay_by - timedelta(seconds=before)) == "applied"
    assert store.get_order(taken.order.id).state is OrderState.PAID_AWAITING_TEAM


def test_a_wechat_success_time_in_china_time_is_compared_as_an_instant():
    taken = _open(OPENED_AT)
    china = timezone(timedelta(hours=8))
    late = PaymentEvent(taken.order.id, "wx-1", PaymentState.SUCCESS, taken.order.amount.amount, "CNY",
                        taken.order.pay_by.astimezone(china).isoformat(timespec="seconds"))
    # delivered "before" payBy by our clock: the provider's time decides, not arrival
    assert groupbuy_payments.apply_payment_event(late, taken.order.pay_by - timedelta(seconds=2)) == "late"
    other = _open(OPENED_AT)
    in_time = PaymentEvent(other.order.id, "wx-2", PaymentState.SUCCESS, other.order.amount.amount, "CNY",
                           (other.order.pay_by - timedelta(seconds=1)).astimezone(china).isoformat())
    # delivered well after payBy: still applied, the payer paid in time
    assert groupbuy_payments.apply_payment_event(in_time, other.order.pay_by + timedelta(seconds=30)) == "applied"


def test_the_seat_and_team_timers_woken_early_raise_not_yet():
    from chalicelib.core.clock import NotYet

    taken = _open(OPENED_AT)
    with pytest.raises(NotYet, match="payment window"):
        groupbuy.expire_seat(taken.order.id, taken.order.pay_by - timedelta(seconds=1))
    with pytest.raises(NotYet, match="deadline"):
        groupbuy.close_team_at_deadline(taken.team.id, taken.team.expires_at - timedelta(seconds=1))
