"""Pay for me (代付, for families): the buyer shares an unpaid checkout's payment; another
signed-in user sees its items and total (never the address, the buyer's mobile or openid)
and pays it. One capture, whoever pays.

WeChat Pay binds a JSAPI prepay to the payer's openid, and one out_trade_no to one prepay,
so each payer pays under a trade number of their own: the buyer's is the payment id, another
payer's ``<payment id>-XXXX`` (kept on the payment, reused when they ask again). The first
capture in time pays the orders; any other goes back (chalicelib/checkout/paying.py)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from chalicelib.accounts.published.users import wechat_openid
from chalicelib.adapters.payments import JsapiParams, PaymentProvider
from chalicelib.checkout import keys, store
from chalicelib.checkout.placing import payment_params
from chalicelib.checkout.rules import OrderLine, Payment, PaymentState
from chalicelib.core.errors import InvalidState, LimitReached, NotFound, PaymentWindowPassed
from chalicelib.core.ids import is_share_code, new_share_code
from chalicelib.core.observability import count
from chalicelib.core.principal import Principal, require_user

SHARE_KEPT_AFTER_PAY_BY = timedelta(days=1)  # the payer can still see it was paid; then the code is gone
_ATTEMPTS = 5  # a racing writer or (rarely) a suffix taken: read again and retry


@dataclass(frozen=True, slots=True)
class SharedPayment:
    """What a payer other than the buyer sees: no address, no mobile, no openid."""

    payment: Payment
    lines: tuple[OrderLine, ...]


def share_payment(principal: Principal | None, payment_id: str, now: datetime) -> str:
    """The buyer's share code for an awaiting payment: made once; asked again, the same code."""
    caller = require_user(principal)
    for _ in range(_ATTEMPTS):
        payment = store.get_payment(payment_id)
        if payment is None or payment.user_id != caller.user_id:
            raise NotFound("no such payment", "paymentId")
        if payment.share_code:
            return payment.share_code
        _check_payable(payment, now, "paymentId")
        if store.add_share(payment, new_share_code(), payment.pay_by + SHARE_KEPT_AFTER_PAY_BY, now):
            count("PaymentsShared")
            payment = store.get_payment(payment_id) or payment
            return payment.share_code or ""
    raise InvalidState("this payment is changing; try again", "paymentId")


def shared_payment(principal: Principal | None, share_code: str, now: datetime) -> SharedPayment:
    """The shared payment's lines, amount, payBy and state, for any signed-in user."""
    require_user(principal)
    payment = _payment_shared_as(share_code, now)
    return SharedPayment(payment, tuple(line for order in store.orders_of(payment) for line in order.lines))


def pay_for_other(principal: Principal | None, share_code: str, payments: PaymentProvider,
                  now: datetime) -> tuple[SharedPayment, JsapiParams]:
    """``wx.requestPayment`` parameters for the caller's openid under the caller's trade number
    (the buyer's: the payment id), while the payment awaits and before its payBy."""
    caller = require_user(principal)
    shared = shared_payment(caller, share_code, now)
    payment = shared.payment
    for _ in range(_ATTEMPTS):
        _check_payable(payment, now, "shareCode")
        trade_no = payment.trade_of(caller.user_id)
        if trade_no is not None:
            params = payment_params(payments, payment, wechat_openid(caller.user_id), now, trade_no)
            if params is None:
                raise InvalidState("the payment service is unavailable; try again", "shareCode")
            return SharedPayment(payment, shared.lines), params
        if len(payment.trade_payers) >= store.MAX_OTHER_PAYERS:
            raise LimitReached(f"at most {store.MAX_OTHER_PAYERS} others may pay for one checkout", "shareCode")
        if store.add_trade_payer(payment, new_trade_number(payment.id), caller.user_id):
            count("PayForOtherTrades")
        payment = store.get_payment(payment.id) or payment  # ours now, or a racing change: look again
    raise InvalidState("this payment is changing; try again", "shareCode")


def new_trade_number(payment_id: str) -> str:
    return f"{payment_id}{keys.TRADE_SEPARATOR}{new_share_code(keys.TRADE_SUFFIX_LENGTH)}"


def _payment_shared_as(share_code: str, now: datetime) -> Payment:
    payment_id = store.shared_payment_id(share_code, now) if is_share_code(share_code) else None
    payment = store.get_payment(payment_id) if payment_id else None
    if payment is None:
        raise NotFound("no payment is shared under this code", "shareCode")
    return payment


def _check_payable(payment: Payment, now: datetime, field: str) -> None:
    if payment.state is not PaymentState.AWAITING:
        raise InvalidState(f"this payment is {payment.state.value.lower()}, not awaiting payment", field)
    if payment.pay_by <= now:
        raise PaymentWindowPassed("the time to pay for this checkout has passed", field)
