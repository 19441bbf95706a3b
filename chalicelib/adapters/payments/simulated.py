"""SIMULATED payments for `make dev` and tests: no money moves, nothing leaves the process.

It behaves like WeChat Pay where the group-buy flow depends on it:
- a payment is created (NOTPAY), then captured when ``simulate_capture`` is called,
  which also returns the notification WeChat would send, signed with HMAC-SHA256
  under the key given to the constructor (the real one is RSA-signed and encrypted;
  the simulation only has to make forgeries and tampering fail the same way);
- a refund is keyed by its refund id: the same id again returns that refund and
  never refunds twice; the total refunded for an order never exceeds what was
  captured;
- faults can be injected: failing refunds, and timeouts after which the refund may
  or may not have been applied, as happens with a real provider;
- a transfer (payout to a wallet) is keyed by its number, as a refund by its id;
  transfers can be made to fail (PaymentError), to be refused (FAILED, with a
  reason code) or to be processed slowly (PROCESSING, then SUCCESS when asked again).

State is in memory, shared by all threads of the process (the factory hands out
one instance), and guarded by one lock. ``export_state``/``import_state`` and the
``watch`` callback let the local stack keep payments and refunds across restarts
(injected faults are not kept).
"""
from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timedelta, timezone

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
    TransferStatus,
)

SIGNATURE_HEADER = "Simulated-Signature"
TIMESTAMP_HEADER = "Simulated-Timestamp"
NONCE_HEADER = "Simulated-Nonce"
MAX_NOTIFICATION_SKEW_SECONDS = 300  # as WeChat: a replayed old notification is refused
_CHINA_TIME = timezone(timedelta(hours=8))


@dataclass(frozen=True, slots=True)
class SimulatedRefund:
    refund_id: str
    order_id: str
    amount: int
    currency: str
    status: RefundStatus
    provider_refund_id: str


@dataclass(frozen=True, slots=True)
class SimulatedTransfer:
    out_no: str
    amount: int
    status: TransferStatus
    failure: str | None
    provider_transfer_id: str
    # Not the openid: the simulation keeps (and exports to the state file) no personal data.


@dataclass(slots=True)
class _Payment:
    amount: int  # what the order asked for
    currency: str
    prepay_id: str
    captured: int = 0  # what the payer paid
    transaction_id: str | None = None
    paid_at: str | None = None


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class SimulatedPayments:
    """A SIMULATION of a payment provider (see the module docstring)."""

    APP_ID = "simulated-app"

    def __init__(self, key: bytes | str, *, timeout_seconds: float = 0.05,
                 clock: Callable[[], float] = time.time) -> None:
        key = key.encode() if isinstance(key, str) else key
        if len(key) < 16:
            raise ValueError("the simulated payments key must be at least 16 bytes")
        self._key = key
        self._timeout_seconds = timeout_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._on_change: Callable[[dict], None] | None = None
        self.reset()

    def reset(self) -> None:
        """Forget every payment, refund and injected fault (between tests)."""
        with self._lock:
            self._payments: dict[str, _Payment] = {}
            self._refunds: dict[str, SimulatedRefund] = {}
            self._transfers: dict[str, SimulatedTransfer] = {}
        self.clear_refund_faults()
        self.clear_transfer_faults()

    def clear_refund_faults(self) -> None:
        """Refunds behave again (payments and refunds made are kept)."""
        with self._lock:
            self._fail_next = 0
            self._fail_forever = False
            self._time_out_next: list[bool] = []  # per coming call: was the refund applied?
            self._slow_next = 0

    # -- keeping the state (the local stack's --state-file) -----------------------

    def watch(self, on_change: Callable[[dict], None] | None) -> None:
        """Call ``on_change(export_state())`` after every change of payments or
        refunds, under the lock (so the calls come in the order of the changes)."""
        with self._lock:
            self._on_change = on_change

    def export_state(self) -> dict:
        with self._lock:
            return self._export()

    def import_state(self, state: dict) -> None:
        """Payments and refunds as ``export_state`` gave them (replacing the current ones)."""
        payments = {order_id: _Payment(**fields) for order_id, fields in state.get("payments", {}).items()}
        refunds = {refund_id: SimulatedRefund(**{**fields, "status": RefundStatus(fields["status"])})
                   for refund_id, fields in state.get("refunds", {}).items()}
        transfers = {out_no: SimulatedTransfer(**{**fields, "status": TransferStatus(fields["status"])})
                     for out_no, fields in state.get("transfers", {}).items()}
        with self._lock:
            self._payments, self._refunds, self._transfers = payments, refunds, transfers

    def _export(self) -> dict:
        return {"payments": {order_id: asdict(p) for order_id, p in self._payments.items()},
                "refunds": {refund_id: {**asdict(r), "status": r.status.value} for refund_id, r in self._refunds.items()},
                "transfers": {out_no: {**asdict(t), "status": t.status.value} for out_no, t in self._transfers.items()}}

    def _changed(self) -> None:
        """Under the lock."""
        if self._on_change is not None:
            self._on_change(self._export())

    # -- fault injection --------------------------------------------------------

    def fail_next_refunds(self, n: int) -> None:
        """The next ``n`` refund calls raise PaymentError and change nothing."""
        with self._lock:
            self._fail_next = n

    def time_out_next_refunds(self, n: int, *, applied: bool = False) -> None:
        """The next ``n`` refund calls wait a moment, then raise PaymentError as a
        timeout would. With ``applied`` the refund did go through on the provider's
        side before the answer was lost: a retry with the same refund id gets it
        back as SUCCESS, and nothing is refunded twice."""
        with self._lock:
            self._time_out_next = [applied] * n

    def fail_refunds_forever(self, failing: bool = True) -> None:
        """Every refund call raises PaymentError until called with False."""
        with self._lock:
            self._fail_forever = failing

    def process_next_refunds_slowly(self, n: int) -> None:
        """The next ``n`` new refunds are accepted as PROCESSING (the money is
        committed); asking again with the same refund id then finds them SUCCESS."""
        with self._lock:
            self._slow_next = n

    # -- inspection for tests ---------------------------------------------------

    def captured(self, order_id: str) -> int:
        """Fen captured for the order (0 if it was never paid)."""
        with self._lock:
            payment = self._payments.get(order_id)
            return payment.captured if payment else 0

    def refunds_for(self, order_id: str) -> list[SimulatedRefund]:
        with self._lock:
            return [r for r in self._refunds.values() if r.order_id == order_id]

    # -- payments ---------------------------------------------------------------

    def create_jsapi_payment(self, request: PaymentRequest) -> JsapiParams:
        if not _whole(request.amount) or request.amount <= 0:
            raise PaymentRejected("the amount must be a positive whole number of fen")
        if not request.order_id:
            raise PaymentRejected("the order id is required")
        with self._lock:
            payment = self._payments.get(request.order_id)
            if payment is None:
                payment = _Payment(request.amount, request.currency, f"simulated_{secrets.token_hex(12)}")
                self._payments[request.order_id] = payment
                self._changed()
            elif payment.captured:
                raise PaymentRejected("simulated: the order is already paid (ORDERPAID)")
            elif (payment.amount, payment.currency) != (request.amount, request.currency):
                raise PaymentRejected("simulated: the order id is used with another amount (OUT_TRADE_NO_USED)")
            prepay_id = payment.prepay_id
        time_stamp, nonce_str = str(int(self._clock())), secrets.token_hex(16)
        package = f"prepay_id={prepay_id}"
        # The shape WeChat Pay v3 gives (signType RSA), so clients are typed as in production; the
        # signature is this simulation's HMAC and the package's prepay_id=simulated_ tells it apart.
        pay_sign = self._sign(f"{self.APP_ID}\n{time_stamp}\n{nonce_str}\n{package}\n")
        return JsapiParams(app_id=self.APP_ID, time_stamp=time_stamp, nonce_str=nonce_str,
                           package=package, sign_type="RSA", pay_sign=pay_sign)

    def simulate_capture(self, order_id: str, amount: int | None = None) -> tuple[dict[str, str], bytes]:
        """The payer pays: mark the order captured and return the notification
        (headers, body) the provider would POST. ``amount`` is what the payer paid;
        by default the amount the payment was created with. Calling it again
        returns a fresh copy of the notification, as providers resend them."""
        with self._lock:
            payment = self._payments.get(order_id)
            if payment is None:
                if amount is None:
                    raise ValueError("no payment was created for this order: give the amount")
                payment = _Payment(amount, "CNY", f"simulated_{secrets.token_hex(12)}")
                self._payments[order_id] = payment
            paid = payment.amount if amount is None else amount
            if not _whole(paid) or paid <= 0:
                raise ValueError("the captured amount must be a positive whole number of fen")
            if payment.captured and payment.captured != paid:
                raise ValueError("the order was already captured with another amount")
            if not payment.captured:
                payment.captured = paid
                payment.transaction_id = f"simulated-{uuid.uuid4().hex}"
                # success_time as WeChat sends it: whole seconds, China time, from the clock
                payment.paid_at = datetime.fromtimestamp(self._clock(), _CHINA_TIME).isoformat(timespec="seconds")
                self._changed()
            event = self._event(order_id, payment)
        body = json.dumps({
            "id": str(uuid.uuid4()),
            "event_type": "TRANSACTION.SUCCESS",
            "resource": {
                "out_trade_no": event.order_id,
                "transaction_id": event.transaction_id,
                "trade_state": event.state.value,
                "amount": {"total": payment.amount, "payer_total": event.amount, "currency": event.currency},
                "success_time": event.paid_at,
            },
        }).encode()
        timestamp, nonce = str(int(self._clock())), secrets.token_hex(16)
        headers = {TIMESTAMP_HEADER: timestamp, NONCE_HEADER: nonce,
                   SIGNATURE_HEADER: self._sign(self._signed_text(timestamp, nonce, body))}
        return headers, body

    def parse_notification(self, headers: Mapping[str, str], body: bytes) -> PaymentEvent:
        try:
            return self._parse_notification(headers, body)
        except InvalidNotification:
            raise
        except Exception:  # noqa: BLE001  # any unreadable input is the same typed refusal
            raise InvalidNotification("the notification could not be read") from None

    def _parse_notification(self, headers: Mapping[str, str], body: bytes) -> PaymentEvent:
        lower = {str(k).lower(): str(v) for k, v in headers.items()}
        timestamp = lower.get(TIMESTAMP_HEADER.lower(), "")
        nonce = lower.get(NONCE_HEADER.lower(), "")
        signature = lower.get(SIGNATURE_HEADER.lower(), "")
        if not (timestamp and nonce and signature):
            raise InvalidNotification("the notification is not signed")
        expected = self._sign(self._signed_text(timestamp, nonce, bytes(body)))
        if not hmac.compare_digest(signature.encode(), expected.encode()):
            raise InvalidNotification("the notification's signature does not check out")
        if not timestamp.isdigit() or abs(self._clock() - int(timestamp)) > MAX_NOTIFICATION_SKEW_SECONDS:
            raise InvalidNotification("the notification is stale")
        resource = json.loads(body)["resource"]
        amount = resource["amount"]
        paid = amount.get("payer_total", amount["total"])
        if not _whole(paid):
            raise InvalidNotification("the notification's amount is not whole fen")
        return PaymentEvent(order_id=resource["out_trade_no"], transaction_id=resource.get("transaction_id"),
                            state=PaymentState(resource["trade_state"]), amount=paid,
                            currency=amount["currency"], paid_at=resource.get("success_time"))

    def query_payment(self, order_id: str) -> PaymentEvent | None:
        with self._lock:
            payment = self._payments.get(order_id)
            return None if payment is None else self._event(order_id, payment)

    # -- refunds ----------------------------------------------------------------

    def refund(self, request: RefundRequest) -> RefundResult:
        with self._lock:
            # Transport faults first: when the provider cannot be reached, even a
            # refund it already made cannot be read back.
            if self._fail_forever or self._fail_next > 0:
                self._fail_next = max(0, self._fail_next - 1)
                raise PaymentError("simulated provider error (SYSTEM_ERROR)")
            if not self._time_out_next:
                return self._apply_refund(request)
            if self._time_out_next.pop(0):
                try:
                    self._apply_refund(request)
                except PaymentRejected:
                    pass  # a refusal is lost with the answer, like a success
        # Outside the lock: other threads go on while this caller waits.
        time.sleep(self._timeout_seconds)
        raise PaymentError("simulated timeout: the refund's outcome is unknown")

    def _apply_refund(self, request: RefundRequest) -> RefundResult:
        """Under the lock. The same refund id answers with the existing refund."""
        existing = self._refunds.get(request.refund_id)
        if existing is not None:
            if (existing.order_id, existing.amount) != (request.order_id, request.amount):
                raise PaymentRejected("simulated: the refund id is used by another refund (INVALID_REQUEST)")
            if existing.status is RefundStatus.PROCESSING:
                existing = self._refunds[request.refund_id] = replace(existing, status=RefundStatus.SUCCESS)
                self._changed()
            return RefundResult(existing.refund_id, existing.status, existing.provider_refund_id)
        payment = self._payments.get(request.order_id)
        if payment is None or not payment.captured:
            raise PaymentRejected("simulated: the order was not paid (RESOURCE_NOT_EXISTS)")
        if not (_whole(request.amount) and request.amount > 0):
            raise PaymentRejected("simulated: the refund amount must be positive whole fen (PARAM_ERROR)")
        if request.currency != payment.currency or request.total != payment.captured:
            raise PaymentRejected("simulated: the total or currency does not match the payment (PARAM_ERROR)")
        refunded = sum(r.amount for r in self._refunds.values() if r.order_id == request.order_id)
        if refunded + request.amount > payment.captured:
            raise PaymentRejected("simulated: the refund exceeds what is left to refund (INVALID_REQUEST)")
        status = RefundStatus.SUCCESS
        if self._slow_next > 0:
            self._slow_next -= 1
            status = RefundStatus.PROCESSING
        refund = SimulatedRefund(request.refund_id, request.order_id, request.amount, request.currency,
                                 status, f"simulated-refund-{uuid.uuid4().hex}")
        self._refunds[request.refund_id] = refund
        self._changed()
        return RefundResult(refund.refund_id, refund.status, refund.provider_refund_id)

    # -- transfers (payouts to a wallet) ----------------------------------------

    def clear_transfer_faults(self) -> None:
        with self._lock:
            self._transfer_errors_next = 0
            self._transfer_refusals: list[str] = []  # per coming new transfer: its failure code
            self._transfer_slow_next = 0

    def fail_next_transfers(self, n: int) -> None:
        """The next ``n`` transfer calls raise PaymentError and change nothing."""
        with self._lock:
            self._transfer_errors_next = n

    def refuse_next_transfers(self, n: int, reason: str = "ACCOUNT_FROZEN") -> None:
        """The next ``n`` new transfers are FAILED with ``reason`` (nothing paid), as WeChat
        fails a transfer to a frozen or unverified wallet."""
        with self._lock:
            self._transfer_refusals = [reason] * n

    def process_next_transfers_slowly(self, n: int) -> None:
        """The next ``n`` new transfers answer PROCESSING; asking again finds them SUCCESS."""
        with self._lock:
            self._transfer_slow_next = n

    def transfers(self) -> list[SimulatedTransfer]:
        with self._lock:
            return list(self._transfers.values())

    def transfer(self, request: TransferRequest) -> TransferResult:
        with self._lock:
            if self._transfer_errors_next > 0:
                self._transfer_errors_next -= 1
                raise PaymentError("simulated provider error (SYSTEM_ERROR)")
            existing = self._transfers.get(request.out_no)
            if existing is not None:
                if existing.amount != request.amount:
                    raise PaymentRejected("simulated: the transfer number is used by another transfer (PARAM_ERROR)")
                if existing.status is TransferStatus.PROCESSING:
                    existing = self._transfers[request.out_no] = replace(existing, status=TransferStatus.SUCCESS)
                    self._changed()
                return TransferResult(existing.out_no, existing.status, existing.failure, existing.provider_transfer_id)
            if not (_whole(request.amount) and request.amount > 0) or not request.payee_openid:
                raise PaymentRejected("simulated: a transfer needs a payee and a positive whole amount (PARAM_ERROR)")
            status, failure = TransferStatus.SUCCESS, None
            if self._transfer_refusals:
                status, failure = TransferStatus.FAILED, self._transfer_refusals.pop(0)
            elif self._transfer_slow_next > 0:
                self._transfer_slow_next -= 1
                status = TransferStatus.PROCESSING
            transfer = SimulatedTransfer(request.out_no, request.amount, status, failure,
                                         f"simulated-transfer-{uuid.uuid4().hex}")
            self._transfers[request.out_no] = transfer
            self._changed()
            return TransferResult(transfer.out_no, status, failure, transfer.provider_transfer_id)

    # -- helpers ----------------------------------------------------------------

    def _event(self, order_id: str, payment: _Payment) -> PaymentEvent:
        refunded = any(r.order_id == order_id for r in self._refunds.values())
        state = (PaymentState.REFUND if refunded else PaymentState.SUCCESS) if payment.captured else PaymentState.NOTPAY
        return PaymentEvent(order_id=order_id, transaction_id=payment.transaction_id, state=state,
                            amount=payment.captured or payment.amount, currency=payment.currency,
                            paid_at=payment.paid_at)

    @staticmethod
    def _signed_text(timestamp: str, nonce: str, body: bytes) -> bytes:
        return timestamp.encode() + b"\n" + nonce.encode() + b"\n" + body + b"\n"

    def _sign(self, text: str | bytes) -> str:
        data = text.encode() if isinstance(text, str) else text
        return hmac.new(self._key, data, hashlib.sha256).hexdigest()

