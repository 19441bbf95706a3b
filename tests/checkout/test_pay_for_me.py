"""Pay for me (代付) at the service level: the buyer shares an unpaid payment once; another
signed-in user sees its lines (never the address) and pays under a trade number of their
own; one capture pays, whoever pays, and any other capture goes back under its own trade
number."""
from __future__ import annotations

import pytest

from chalicelib.checkout import keys, paying, placing, refunds, sharing, store
from chalicelib.checkout.rules import CheckoutRequest, OrderState, PaymentState
from chalicelib.core.clock import utc_now
from chalicelib.core.errors import InvalidState, NotFound, PaymentWindowPassed, Unauthenticated
from chalicelib.core.ids import SHARE_ALPHABET, is_share_code, new_id, new_share_code
from chalicelib.core.principal import Principal, Role
from tests.checkout.support import PAYMENTS, buyer, captured, shop


def _placed():
    s = shop()
    customer = buyer(s, quantities=(2,))
    placed = placing.place_order(customer, CheckoutRequest(coupon_ids=()), new_id(), PAYMENTS, "openid-x", utc_now())
    return customer, placed.payment


def _friend() -> Principal:
    return Principal(new_id(), Role.CUSTOMER)


def _trade_of(friend, payment):
    code = sharing.share_payment(buyer_of(payment), payment.id, utc_now())
    _, params = sharing.pay_for_other(friend, code, PAYMENTS, utc_now())
    assert params.package.startswith("prepay_id=")
    return store.get_payment(payment.id).trade_of(friend.user_id)


def buyer_of(payment) -> Principal:
    return Principal(payment.user_id, Role.CUSTOMER)


def _capture(trade_no, amount):
    """The simulated provider captures under this trade number and notifies (as WeChat would)."""
    headers, body = PAYMENTS.simulate_capture(trade_no, amount)
    return paying.apply_payment_event(PAYMENTS.parse_notification(headers, body), utc_now())


def test_a_payment_is_shared_once_and_only_by_its_buyer_while_it_awaits():
    customer, payment = _placed()
    code = sharing.share_payment(customer, payment.id, utc_now())
    assert is_share_code(code)
    assert sharing.share_payment(customer, payment.id, utc_now()) == code  # the same code again
    assert store.shared_payment_id(code, utc_now()) == payment.id
    assert store.shared_payment_id(code, payment.pay_by + sharing.SHARE_KEPT_AFTER_PAY_BY) is None  # expired
    with pytest.raises(NotFound):  # another user's payment: as if it did not exist
        sharing.share_payment(_friend(), payment.id, utc_now())
    with pytest.raises(Unauthenticated):
        sharing.share_payment(None, payment.id, utc_now())
    other, unshared = _placed()
    paying.cancel_by_buyer(other, unshared.id, utc_now())
    with pytest.raises(InvalidState):
        sharing.share_payment(other, unshared.id, utc_now())
    assert store.get_payment(unshared.id).share_code is None


def test_the_shared_view_has_the_lines_and_amount_never_the_address():
    customer, payment = _placed()
    code = sharing.share_payment(customer, payment.id, utc_now())
    shared = sharing.shared_payment(_friend(), code, utc_now())
    (line,) = shared.lines
    assert (line.product_name, line.sku_code, line.quantity, line.unit_price) == ("Mango", "M0", 2, 6000)
    assert shared.payment.amount == payment.amount == 12000
    assert not hasattr(shared, "address")
    for unknown in (new_share_code(), "not-a-code", ""):
        with pytest.raises(NotFound):
            sharing.shared_payment(_friend(), unknown, utc_now())
    with pytest.raises(NotFound):  # expired
        sharing.shared_payment(_friend(), code, payment.pay_by + sharing.SHARE_KEPT_AFTER_PAY_BY)


def test_each_payer_gets_a_trade_number_of_their_own_reused_when_asked_again():
    customer, payment = _placed()
    code = sharing.share_payment(customer, payment.id, utc_now())
    friend = _friend()
    sharing.pay_for_other(friend, code, PAYMENTS, utc_now())
    sharing.pay_for_other(friend, code, PAYMENTS, utc_now())
    sharing.pay_for_other(customer, code, PAYMENTS, utc_now())  # the buyer: their own, the payment id
    trades = store.get_payment(payment.id).trade_payers
    ((trade_no, payer),) = trades.items()
    assert payer == friend.user_id and len(trade_no) == 32
    assert trade_no.startswith(payment.id + "-") and all(c in SHARE_ALPHABET for c in trade_no[-4:])
    assert store.get_payment(payment.id).trade_of(customer.user_id) == payment.id
    with pytest.raises(PaymentWindowPassed):
        sharing.pay_for_other(_friend(), code, PAYMENTS, payment.pay_by)
    paying.cancel_by_buyer(customer, payment.id, utc_now())
    with pytest.raises(InvalidState):
        sharing.pay_for_other(_friend(), code, PAYMENTS, utc_now())
    assert store.get_payment(payment.id).trade_payers == trades  # nothing added once cancelled


def test_the_friend_pays_and_the_orders_ship():
    customer, payment = _placed()
    friend = _friend()
    trade_no = _trade_of(friend, payment)
    assert _capture(trade_no, payment.amount) == "applied"
    assert _capture(trade_no, payment.amount) == "duplicate"
    paid = store.get_payment(payment.id)
    assert (paid.state, paid.trade_no, paid.payer_id) == (PaymentState.PAID, trade_no, friend.user_id)
    assert [o.state for o in store.orders_of(paid)] == [OrderState.TO_SHIP]
    with pytest.raises(InvalidState):
        sharing.pay_for_other(friend, paid.share_code, PAYMENTS, utc_now())


def test_when_both_pay_one_capture_pays_and_the_other_is_refunded_under_its_trade_number():
    customer, payment = _placed()
    trade_no = _trade_of(_friend(), payment)
    assert _capture(payment.id, payment.amount) == "applied"
    assert _capture(trade_no, payment.amount) == "extra"
    assert _capture(trade_no, payment.amount) == "extra"  # redelivered: recorded once
    paid = store.get_payment(payment.id)
    assert (paid.state, paid.trade_no, paid.payer_id) == (PaymentState.PAID, payment.id, customer.user_id)
    extra = store.get_payment(keys.EXTRA_CAPTURE_PREFIX + trade_no)
    assert (extra.state, extra.captured, extra.trade_no, extra.order_ids) == (
        PaymentState.REFUNDING, payment.amount, trade_no, ())
    assert refunds.refund_payment(extra.id, PAYMENTS, utc_now())["status"] == "REFUNDED"
    (made,) = PAYMENTS.refunds_for(trade_no)
    assert (made.refund_id, made.amount) == (f"R{trade_no}", payment.amount)
    assert PAYMENTS.refunds_for(payment.id) == []  # the buyer's capture is kept


def test_an_unknown_trade_number_is_unknown_order():
    _, payment = _placed()
    for trade_no in (f"{payment.id}-ZZZZ", "P" + new_id() + "-ABCD", f"{payment.id}-"):
        event = captured(trade_no, payment.amount, utc_now())
        assert paying.apply_payment_event(event, utc_now()) == "unknown_order"
    assert store.get_payment(payment.id).state is PaymentState.AWAITING


def test_a_late_capture_by_the_friend_is_refunded_under_the_friends_trade_number():
    customer, payment = _placed()
    trade_no = _trade_of(_friend(), payment)
    paying.cancel_by_buyer(customer, payment.id, utc_now())
    assert _capture(trade_no, payment.amount) == "late"
    late = store.get_payment(payment.id)
    assert (late.state, late.trade_no) == (PaymentState.REFUNDING, trade_no)
    assert _capture(payment.id, payment.amount) == "extra"  # the buyer paid too, after the cancel
    refunds.refund_payment(payment.id, PAYMENTS, utc_now())
    (made,) = PAYMENTS.refunds_for(trade_no)
    assert made.refund_id == f"R{trade_no}"
    assert store.get_payment(keys.EXTRA_CAPTURE_PREFIX + payment.id).state is PaymentState.REFUNDING


def test_at_most_five_others_may_pay_for_one_checkout_under_concurrency_too():
    import threading

    from chalicelib.core.errors import LimitReached

    customer, payment = _placed()
    code = sharing.share_payment(customer, payment.id, utc_now())
    outcomes: list[str] = []
    lock = threading.Lock()

    def ask(friend):
        try:
            sharing.pay_for_other(friend, code, PAYMENTS, utc_now())
            result = "params"
        except LimitReached:
            result = "LIMIT_REACHED"
        except InvalidState:
            result = "busy"  # lost every retry to the others: ask again
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=ask, args=(_friend(),)) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    others = store.get_payment(payment.id).trade_payers
    assert len(others) == store.MAX_OTHER_PAYERS == outcomes.count("params")
    assert outcomes.count("params") + outcomes.count("LIMIT_REACHED") + outcomes.count("busy") == 12
    # The buyer may always pay: their trade number is the payment id, not an entry of the map.
    _, params = sharing.pay_for_other(customer, code, PAYMENTS, utc_now())
    assert params.package.startswith("prepay_id=")
