"""The WeChat Pay v3 adapter against a fake WeChat Pay on 127.0.0.1: real request
signing, real response and notification verification, real AES-GCM. Offline."""
from __future__ import annotations

import json
import traceback
import urllib.error
import urllib.request
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from chalicelib.adapters.payments import (
    InvalidNotification,
    PaymentError,
    PaymentEvent,
    PaymentRejected,
    PaymentRequest,
    PaymentState,
    RefundRequest,
    RefundStatus,
)
from tests.adapters.payments.conftest import wechat_pay
from tests.adapters.payments.fake_wechatpay import (
    APP_ID,
    OPENID,
    FakeWechatPay,
    Scripted,
    notification,
    paid_transaction,
    private_pem,
    rsa_verifies,
)

ORDER = "01JH8Y3V6Q9ZK2M4N5P7R8S9TA"
REFUND_ID = "RF01JH8Y3V6Q9ZK2M4N5P7R8S9T"
EXPIRES = datetime(2025, 1, 1, 4, 15, tzinfo=UTC)


def payment_request(**changes) -> PaymentRequest:
    return replace(PaymentRequest(order_id=ORDER, amount=2990, currency="CNY", description="拼团 · 有机苹果 2kg",
                                  payer_openid=OPENID, expires_at=EXPIRES), **changes)


def refund_request(**changes) -> RefundRequest:
    return replace(RefundRequest(order_id=ORDER, refund_id=REFUND_ID, amount=2990, total=2990, currency="CNY",
                                 reason="拼团未成团，全额退款"), **changes)


def paid_order(wxpay, fake: FakeWechatPay, order_id: str = ORDER) -> None:
    wxpay.create_jsapi_payment(payment_request(order_id=order_id))
    fake.pay(order_id)


def rendered(error: BaseException) -> str:
    """Everything a log line of this exception would show, chained causes included."""
    return "".join(traceback.format_exception(error))


# -- prepay -----------------------------------------------------------------------

def test_prepay_returns_request_payment_params_signed_with_the_merchant_key(wxpay, fake, keys):
    params = wxpay.create_jsapi_payment(payment_request())

    assert (params.app_id, params.package, params.sign_type) == (
        APP_ID, "prepay_id=wx201410272009395522657a690389285100", "RSA")
    assert params.time_stamp.isdigit() and 1 <= len(params.nonce_str) <= 32
    message = f"{params.app_id}\n{params.time_stamp}\n{params.nonce_str}\n{params.package}\n"
    assert rsa_verifies(keys.merchant_cert.public_key(), params.pay_sign, message)
    assert not rsa_verifies(keys.merchant_cert.public_key(), params.pay_sign, message.replace("wx2014", "wx2015"))


def test_prepay_sends_a_signed_jsapi_order_in_china_time(wxpay, fake):
    wxpay.create_jsapi_payment(payment_request())

    [sent] = fake.requests
    assert sent["signed"] and sent["path"] == "/v3/pay/transactions/jsapi"
    assert sent["headers"]["Wechatpay-Serial"] == fake.keys.public_key_id
    assert sent["body"] == {
        "notify_url": "https://tuanstack.example/payments/wechat/notify",
        "description": "拼团 · 有机苹果 2kg", "out_trade_no": ORDER,
        "amount": {"total": 2990, "currency": "CNY"}, "payer": {"openid": OPENID},
        "time_expire": "2025-01-01T12:15:00+08:00", "appid": APP_ID, "mchid": "1900000109",
    }


@pytest.mark.parametrize("changes", [
    {"order_id": "short"}, {"order_id": "has/slash-in-it"}, {"amount": 0}, {"amount": 29.9},
    {"currency": "USD"}, {"payer_openid": ""},
])
def test_prepay_refuses_what_wechat_would_refuse_without_calling_it(wxpay, fake, changes):
    with pytest.raises(PaymentRejected):
        wxpay.create_jsapi_payment(payment_request(**changes))
    assert fake.requests == []


def test_prepay_refused_by_wechat_is_final(wxpay, fake):
    fake.script("POST /v3/pay/transactions/jsapi", Scripted(403, {"code": "ORDERPAID", "message": "订单已支付"}))
    with pytest.raises(PaymentRejected, match="ORDERPAID"):
        wxpay.create_jsapi_payment(payment_request())


def test_an_answer_not_signed_by_the_platform_key_is_not_trusted(wxpay, fake, keys):
    fake.script("POST /v3/pay/transactions/jsapi",
                Scripted(200, {"prepay_id": "wx-forged"}, signing_key=keys.stranger))
    with pytest.raises(PaymentError, match="could not be verified"):
        wxpay.create_jsapi_payment(payment_request())


# -- query --------------------------------------------------------------------------

def test_query_follows_the_order_from_unpaid_to_paid(wxpay, fake):
    assert wxpay.query_payment(ORDER) is None  # ORDER_NOT_EXIST
    wxpay.create_jsapi_payment(payment_request())
    assert wxpay.query_payment(ORDER) == PaymentEvent(ORDER, None, PaymentState.NOTPAY, 2990, "CNY", None)

    fake.pay(ORDER, payer_total=2890)  # a WeChat-side coupon paid 1 yuan

    assert wxpay.query_payment(ORDER) == PaymentEvent(
        ORDER, "4200000000202501010000000001", PaymentState.SUCCESS, 2890, "CNY", "2025-01-01T12:00:05+08:00")
    assert all(r["signed"] for r in fake.requests)


# -- notifications ------------------------------------------------------------------

def test_a_notification_from_wechat_parses_to_the_payment_event(wxpay, keys):
    headers, body = notification(keys, paid_transaction(ORDER, 2990))

    assert wxpay.parse_notification(headers, body) == PaymentEvent(
        ORDER, "4200000000202501010000000001", PaymentState.SUCCESS, 2990, "CNY", "2025-01-01T12:00:05+08:00")


def test_notification_headers_are_read_in_any_case(wxpay, keys):
    headers, body = notification(keys, paid_transaction(ORDER, 2990))

    event = wxpay.parse_notification({k.lower(): v for k, v in headers.items()}, body)

    assert (event.order_id, event.state, event.amount) == (ORDER, PaymentState.SUCCESS, 2990)


def _tampered_body(keys):
    headers, body = notification(keys, paid_transaction(ORDER, 2990))
    return headers, body.replace(b'"summary"', b'"summery"')


def _forged_signature(keys):
    return notification(keys, paid_transaction(ORDER, 2990), signing_key=keys.stranger)


def _unknown_serial(keys):
    return notification(keys, paid_transaction(ORDER, 2990), serial="PUB_KEY_ID_0000000000000000000000000000000000")


def _certificate_serial(keys):
    # In public-key mode a (hex) certificate serial is refused before the library
    # would go and download /v3/certificates for it.
    return notification(keys, paid_transaction(ORDER, 2990), serial=keys.platform_serial)


def _stale(keys):
    return notification(keys, paid_transaction(ORDER, 2990),
                        timestamp=int(datetime.now(UTC).timestamp()) - 301)


def _from_the_future(keys):
    return notification(keys, paid_transaction(ORDER, 2990),
                        timestamp=int(datetime.now(UTC).timestamp()) + 301)


def _wrong_apiv3_key(keys):
    return notification(keys, paid_transaction(ORDER, 2990), apiv3_key="0" * 32)


def _garbage_json(keys):
    return notification(keys, {}, raw_body='{"resource_type": "encrypt-resource", "resource": ')


def _not_signed(keys):
    headers, body = notification(keys, paid_transaction(ORDER, 2990))
    return {k: v for k, v in headers.items() if k != "Wechatpay-Signature"}, body


def _other_signature_type(keys):
    headers, body = notification(keys, paid_transaction(ORDER, 2990))
    return {**headers, "Wechatpay-Signature-Type": "WECHATPAY2-SM2-WITH-SM3"}, body


def _another_merchant(keys):
    return notification(keys, paid_transaction(ORDER, 2990, mchid="1900000999"))


def _a_refund_event(keys):
    return notification(keys, {"mchid": "1900000109", "out_trade_no": ORDER, "out_refund_no": REFUND_ID,
                               "refund_status": "SUCCESS", "amount": {"total": 2990, "refund": 2990}},
                        event_type="REFUND.SUCCESS")


def _not_utf8(keys):
    headers, body = notification(keys, paid_transaction(ORDER, 2990))
    return headers, body + b"\xff"


@pytest.mark.parametrize("forge", [
    _tampered_body, _forged_signature, _unknown_serial, _certificate_serial, _stale, _from_the_future,
    _wrong_apiv3_key, _garbage_json, _not_signed, _other_signature_type, _another_merchant,
    _a_refund_event, _not_utf8,
])
def test_a_notification_that_does_not_check_out_is_refused_without_leaking(wxpay, fake, keys, forge):
    headers, body = forge(keys)

    with pytest.raises(InvalidNotification) as refused:
        wxpay.parse_notification(headers, body)

    shown = rendered(refused.value)
    assert OPENID not in shown and keys.apiv3_key not in shown
    assert fake.requests == []  # verifying a notification never calls WeChat


def test_platform_certificate_mode_verifies_notifications_and_answers(keys, monkeypatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    fake = FakeWechatPay(keys, serial=keys.platform_serial).start()
    try:
        from cryptography.hazmat.primitives.serialization import Encoding

        wxpay = wechat_pay(keys, fake.url, public_key=None, public_key_id=None,
                           platform_certificates=[keys.platform_cert.public_bytes(Encoding.PEM).decode()])
        assert wxpay.create_jsapi_payment(payment_request()).package.startswith("prepay_id=")

        headers, body = notification(keys, paid_transaction(ORDER, 2990), serial=keys.platform_serial.lower())
        assert wxpay.parse_notification(headers, body).state is PaymentState.SUCCESS
        headers, body = notification(keys, paid_transaction(ORDER, 2990), serial="ABCDEF0123")
        with pytest.raises(InvalidNotification):
            wxpay.parse_notification(headers, body)
        assert len(fake.requests) == 1  # the prepay; no certificate download
    finally:
        fake.stop()


# -- refunds ------------------------------------------------------------------------

@pytest.mark.parametrize("answered, status", [("SUCCESS", RefundStatus.SUCCESS),
                                              ("PROCESSING", RefundStatus.PROCESSING)])
def test_refund_is_keyed_by_the_refund_id(wxpay, fake, answered, status):
    paid_order(wxpay, fake)
    fake.refund_status = answered

    result = wxpay.refund(refund_request())

    assert (result.refund_id, result.status) == (REFUND_ID, status)
    assert result.provider_refund_id == "50000000382019052709732678000"
    sent = fake.requests[-1]
    assert sent["signed"] and sent["body"] == {
        "out_refund_no": REFUND_ID, "amount": {"refund": 2990, "total": 2990, "currency": "CNY"},
        "out_trade_no": ORDER, "reason": "拼团未成团，全额退款"}


def test_a_retried_refund_comes_back_as_the_existing_refund(wxpay, fake):
    paid_order(wxpay, fake)
    fake.refund_status = "PROCESSING"
    first = wxpay.refund(refund_request())

    again = wxpay.refund(refund_request())  # WeChat answers 200 with the refund
    reworded = wxpay.refund(refund_request(reason="团购失败"))  # 400 INVALID_REQUEST, then the lookup

    assert first == again == reworded
    assert list(fake.refunds) == [REFUND_ID]


def test_a_refund_id_reused_for_another_amount_is_refused(wxpay, fake):
    paid_order(wxpay, fake)
    wxpay.refund(refund_request(amount=1000))

    with pytest.raises(PaymentRejected, match="different refund"):
        wxpay.refund(refund_request(amount=1990))


def test_refunding_more_than_is_left_is_refused(wxpay, fake):
    paid_order(wxpay, fake)
    wxpay.refund(refund_request(amount=2000))

    with pytest.raises(PaymentRejected, match="INVALID_REQUEST"):
        wxpay.refund(refund_request(refund_id="RF-second", amount=1000))
    assert list(fake.refunds) == [REFUND_ID]


@pytest.mark.parametrize("status, code, error", [
    (500, "SYSTEM_ERROR", PaymentError),
    (502, "UNKNOWN", PaymentError),
    (429, "FREQUENCY_LIMITED", PaymentError),
    (400, "PARAM_ERROR", PaymentRejected),
    (403, "NOT_ENOUGH", PaymentRejected),
    (403, "USER_ACCOUNT_ABNORMAL", PaymentRejected),
])
def test_refund_errors_map_to_retryable_or_final(wxpay, fake, status, code, error):
    paid_order(wxpay, fake)
    fake.script("POST /v3/refund/domestic/refunds", Scripted(status, {"code": code, "message": "出错了"}))

    with pytest.raises(error, match=f"{status} {code}"):
        wxpay.refund(refund_request())


def test_a_refund_that_times_out_is_retryable(keys, fake):
    wxpay = wechat_pay(keys, fake.url, timeout_seconds=0.2)
    paid_order(wxpay, fake)
    fake.script("POST /v3/refund/domestic/refunds", Scripted(200, {}, hang=True))

    with pytest.raises(PaymentError, match="did not answer"):
        wxpay.refund(refund_request())


def test_an_unreachable_wechat_is_retryable(keys):
    # A port nobody listens on: connection refused.
    wxpay = wechat_pay(keys, "http://127.0.0.1:9")

    with pytest.raises(PaymentError, match="did not answer"):
        wxpay.refund(refund_request())


def test_a_refund_lookup_that_fails_leaves_the_outcome_unknown(wxpay, fake):
    paid_order(wxpay, fake)
    fake.script("POST /v3/refund/domestic/refunds", Scripted(400, {"code": "INVALID_REQUEST", "message": "x"}))
    fake.script("GET /v3/refund/domestic/refunds/", Scripted(500, {"code": "SYSTEM_ERROR", "message": "x"}))

    with pytest.raises(PaymentError):
        wxpay.refund(refund_request())


# -- configuration ------------------------------------------------------------------

def test_constructing_the_adapter_makes_no_request(keys, fake):
    # Cold starts must not wait on WeChat (certificate mode would, without the checks).
    wechat_pay(keys, fake.url)
    assert fake.requests == []


@pytest.mark.parametrize("overrides, words", [
    ({"apiv3_key": "too-short"}, "32 bytes"),
    ({"notify_url": "http://plain.example/notify"}, "https"),
    ({"public_key_id": None}, "go together"),
    ({"platform_certificates": ["-----BEGIN CERTIFICATE-----"]}, "not both"),
    ({"public_key": None, "public_key_id": None}, "to verify WeChat"),
    ({"mchid": ""}, "mchid"),
])
def test_bad_configuration_is_refused(keys, overrides, words):
    with pytest.raises(ValueError, match=words):
        wechat_pay(keys, "http://127.0.0.1:9", **overrides)


def test_a_broken_private_key_is_refused_without_quoting_it(keys):
    broken = private_pem(keys.merchant)[:-200]
    with pytest.raises(ValueError) as refused:
        wechat_pay(keys, "http://127.0.0.1:9", private_key=broken)
    assert broken[40:80] not in rendered(refused.value)


def test_the_fake_refuses_requests_not_signed_by_the_merchant(fake):
    # The fake's signature check is what makes the tests above mean something.
    request = urllib.request.Request(f"{fake.url}/v3/refund/domestic/refunds", method="POST",
                                     data=json.dumps({"out_refund_no": "x"}).encode(),
                                     headers={"Authorization": 'WECHATPAY2-SHA256-RSA2048 mchid="1900000109"'})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=5)
    assert refused.value.code == 401 and fake.unsigned_requests
