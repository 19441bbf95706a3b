"""Pay for me under concurrency, against the serialised emulator: the buyer and a friend
capture at the same moment under their own trade numbers. The payment's state decides:
exactly one capture pays the orders, the other becomes its own refund-only payment, and the
held stock is sold once."""
from __future__ import annotations

import threading

from chalicelib.catalog import store as catalog_store
from chalicelib.checkout import keys, paying, placing, sharing, store
from chalicelib.checkout.rules import CheckoutRequest, OrderState, PaymentState
from chalicelib.core.clock import utc_now
from chalicelib.core.ids import new_id
from chalicelib.core.principal import Principal, Role
from tests.checkout.support import PAYMENTS, buyer, shop

REPEATS = 3


def _stock(s) -> tuple[int, int, int]:
    record = catalog_store.product_record(s.product_id, consistent=True)
    sku = next(k for k in record.skus if k.id == s.sku_ids[0])
    return sku.stock.available, sku.stock.reserved, sku.stock.sold


def _both_capture_at_once() -> None:
    s = shop(stock=10)
    customer = buyer(s, quantities=(3,))
    payment = placing.place_order(customer, CheckoutRequest(coupon_ids=()), new_id(), PAYMENTS, "openid-x",
                                  utc_now()).payment
    friend = Principal(new_id(), Role.CUSTOMER)
    sharing.pay_for_other(friend, sharing.share_payment(customer, payment.id, utc_now()), PAYMENTS, utc_now())
    trades = [payment.id, store.get_payment(payment.id).trade_of(friend.user_id)]
    events = [PAYMENTS.parse_notification(*PAYMENTS.simulate_capture(t)) for t in trades]
    start = threading.Barrier(len(events))
    outcomes: dict[str, str] = {}

    def capture(event) -> None:
        start.wait()
        outcomes[event.order_id] = paying.apply_payment_event(event, utc_now())

    threads = [threading.Thread(target=capture, args=(e,)) for e in events]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes.values()) == ["applied", "extra"], outcomes
    (winner,) = [t for t, outcome in outcomes.items() if outcome == "applied"]
    (loser,) = [t for t, outcome in outcomes.items() if outcome == "extra"]
    paid = store.get_payment(payment.id)
    assert (paid.state, paid.trade_no, paid.captured) == (PaymentState.PAID, winner, payment.amount)
    assert [o.state for o in store.orders_of(paid)] == [OrderState.TO_SHIP]
    extra = store.get_payment(keys.EXTRA_CAPTURE_PREFIX + loser)
    assert (extra.state, extra.trade_no, extra.captured) == (PaymentState.REFUNDING, loser, payment.amount)
    assert store.get_payment(keys.EXTRA_CAPTURE_PREFIX + winner) is None
    assert _stock(s) == (7, 0, 3)  # sold once: 10 units conserved


def test_buyer_and_friend_capturing_at_once_pay_once_and_the_other_is_refunded():
    for _ in range(REPEATS):
        _both_capture_at_once()
