"""Access patterns of pay for me (代付): sharing a payment, reading it by its share code, a
payer's trade number kept on the payment, and a second payer's capture kept for its refund;
one function per row of docs/data-model.md; test_access_patterns.py runs them. Helpers
start with "_"."""
from __future__ import annotations

from chalicelib.checkout import keys, paying, sharing, store
from chalicelib.checkout.models import PaymentShareItem
from chalicelib.checkout.rules import PaymentState
from chalicelib.core.clock import utc_now
from chalicelib.core.ids import new_id
from chalicelib.core.principal import Principal, Role
from tests.checkout.support import PAYMENTS
from tests.integration.patterns_payments import _placed


def _buyer(placed) -> Principal:
    return Principal(placed.payment.user_id, Role.CUSTOMER)


def share_a_payment_once(emulator, category):
    placed = _placed()
    emulator.clear_log()
    code = sharing.share_payment(_buyer(placed), placed.payment.id, utc_now())
    assert emulator.dynamodb_operations() == ["GetItem", "TransactWriteItems", "GetItem"]
    share = PaymentShareItem.get(keys.payment_share_pk(code), keys.SHARE_SK)
    assert share.payment_id == placed.payment.id
    assert share.ttl == int((placed.payment.pay_by + sharing.SHARE_KEPT_AFTER_PAY_BY).timestamp())
    emulator.clear_log()
    assert sharing.share_payment(_buyer(placed), placed.payment.id, utc_now()) == code  # shared: one read
    assert emulator.dynamodb_operations() == ["GetItem"]


def a_shared_payment_by_its_share_code(emulator, category):
    placed = _placed(merchants=2)
    code = sharing.share_payment(_buyer(placed), placed.payment.id, utc_now())
    emulator.clear_log()
    shared = sharing.shared_payment(Principal(new_id(), Role.CUSTOMER), code, utc_now())
    assert len(shared.lines) == 2 and shared.payment.amount == placed.payment.amount
    ops = emulator.dynamodb_operations()
    assert ops == ["GetItem", "GetItem", "BatchGetItem"], ops


def give_a_payer_a_trade_number(emulator, category):
    placed = _placed()
    code = sharing.share_payment(_buyer(placed), placed.payment.id, utc_now())
    friends = [Principal(new_id(), Role.CUSTOMER) for _ in range(2)]
    emulator.clear_log()
    sharing.pay_for_other(friends[0], code, PAYMENTS, utc_now())  # the first: the map written whole
    ops = emulator.dynamodb_operations()
    assert ops == ["GetItem", "GetItem", "BatchGetItem", "UpdateItem", "GetItem", "GetItem"], ops  # + the openid
    sharing.pay_for_other(friends[1], code, PAYMENTS, utc_now())  # the next: one entry added
    emulator.clear_log()
    sharing.pay_for_other(friends[0], code, PAYMENTS, utc_now())  # asked again: reused, nothing written
    ops = emulator.dynamodb_operations()
    assert ops == ["GetItem", "GetItem", "BatchGetItem", "GetItem"], ops
    trades = store.get_payment(placed.payment.id).trade_payers
    assert sorted(trades.values()) == sorted(f.user_id for f in friends)


def keep_a_second_capture_for_its_refund(emulator, category):
    placed = _placed()
    code = sharing.share_payment(_buyer(placed), placed.payment.id, utc_now())
    friend = Principal(new_id(), Role.CUSTOMER)
    sharing.pay_for_other(friend, code, PAYMENTS, utc_now())
    trade_no = store.get_payment(placed.payment.id).trade_of(friend.user_id)
    for trade in (placed.payment.id, trade_no):
        PAYMENTS.simulate_capture(trade)
    assert paying.apply_payment_event(PAYMENTS.query_payment(placed.payment.id), utc_now()) == "applied"
    emulator.clear_log()
    assert paying.apply_payment_event(PAYMENTS.query_payment(trade_no), utc_now()) == "extra"
    assert emulator.dynamodb_operations() == ["GetItem", "PutItem"]
    assert store.get_payment(keys.EXTRA_CAPTURE_PREFIX + trade_no).state is PaymentState.REFUNDING
