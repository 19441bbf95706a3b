"""WeChat Pay API v3 for mini-program (JSAPI) payments, through ``wechatpayv3`` 2.0.4.

What the library does for us: signs every request with the merchant key
(``Authorization: WECHATPAY2-SHA256-RSA2048 ...``), verifies the signature of
every 2xx answer with WeChat's platform key, verifies a notification's signature
and decrypts its AES-256-GCM resource with the APIv3 key (``callback``), and signs
the ``wx.requestPayment`` parameters (``sign``).

What it does not do, and this adapter adds:
- reject notifications older or newer than five minutes (replay), and notifications
  signed with a key we were not configured with *before* the library sees them:
  on an unknown serial the library would download ``/v3/certificates``, so any
  anonymous caller could make us call WeChat once per forged notification;
- map HTTP answers to the port's errors: network errors, timeouts, 5xx,
  ``SYSTEM_ERROR`` and ``FREQUENCY_LIMITED`` are retryable (``PaymentError``); other
  4xx are final (``PaymentRejected``);
- make a refund retried with the same ``out_refund_no`` come back as that refund.

``wechatpayv3`` (and through it ``requests`` and ``cryptography.x509``) is imported
in the constructor, not here: importing it costs ~0.1-0.2 s of cold start that
only the payment paths should pay.

Deliberately no logger is handed to the library: at DEBUG it logs request bodies
and decrypted notifications, which carry the payer's openid.
"""
from __future__ import annotations

import json
import re
import secrets
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from chalicelib.adapters.payments import (
    InvalidNotification,
    JsapiParams,
    PaymentError,
    PaymentEvent,
    PaymentRejected,
    PaymentRequest,
    PaymentState,
    RefundRequest,
    RefundResult,
    RefundStatus,
    TransferRequest,
    TransferResult,
)

OFFICIAL_API_BASE = "https://api.mch.weixin.qq.com"
# WeChat Pay states times in China Standard Time and wants them back that way.
CHINA_TIME = timezone(timedelta(hours=8))
MAX_NOTIFICATION_SKEW_SECONDS = 300
SIGNATURE_TYPE = "WECHATPAY2-SHA256-RSA2048"

# Character sets and lengths WeChat documents for the merchant's own numbers.
# Checked here because the library puts them into URL paths unescaped.
_OUT_TRADE_NO = re.compile(r"^[0-9A-Za-z_\-*]{6,32}$")
_OUT_REFUND_NO = re.compile(r"^[0-9A-Za-z_\-|*@]{1,64}$")
_HEX_SERIAL = re.compile(r"^[0-9A-Fa-f]{1,64}$")
_ERROR_CODE = re.compile(r"^[A-Z][A-Z0-9_]{0,63}$")
_RETRYABLE_CODES = frozenset({"SYSTEM_ERROR", "FREQUENCY_LIMITED", "BANK_ERROR"})
_REFUND_REASON_LIMIT = 80  # WeChat shows the reason to the payer

# USERPAYING (waiting for the payer's password) is not paid yet; REVOKED only
# happens to payment-code orders and ends the payment like CLOSED.
_TRADE_STATES = {
    "SUCCESS": PaymentState.SUCCESS,
    "REFUND": PaymentState.REFUND,
    "NOTPAY": PaymentState.NOTPAY,
    "USERPAYING": PaymentState.NOTPAY,
    "CLOSED": PaymentState.CLOSED,
    "REVOKED": PaymentState.CLOSED,
    "PAYERROR": PaymentState.PAYERROR,
}
_REFUND_STATES = {s.value: s for s in RefundStatus}


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _truncate(text: str, limit: int) -> str:
    """At most ``limit`` UTF-8 bytes, cut between characters: the limits WeChat
    documents are safe to read as bytes, whichever way it counts them."""
    return text.encode("utf-8")[:limit].decode("utf-8", errors="ignore")


def _check_id(value: str, pattern: re.Pattern[str], what: str) -> str:
    if not isinstance(value, str) or not pattern.match(value):
        raise PaymentRejected(f"{what} is not valid for WeChat Pay")
    return value


class WechatPayV3:
    """The ``PaymentProvider`` for WeChat Pay v3, direct-merchant mode (直连商户).

    Platform verification material, one of:
    - ``public_key`` + ``public_key_id`` (微信支付公钥, "PUB_KEY_ID_..."): what new
      merchants get; preferred;
    - ``platform_certificates``: PEM platform certificates (平台证书) for merchants
      still on certificates. Only their serials are accepted on notifications; a
      rotated certificate must be added to the configuration.
    """

    def __init__(
        self,
        *,
        mchid: str,
        app_id: str,
        private_key: str,
        cert_serial_no: str,
        apiv3_key: str,
        notify_url: str,
        public_key: str | None = None,
        public_key_id: str | None = None,
        platform_certificates: Sequence[str] = (),
        timeout_seconds: float = 10.0,
        api_base: str = OFFICIAL_API_BASE,
        clock: Callable[[], float] = time.time,
    ) -> None:
        for name, value in (("mchid", mchid), ("app_id", app_id), ("private_key", private_key),
                            ("cert_serial_no", cert_serial_no), ("apiv3_key", apiv3_key)):
            if not value:
                raise ValueError(f"WeChat Pay {name} is not configured")
        if len(apiv3_key.encode()) != 32:
            raise ValueError("the WeChat Pay APIv3 key must be 32 bytes (AES-256)")
        if not notify_url.startswith("https://"):
            raise ValueError("WeChat Pay notifies only https:// URLs")
        if bool(public_key) != bool(public_key_id):
            raise ValueError("the WeChat Pay public key and its id go together")
        if public_key and platform_certificates:
            raise ValueError("configure the WeChat Pay public key or platform certificates, not both")
        if not public_key and not platform_certificates:
            raise ValueError("configure the WeChat Pay public key (or platform certificates) to verify WeChat")

        # Imported here: see the module docstring.
        import requests
        from wechatpayv3 import WeChatPay, WeChatPayType

        self._transport_errors: type[Exception] = requests.exceptions.RequestException
        self._pay_type = WeChatPayType.MINIPROG
        self._mchid = mchid
        self._app_id = app_id
        self._notify_url = notify_url
        self._clock = clock
        self._public_key_id = public_key_id
        self._certificate_serials: frozenset[int] = frozenset()
        cert_dir = None
        if platform_certificates:
            cert_dir, self._certificate_serials = _certificate_dir(platform_certificates)
        try:
            self._pay = WeChatPay(
                wechatpay_type=self._pay_type,
                mchid=mchid,
                private_key=private_key,
                cert_serial_no=cert_serial_no,
                appid=app_id,
                apiv3_key=apiv3_key,
                # None on purpose: the library would also send it with refunds, and
                # refund notifications are not payment events (see refund()).
                notify_url=None,
                cert_dir=cert_dir,
                logger=None,
                timeout=timeout_seconds,
                public_key=public_key,
                public_key_id=public_key_id,
            )
        except Exception:  # noqa: BLE001  # re-raised as one typed error, without key material
            # The library's messages carry no key material, but say nothing useful either.
            raise ValueError("the WeChat Pay merchant private key or platform key does not load") from None
        core = getattr(self._pay, "_core", None)
        if core is None or not hasattr(core, "_gate_way"):
            raise RuntimeError("wechatpayv3 changed: Core._gate_way is gone (pinned 2.0.4)")
        # 2.0.4 has no base-URL parameter. WeChat runs a backup domain
        # (api2.mch.weixin.qq.com) and tests run a fake server, so we set the one
        # attribute every request URL is built from.
        core._gate_way = api_base.rstrip("/")

    # -- payments ---------------------------------------------------------------

    def create_jsapi_payment(self, request: PaymentRequest) -> JsapiParams:
        order_id = _check_id(request.order_id, _OUT_TRADE_NO, "the order id")
        if not _whole(request.amount) or request.amount <= 0:
            raise PaymentRejected("the amount must be a positive whole number of fen")
        if request.currency != "CNY":
            raise PaymentRejected("WeChat Pay JSAPI takes CNY only")
        if not request.description or not request.payer_openid:
            raise PaymentRejected("a description and the payer are required")
        if request.expires_at.tzinfo is None:
            raise ValueError("expires_at must carry a time zone")
        status, text = self._call(lambda: self._pay.pay(
            description=_truncate(request.description, 127),
            out_trade_no=order_id,
            amount={"total": request.amount, "currency": request.currency},
            payer={"openid": request.payer_openid},
            time_expire=request.expires_at.astimezone(CHINA_TIME).isoformat(timespec="seconds"),
            notify_url=self._notify_url,
            pay_type=self._pay_type,
        ))
        prepay_id = self._answer(status, text, "create the payment").get("prepay_id")
        if not isinstance(prepay_id, str) or not prepay_id:
            raise PaymentError("WeChat Pay answered the prepay without a prepay_id")
        time_stamp = str(int(self._clock()))
        nonce_str = secrets.token_hex(16)  # 32 characters, WeChat's maximum
        package = f"prepay_id={prepay_id}"
        # sign() joins the fields with "\n", adds a final "\n" and signs RSA-SHA256
        # with the merchant key: the documented paySign of wx.requestPayment.
        pay_sign = self._pay.sign([self._app_id, time_stamp, nonce_str, package])
        return JsapiParams(app_id=self._app_id, time_stamp=time_stamp, nonce_str=nonce_str,
                           package=package, sign_type="RSA", pay_sign=pay_sign)

    def query_payment(self, order_id: str) -> PaymentEvent | None:
        _check_id(order_id, _OUT_TRADE_NO, "the order id")
        status, text = self._call(lambda: self._pay.query(out_trade_no=order_id))
        if status == 404 and _error_code(text) == "ORDER_NOT_EXIST":
            return None
        transaction = self._answer(status, text, "query the payment")
        if transaction.get("out_trade_no") != order_id:
            raise PaymentError("WeChat Pay answered the query for another order")
        event = _payment_event(transaction)
        if event is None:
            raise PaymentError("WeChat Pay answered the query with an unexpected transaction")
        return event

    # -- notifications ----------------------------------------------------------

    def parse_notification(self, headers: Mapping[str, str], body: bytes) -> PaymentEvent:
        # Every failure is the same exception with a fixed message: the reason is
        # for our metrics, never an oracle for a forger, and never the payload.
        try:
            return self._parse_notification(headers, body)
        except InvalidNotification:
            raise
        except Exception:  # noqa: BLE001  # any unreadable input is the same typed refusal
            raise InvalidNotification("the notification could not be read") from None

    def _parse_notification(self, headers: Mapping[str, str], body: bytes) -> PaymentEvent:
        # API Gateway and Chalice may hand headers over in any case.
        lower = {str(k).lower(): str(v) for k, v in headers.items()}
        signature = lower.get("wechatpay-signature")
        timestamp = lower.get("wechatpay-timestamp")
        nonce = lower.get("wechatpay-nonce")
        serial = lower.get("wechatpay-serial")
        signature_type = lower.get("wechatpay-signature-type", SIGNATURE_TYPE)
        if not (signature and timestamp and nonce and serial):
            raise InvalidNotification("the notification is not signed")
        if signature_type != SIGNATURE_TYPE:
            raise InvalidNotification("the notification uses an unsupported signature type")
        if not timestamp.isdigit() or abs(self._clock() - int(timestamp)) > MAX_NOTIFICATION_SKEW_SECONDS:
            raise InvalidNotification("the notification is stale")
        if not self._knows_serial(serial):
            raise InvalidNotification("the notification is signed with an unknown key")
        text = body.decode("utf-8") if isinstance(body, (bytes, bytearray)) else str(body)
        # The library looks headers up by their exact canonical names.
        canonical = {"Wechatpay-Signature": signature, "Wechatpay-Timestamp": timestamp,
                     "Wechatpay-Nonce": nonce, "Wechatpay-Serial": serial,
                     "Wechatpay-Signature-Type": signature_type}
        # callback() verifies the RSA signature over "timestamp\nnonce\nbody\n" with
        # the platform key, then decrypts resource with AES-256-GCM (APIv3 key,
        # nonce, associated_data); it returns None when either check fails.
        # WeChat sends deliberately mis-signed probes (签名探测): they end here.
        notice = self._pay.callback(canonical, text)
        if not isinstance(notice, dict) or not isinstance(notice.get("resource"), dict):
            raise InvalidNotification("the notification's signature or ciphertext does not check out")
        if not str(notice.get("event_type", "")).startswith("TRANSACTION."):
            raise InvalidNotification("the notification is not about a payment")
        resource = notice["resource"]
        if resource.get("mchid") != self._mchid or resource.get("appid") != self._app_id:
            raise InvalidNotification("the notification is for another merchant or app")
        event = _payment_event(resource)
        if event is None:
            raise InvalidNotification("the notification's transaction is incomplete")
        return event

    def _knows_serial(self, serial: str) -> bool:
        if self._public_key_id is not None:
            return serial == self._public_key_id
        return bool(_HEX_SERIAL.match(serial)) and int(serial, 16) in self._certificate_serials

    # -- refunds ----------------------------------------------------------------

    def refund(self, request: RefundRequest) -> RefundResult:
        _check_id(request.order_id, _OUT_TRADE_NO, "the order id")
        _check_id(request.refund_id, _OUT_REFUND_NO, "the refund id")
        if not (_whole(request.amount) and _whole(request.total) and 0 < request.amount <= request.total):
            raise PaymentRejected("the refund amount must be whole fen, more than 0 and at most the total")
        # No notify_url: refund notifications would arrive at the payment
        # notification URL, and the port has no refund event. A PROCESSING refund is
        # settled by calling refund() again with the same refund_id (below).
        status, text = self._call(lambda: self._pay.refund(
            out_refund_no=request.refund_id,
            amount={"refund": request.amount, "total": request.total, "currency": request.currency},
            out_trade_no=request.order_id,
            reason=_truncate(request.reason, _REFUND_REASON_LIMIT) or None,
        ))
        try:
            answer = self._answer(status, text, "refund")
        except PaymentRejected:
            # What we rely on (WeChat Pay v3 "申请退款"): one out_refund_no refunds at
            # most once (同一退款单号多次请求只退一笔), and a failed refund is to be
            # resubmitted with the same number. An identical resubmission is answered
            # 200 with the existing refund and is handled above. A resubmission that
            # differs in any field, or that races the first one, is refused with a 4xx
            # (INVALID_REQUEST "请求内容和上次请求不一致"), and "already fully refunded"
            # is INVALID_REQUEST too. So before we report a refusal as final we look the
            # refund number up: if the refund exists, its status is the answer.
            existing = self._existing_refund(request)
            if existing is not None:
                return existing
            raise
        return _refund_result(answer, request)

    def _existing_refund(self, request: RefundRequest) -> RefundResult | None:
        status, text = self._call(lambda: self._pay.query_refund(out_refund_no=request.refund_id))
        if status == 404:
            return None
        # If the lookup itself fails for a transient reason we cannot tell a refusal
        # from a refund that exists: PaymentError lets the caller retry safely.
        return _refund_result(self._answer(status, text, "look the refund up"), request)

    # -- payouts to a wallet ------------------------------------------------------

    def transfer(self, request: TransferRequest) -> TransferResult:
        from chalicelib.adapters.payments.wechat_transfers import transfer

        return transfer(self, request)

    # -- HTTP answers -----------------------------------------------------------

    def _call(self, send: Callable[[], tuple[int, Any]]) -> tuple[int, Any]:
        try:
            return send()
        except self._transport_errors as error:
            # Timeouts and connection errors: whether WeChat acted is unknown, and
            # a retry with the same out_trade_no / out_refund_no is safe.
            raise PaymentError(f"WeChat Pay did not answer ({type(error).__name__})") from None
        except Exception:  # noqa: BLE001  # see below: a 2xx answer that does not verify
            # After validation above, the only other failure in the library's
            # request() is a 2xx answer whose signature does not verify.
            raise PaymentError("WeChat Pay's answer could not be verified") from None

    def _answer(self, status: int, text: Any, action: str) -> dict[str, Any]:
        """The JSON of a 2xx answer, or the port's error for any other."""
        if 200 <= status < 300:
            try:
                document = json.loads(text)
            except (TypeError, ValueError):
                raise PaymentError(f"WeChat Pay answered {action} with something other than JSON") from None
            if not isinstance(document, dict):
                raise PaymentError(f"WeChat Pay answered {action} with something other than an object")
            return document
        code = _error_code(text) or "UNKNOWN"
        # Only the code and the status: WeChat's message may echo request fields.
        if status >= 500 or status == 429 or code in _RETRYABLE_CODES:
            raise PaymentError(f"WeChat Pay could not {action} now ({status} {code})")
        raise PaymentRejected(f"WeChat Pay refused to {action} ({status} {code})")


def _error_code(text: Any) -> str | None:
    try:
        code = json.loads(text).get("code")
    except (TypeError, ValueError, AttributeError):
        return None
    return code if isinstance(code, str) and _ERROR_CODE.match(code) else None


def _payment_event(transaction: Mapping[str, Any]) -> PaymentEvent | None:
    """A transaction (query answer or decrypted notification) as the port's event."""
    state = _TRADE_STATES.get(transaction.get("trade_state"))  # type: ignore[arg-type]
    amount = transaction.get("amount")
    order_id = transaction.get("out_trade_no")
    if state is None or not isinstance(amount, dict) or not isinstance(order_id, str):
        return None
    # payer_total is what the payer paid after WeChat-side coupons; before payment
    # WeChat sends only total.
    paid = amount.get("payer_total", amount.get("total"))
    currency = amount.get("currency") or amount.get("payer_currency")
    if not _whole(paid) or not isinstance(currency, str):
        return None
    return PaymentEvent(
        order_id=order_id,
        transaction_id=transaction.get("transaction_id") or None,
        state=state,
        amount=paid,
        currency=currency,
        paid_at=transaction.get("success_time") or None,
    )


def _refund_result(refund: Mapping[str, Any], request: RefundRequest) -> RefundResult:
    status = _REFUND_STATES.get(refund.get("status"))  # type: ignore[arg-type]
    if status is None:
        raise PaymentError("WeChat Pay answered the refund with an unknown status")
    amount = refund.get("amount") or {}
    if refund.get("out_trade_no", request.order_id) != request.order_id or amount.get("refund") != request.amount:
        # The refund number is taken by a different refund: a bug upstream, and
        # retrying cannot fix it.
        raise PaymentRejected("the refund id is already used by a different refund")
    return RefundResult(refund_id=request.refund_id, status=status, provider_refund_id=refund.get("refund_id"))


def _certificate_dir(pems: Sequence[str]) -> tuple[str, frozenset[int]]:
    """Write the platform certificates where the library reads them (cert_dir).

    Checked here first: with no valid certificate the library would call
    /v3/certificates from its constructor, during a cold start.
    """
    import tempfile
    from pathlib import Path

    from cryptography.x509 import load_pem_x509_certificate

    now = datetime.now(UTC)
    directory = Path(tempfile.mkdtemp(prefix="wechatpay-platform-"))
    serials = set()
    for pem in pems:
        try:
            certificate = load_pem_x509_certificate(pem.encode())
        except ValueError:
            raise ValueError("a WeChat Pay platform certificate is not a PEM certificate") from None
        if certificate.not_valid_before_utc <= now <= certificate.not_valid_after_utc:
            serials.add(certificate.serial_number)
            (directory / f"{certificate.serial_number:X}.pem").write_text(pem)
    if not serials:
        raise ValueError("no WeChat Pay platform certificate is currently valid")
    return str(directory), frozenset(serials)
