"""After a restore (`make dev --state-file`), checkout payments get their timers again:
an AWAITING payment its window timer, a REFUNDING one its refund, each under the name
it had, so a start that already happened does nothing (devstack/rearm.py)."""
from __future__ import annotations

import os

import app as app_module
from chalicelib.checkout import paying, placing
from chalicelib.checkout import stream_handlers as checkout_stream
from chalicelib.checkout.rules import CheckoutRequest
from chalicelib.core import executions
from chalicelib.core.clock import iso, utc_now
from chalicelib.core.ids import new_id
from devstack.rearm import rearm
from tests.checkout.support import PAYMENTS, buyer, shop


def _place():
    customer = buyer(shop(), quantities=(1,))
    placed = placing.place_order(customer, CheckoutRequest(coupon_ids=()), new_id(), PAYMENTS, "openid-x", utc_now())
    return customer, placed.payment


def test_awaiting_and_refunding_payments_are_re_armed(emulator, monkeypatch):
    started = []

    def record(arn, name, payload):
        started.append((arn.rsplit(":", 1)[-1], name, payload))
        return True

    monkeypatch.setattr(executions, "start_once", record)
    monkeypatch.setattr(checkout_stream, "start_once", record)
    _, awaiting = _place()
    customer, late = _place()
    paying.cancel_by_buyer(customer, late.id, utc_now())
    headers, body = PAYMENTS.simulate_capture(late.id)
    assert paying.apply_payment_event(PAYMENTS.parse_notification(headers, body), utc_now()) == "late"

    counts = rearm(app_module.app, emulator.endpoint_url, os.environ["AWS_REGION"], os.environ["TUANSTACK_TABLE"])
    window = os.environ["TUANSTACK_PAYMENT_WINDOW_SFN_ARN"].rsplit(":", 1)[-1]
    refund = os.environ["TUANSTACK_REFUND_SFN_ARN"].rsplit(":", 1)[-1]
    assert sorted(started) == sorted([
        (window, awaiting.id, {"paymentId": awaiting.id, "payBy": iso(awaiting.pay_by)}),
        (refund, f"{late.id}-0", {"paymentId": late.id}),
    ])
    assert (counts["payments"], counts["refunds"]) == (1, 1)
