"""Access patterns of checkout payments after placing (the window timer, a late capture's
refund, the operators' queue), one function per row of docs/data-model.md;
test_access_patterns.py runs them. Helpers start with "_"."""
from __future__ import annotations

from datetime import timedelta

from chalicelib.checkout import paying, placing, refunds
from chalicelib.checkout import store as checkout_store
from chalicelib.checkout.rules import CheckoutRequest, PaymentState
from chalicelib.core.clock import utc_now
from chalicelib.core.ids import new_id
from chalicelib.core.principal import Principal, Role
from tests.checkout.support import PAYMENTS, buyer, shop

_OPERATOR = Principal("01J0000000000000000000OPER", Role.OPERATOR)


def _placed(merchants: int = 1):
    """A checkout of ``merchants`` orders, without coupons or points."""
    shops = [shop() for _ in range(merchants)]
    customer = buyer(shops[0], quantities=(1,))
    from chalicelib.cart import service as cart

    for extra in shops[1:]:
        cart.add(customer, extra.product_id, extra.sku_ids[0], 1, utc_now())
    return placing.place_order(customer, CheckoutRequest(coupon_ids=()), new_id(), PAYMENTS, "openid-x", utc_now())


def _late_captured():
    """A payment the buyer cancelled, then paid at the provider: REFUNDING."""
    placed = _placed()
    paying.cancel_by_buyer(Principal(placed.payment.user_id, Role.CUSTOMER), placed.payment.id, utc_now())
    headers, body = PAYMENTS.simulate_capture(placed.payment.id)
    assert paying.apply_payment_event(PAYMENTS.parse_notification(headers, body), utc_now()) == "late"
    return placed.payment.id


def cancel_a_payment_when_its_window_passes(emulator, category):
    placed = _placed(merchants=2)
    emulator.clear_log()
    after = placed.payment.pay_by + timedelta(seconds=1)
    assert paying.cancel_when_window_passed(placed.payment.id, after) == "cancelled"
    operations = emulator.dynamodb_operations()
    assert operations == ["GetItem", "TransactWriteItems", "BatchGetItem"], operations


def refund_a_late_capture(emulator, category):
    payment_id = _late_captured()
    emulator.clear_log()
    assert refunds.refund_payment(payment_id, PAYMENTS, utc_now())["status"] == "REFUNDED"
    assert emulator.dynamodb_operations() == ["GetItem", "UpdateItem"]
    assert checkout_store.get_payment(payment_id).state is PaymentState.REFUNDED


def payments_whose_refund_failed(emulator, category):
    failed = [_late_captured() for _ in range(3)]
    for payment_id in failed:
        refunds.mark_refund_failed(payment_id, "provider down")
    emulator.clear_log()
    first = refunds.refund_failed_payments(_OPERATOR, 2)
    rest = refunds.refund_failed_payments(_OPERATOR, 2, first.items[-1].id)
    assert [p.id for p in first.items + rest.items] == sorted(failed, reverse=True)
    assert emulator.dynamodb_operations() == ["Query", "Query"]
