"""A seat's payment window: before giving the seat back, the provider is asked whether it was
paid in time (a capture whose notification is still on its way pays it instead)."""
from __future__ import annotations

from datetime import timedelta

from chalicelib.adapters.payments import PaymentError, PaymentEvent, PaymentState
from chalicelib.core.clock import utc_now
from chalicelib.groupbuy import service as groupbuy
from chalicelib.groupbuy import store
from chalicelib.groupbuy.rules import OrderState
from tests.groupbuy.support import RecordingPayments, deal_setup, user


class Reports:
    """A provider whose query answers what the payer did."""

    def __init__(self, event: PaymentEvent | None = None, down: bool = False) -> None:
        self.event, self.down = event, down

    def query_payment(self, order_id: str) -> PaymentEvent | None:
        if self.down:
            raise PaymentError("unreachable")
        return self.event


def _opened_seat():
    deal, sku, _ = deal_setup(team_size=3)
    return groupbuy.open_team(user("leader"), deal.id, sku, None, RecordingPayments(), utc_now()).order


def test_a_seat_paid_in_time_whose_notification_is_late_is_kept_when_its_window_passes():
    order = _opened_seat()
    in_time = (order.pay_by - timedelta(seconds=30)).isoformat()
    paid = Reports(PaymentEvent(order.id, "wx-1", PaymentState.SUCCESS, order.amount.amount, order.amount.currency,
                                in_time))
    assert groupbuy.expire_seat(order.id, order.pay_by + timedelta(seconds=1), paid) is False
    assert store.get_order(order.id).state is OrderState.PAID_AWAITING_TEAM


def test_an_unpaid_seat_or_a_provider_that_cannot_answer_gives_the_seat_back():
    unpaid, down = _opened_seat(), _opened_seat()
    assert groupbuy.expire_seat(unpaid.id, unpaid.pay_by + timedelta(seconds=1), Reports()) is True
    assert groupbuy.expire_seat(down.id, down.pay_by + timedelta(seconds=1), Reports(down=True)) is True
    assert store.get_order(unpaid.id).state is OrderState.CANCELLED
    assert store.get_order(down.id).state is OrderState.CANCELLED
