"""The payment port: what the group-buy flow needs from a payment provider.

Adapters:
- ``wechat.WechatPayV3`` — WeChat Pay API v3 through the ``wechatpayv3`` package
  (JSAPI prepay, signed requests, notification signature check and AES-GCM decryption,
  query, refund with ``out_refund_no`` as the idempotency key, transfers to a wallet
  (商家转账, ``transfer_batch``) with the transfer number as the idempotency key);
- ``simulated.SimulatedPayments`` — a SIMULATION for `make dev` and tests: nothing
  leaves the machine; it can be told to fail the next N refunds or transfers, or to time out.

Amounts are integers in minor units (fen). The order id is the provider's
``out_trade_no`` and the refund id its ``out_refund_no``: retrying a call with the
same ids can never charge or refund twice.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Protocol


class PaymentState(Enum):
    SUCCESS = "SUCCESS"  # captured
    NOTPAY = "NOTPAY"
    CLOSED = "CLOSED"
    REFUND = "REFUND"  # captured, then (partly) refunded
    PAYERROR = "PAYERROR"


class RefundStatus(Enum):
    SUCCESS = "SUCCESS"
    PROCESSING = "PROCESSING"  # accepted; the outcome comes later (query or notification)
    ABNORMAL = "ABNORMAL"  # needs an operator (e.g. the buyer's card was closed)
    CLOSED = "CLOSED"


@dataclass(frozen=True, slots=True)
class PaymentRequest:
    order_id: str  # out_trade_no
    amount: int  # fen
    currency: str
    description: str  # shown to the payer; no personal data
    payer_openid: str  # personal data: never logged
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class JsapiParams:
    """Exactly what the mini-program passes to ``wx.requestPayment``."""

    app_id: str
    time_stamp: str
    nonce_str: str
    package: str  # "prepay_id=..."
    sign_type: str  # "RSA"
    pay_sign: str


@dataclass(frozen=True, slots=True)
class PaymentEvent:
    """A verified, decrypted payment notification (or a query's answer)."""

    order_id: str
    transaction_id: str | None
    state: PaymentState
    amount: int  # fen actually paid by the payer
    currency: str
    paid_at: str | None

    def paid_at_or(self, now: datetime) -> datetime:
        """When the payer paid, by the provider (WeChat's success_time, RFC 3339 with its
        zone); ``now`` (the notification's arrival) if the provider did not say."""
        try:
            moment = datetime.fromisoformat(self.paid_at.replace("Z", "+00:00")) if self.paid_at else None
        except ValueError:
            moment = None
        return now if moment is None or moment.tzinfo is None else moment


@dataclass(frozen=True, slots=True)
class RefundRequest:
    order_id: str  # out_trade_no of the captured payment
    refund_id: str  # out_refund_no: the idempotency key of this refund
    amount: int  # fen to refund, ≤ total
    total: int  # fen captured for the order
    currency: str
    reason: str


@dataclass(frozen=True, slots=True)
class RefundResult:
    refund_id: str
    status: RefundStatus
    provider_refund_id: str | None = None


class TransferStatus(Enum):
    SUCCESS = "SUCCESS"  # in the payee's WeChat wallet (零钱)
    PROCESSING = "PROCESSING"  # accepted; ask again with the same number for the outcome
    FAILED = "FAILED"  # refused for good (the payee's account, a limit...): nothing was paid


@dataclass(frozen=True, slots=True)
class TransferRequest:
    """A payout to a user's WeChat wallet. ``out_no`` is the merchant's transfer number:
    asking again with it answers that transfer and never pays twice."""

    out_no: str  # 5-32 letters and digits
    payee_openid: str = field(repr=False)  # personal data: never logged, never in a repr
    amount: int  # fen
    description: str  # shown to the payee; no personal data


@dataclass(frozen=True, slots=True)
class TransferResult:
    out_no: str
    status: TransferStatus
    failure: str | None = None  # FAILED: the provider's reason code (no personal data)
    provider_transfer_id: str | None = None


class PaymentError(Exception):
    """A provider call failed and may succeed if retried (network, timeout, 5xx, SYSTEM_ERROR)."""


class PaymentRejected(Exception):
    """The provider refused for good (bad amount, order not found...): retrying will not help."""


class RefundNotPossible(Exception):
    """The provider refused a refund for good (neither paid nor processing): an operator must look."""


class InvalidNotification(Exception):
    """A notification whose signature, timestamp or ciphertext does not check out."""


class PaymentProvider(Protocol):
    def create_jsapi_payment(self, request: PaymentRequest) -> JsapiParams: ...

    def parse_notification(self, headers: Mapping[str, str], body: bytes) -> PaymentEvent: ...

    def query_payment(self, order_id: str) -> PaymentEvent | None: ...

    def refund(self, request: RefundRequest) -> RefundResult: ...

    def transfer(self, request: TransferRequest) -> TransferResult: ...


def refund_at_provider(payments: PaymentProvider, request: RefundRequest) -> None:
    """Returns once the provider has paid the refund. PaymentError while it may still succeed (PROCESSING
    included: asked again later under the same refund id, never marked done early), RefundNotPossible when
    it refused for good. Every refund workflow task (group-buy, checkout, after-sales) asks through this."""
    result = payments.refund(request)
    if result.status is RefundStatus.PROCESSING:
        raise PaymentError("the refund is still processing at the provider")
    if result.status is not RefundStatus.SUCCESS:
        raise RefundNotPossible(f"provider answered {result.status.value}")


def capture_at_provider(payments: PaymentProvider, out_trade_no: str) -> PaymentEvent | None:
    """The provider's capture under ``out_trade_no``, asked when a payment window passes (its
    notification may still be on its way). None when there is none, or when the provider
    cannot answer: a window must not stay open on an unreachable provider, and a capture it
    reports later is refunded as late."""
    from chalicelib.core.observability import logger

    try:
        event = payments.query_payment(out_trade_no)
    except PaymentError:
        logger.warning("payment provider unavailable when a payment window passed; closing it",
                       extra={"order_id": out_trade_no})
        return None
    return event if event is not None and event.state is PaymentState.SUCCESS else None
