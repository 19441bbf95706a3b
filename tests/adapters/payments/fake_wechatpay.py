"""Test material for the WeChat Pay adapter: generated keys, a fake WeChat Pay API
server on 127.0.0.1, and notifications built the way WeChat builds them.

The fake checks what the real API checks first (the merchant's request signature)
and answers like it: responses signed with the platform key, errors as
``{"code", "message"}``, one refund per ``out_refund_no``.
"""
from __future__ import annotations

import json
import re
import secrets
import threading
import time
from base64 import b64decode, b64encode
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlparse

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.x509.oid import NameOID

MCHID = "1900000109"
APP_ID = "wxd678efh567hg6787"
OPENID = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"
NOTIFY_URL = "https://tuanstack.example/payments/wechat/notify"
CHINA = timezone(timedelta(hours=8))


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _self_signed(key: rsa.RSAPrivateKey, name: str) -> x509.Certificate:
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.now(UTC)
    return (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=30))
            .sign(key, hashes.SHA256()))


def private_pem(key: rsa.RSAPrivateKey) -> str:
    # PKCS#8 ("BEGIN PRIVATE KEY"), the form of WeChat's apiclient_key.pem.
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def public_pem(key: rsa.RSAPrivateKey) -> str:
    return key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def rsa_sign(key: rsa.RSAPrivateKey, message: str) -> str:
    return b64encode(key.sign(message.encode(), padding.PKCS1v15(), hashes.SHA256())).decode()


def rsa_verifies(public_key, signature: str, message: str) -> bool:
    try:
        public_key.verify(b64decode(signature), message.encode(), padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        return False
    return True


@dataclass
class Keys:
    merchant: rsa.RSAPrivateKey
    merchant_cert: x509.Certificate
    platform: rsa.RSAPrivateKey  # stands in for WeChat's platform key
    platform_cert: x509.Certificate  # the same key as a platform certificate
    stranger: rsa.RSAPrivateKey  # a key WeChat never had
    apiv3_key: str = field(default_factory=lambda: secrets.token_hex(16))  # 32 bytes
    public_key_id: str = "PUB_KEY_ID_0119000001092025010100000000000000"

    @property
    def merchant_serial(self) -> str:
        return f"{self.merchant_cert.serial_number:X}"

    @property
    def platform_serial(self) -> str:
        return f"{self.platform_cert.serial_number:X}"

    @classmethod
    def generate(cls) -> Keys:
        merchant, platform = _key(), _key()
        return cls(merchant=merchant, merchant_cert=_self_signed(merchant, MCHID), platform=platform,
                   platform_cert=_self_signed(platform, "Tenpay.com Root CA"), stranger=_key())


def notification(keys: Keys, resource: dict[str, Any], *, event_type: str = "TRANSACTION.SUCCESS",
                 apiv3_key: str | None = None, signing_key: rsa.RSAPrivateKey | None = None,
                 serial: str | None = None, timestamp: int | None = None,
                 raw_body: str | None = None) -> tuple[dict[str, str], bytes]:
    """A payment notification as WeChat sends it: the resource encrypted with
    AES-256-GCM under the APIv3 key, the body signed with the platform key."""
    gcm_nonce = secrets.token_hex(6)  # 12 characters, like WeChat's
    associated_data = "transaction"
    ciphertext = AESGCM((apiv3_key or keys.apiv3_key).encode()).encrypt(
        gcm_nonce.encode(), json.dumps(resource).encode(), associated_data.encode())
    body = raw_body if raw_body is not None else json.dumps({
        "id": "EV-2018022511223320873",
        "create_time": "2015-05-20T13:29:35+08:00",
        "resource_type": "encrypt-resource",
        "event_type": event_type,
        "summary": "支付成功",
        "resource": {"original_type": "transaction", "algorithm": "AEAD_AES_256_GCM",
                     "ciphertext": b64encode(ciphertext).decode(),
                     "associated_data": associated_data, "nonce": gcm_nonce},
    }, ensure_ascii=False)
    ts = str(timestamp if timestamp is not None else int(time.time()))
    nonce = secrets.token_hex(16)
    headers = {
        "Wechatpay-Timestamp": ts,
        "Wechatpay-Nonce": nonce,
        "Wechatpay-Signature": rsa_sign(signing_key or keys.platform, f"{ts}\n{nonce}\n{body}\n"),
        "Wechatpay-Serial": serial or keys.public_key_id,
        "Wechatpay-Signature-Type": "WECHATPAY2-SHA256-RSA2048",
    }
    return headers, body.encode()


def paid_transaction(order_id: str, total: int, *, payer_total: int | None = None,
                     mchid: str = MCHID, appid: str = APP_ID) -> dict[str, Any]:
    """A transaction resource of a successful JSAPI payment, WeChat's field names."""
    return {
        "appid": appid, "mchid": mchid, "out_trade_no": order_id,
        "transaction_id": "4200000000202501010000000001", "trade_type": "JSAPI",
        "trade_state": "SUCCESS", "trade_state_desc": "支付成功", "bank_type": "CMC",
        "success_time": "2025-01-01T12:00:05+08:00", "payer": {"openid": OPENID},
        "amount": {"total": total, "payer_total": total if payer_total is None else payer_total,
                   "currency": "CNY", "payer_currency": "CNY"},
    }


@dataclass
class Scripted:
    status: int
    body: dict[str, Any]
    hang: bool = False  # wait (until released) before answering: a timeout
    signing_key: rsa.RSAPrivateKey | None = None


class FakeWechatPay:
    """WeChat Pay's v3 API, the parts the adapter uses."""

    def __init__(self, keys: Keys, *, serial: str | None = None) -> None:
        self.keys = keys
        self.serial = serial or keys.public_key_id  # which platform key answers
        self.requests: list[dict[str, Any]] = []  # every request, with whether its signature verified
        self.transactions: dict[str, dict[str, Any]] = {}
        self.refunds: dict[str, dict[str, Any]] = {}
        self.refund_status = "SUCCESS"
        self.transfers: dict[str, dict[str, Any]] = {}  # out_batch_no -> {"request", "detail"}
        self.transfer_status = "SUCCESS"  # what a new transfer's detail says: SUCCESS, FAIL, PROCESSING...
        self.scripted: dict[str, list[Scripted]] = {}  # "POST /v3/..." -> next answers
        self.release = threading.Event()
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                fake._handle(self, "GET")

            def do_POST(self):
                fake._handle(self, "POST")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> FakeWechatPay:
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def stop(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    def script(self, route: str, answer: Scripted) -> None:
        self.scripted.setdefault(route, []).append(answer)

    def pay(self, order_id: str, payer_total: int | None = None) -> None:
        """The payer pays the prepaid order in WeChat."""
        with self._lock:
            total = self.transactions[order_id]["amount"]["total"]
            self.transactions[order_id] = paid_transaction(order_id, total, payer_total=payer_total)

    @property
    def unsigned_requests(self) -> list[dict[str, Any]]:
        return [r for r in self.requests if not r["signed"]]

    # -- the API ----------------------------------------------------------------

    def _handle(self, http: BaseHTTPRequestHandler, method: str) -> None:
        length = int(http.headers.get("Content-Length") or 0)
        body_text = http.rfile.read(length).decode() if length else ""
        signed = self._signed(method, http.path, body_text, http.headers.get("Authorization", ""))
        body = json.loads(body_text) if body_text else None
        path = urlparse(http.path).path
        with self._lock:
            self.requests.append({"method": method, "path": http.path, "body": body, "signed": signed,
                                  "headers": dict(http.headers)})
            if not signed:
                return self._send(http, 401, {"code": "SIGN_ERROR", "message": "签名错误"})
            for route, answers in self.scripted.items():
                if f"{method} {path}".startswith(route) and answers:
                    scripted = answers.pop(0)
                    break
            else:
                scripted = None
        if scripted is not None:
            if scripted.hang:
                self.release.wait(10)
            return self._send(http, scripted.status, scripted.body, scripted.signing_key)
        with self._lock:
            status, answer = self._route(method, path, body)
        self._send(http, status, answer)

    def _route(self, method: str, path: str, body: Any) -> tuple[int, dict[str, Any]]:
        if method == "POST" and path == "/v3/pay/transactions/jsapi":
            missing = {"appid", "mchid", "description", "out_trade_no", "notify_url", "amount", "payer"} - set(body)
            if missing or body["mchid"] != MCHID or body["appid"] != APP_ID:
                return 400, {"code": "PARAM_ERROR", "message": "参数错误"}
            self.transactions.setdefault(body["out_trade_no"], {
                "appid": APP_ID, "mchid": MCHID, "out_trade_no": body["out_trade_no"],
                "trade_type": "JSAPI", "trade_state": "NOTPAY", "trade_state_desc": "订单未支付",
                "amount": {"total": body["amount"]["total"], "currency": "CNY"}})
            return 200, {"prepay_id": "wx201410272009395522657a690389285100"}
        if method == "GET" and path.startswith("/v3/pay/transactions/out-trade-no/"):
            transaction = self.transactions.get(path.rsplit("/", 1)[1])
            if transaction is None:
                return 404, {"code": "ORDER_NOT_EXIST", "message": "订单不存在"}
            return 200, transaction
        if method == "POST" and path == "/v3/refund/domestic/refunds":
            return self._refund(body)
        if method == "GET" and path.startswith("/v3/refund/domestic/refunds/"):
            refund = self.refunds.get(path.rsplit("/", 1)[1])
            if refund is None:
                return 404, {"code": "RESOURCE_NOT_EXISTS", "message": "退款单不存在"}
            return 200, refund["answer"]
        if method == "POST" and path == "/v3/transfer/batches":
            return self._transfer(body)
        if method == "GET" and path.startswith("/v3/transfer/batches/out-batch-no/"):
            batch = self.transfers.get(path.split("/")[5])
            if batch is None or path.rsplit("/", 1)[1] != batch["detail"]["out_detail_no"]:
                return 404, {"code": "NOT_FOUND", "message": "记录不存在"}
            return 200, batch["detail"]
        return 404, {"code": "NOT_FOUND", "message": "no such API in the fake"}

    def _transfer(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        details = body.get("transfer_detail_list") or []
        if (body.get("appid") != APP_ID or body.get("total_num") != len(details) or len(details) != 1
                or body.get("total_amount") != sum(d["transfer_amount"] for d in details)):
            return 400, {"code": "PARAM_ERROR", "message": "参数错误"}
        if body["out_batch_no"] in self.transfers:
            return 400, {"code": "INVALID_REQUEST", "message": "商户批次单号已存在"}
        (detail,) = details
        batch_id = f"1030000071100999991182020050700019480{len(self.transfers):03d}"
        self.transfers[body["out_batch_no"]] = {"request": body, "detail": {
            "mchid": MCHID, "out_batch_no": body["out_batch_no"], "batch_id": batch_id, "appid": APP_ID,
            "out_detail_no": detail["out_detail_no"], "detail_id": f"10400000711009999911820200507{len(self.transfers):03d}",
            "detail_status": self.transfer_status, "transfer_amount": detail["transfer_amount"],
            "transfer_remark": detail["transfer_remark"], "openid": detail["openid"],
            **({"fail_reason": "ACCOUNT_FROZEN"} if self.transfer_status == "FAIL" else {}),
            "initiate_time": "2026-03-01T12:00:00+08:00", "update_time": "2026-03-01T12:00:01+08:00"}}
        return 200, {"out_batch_no": body["out_batch_no"], "batch_id": batch_id,
                     "create_time": "2026-03-01T12:00:00+08:00", "batch_status": "ACCEPTED"}

    def _refund(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        existing = self.refunds.get(body["out_refund_no"])
        if existing is not None:
            # One refund per out_refund_no: an identical request gets it back, a
            # different one is refused.
            if existing["request"] == body:
                return 200, existing["answer"]
            return 400, {"code": "INVALID_REQUEST", "message": "请求内容和上次请求不一致,请核实后再试"}
        transaction = self.transactions.get(body.get("out_trade_no"))
        if transaction is None or transaction["trade_state"] not in ("SUCCESS", "REFUND"):
            return 404, {"code": "RESOURCE_NOT_EXISTS", "message": "订单不存在"}
        amount = body["amount"]
        refunded = sum(r["request"]["amount"]["refund"] for r in self.refunds.values()
                       if r["request"]["out_trade_no"] == body["out_trade_no"])
        if amount["total"] != transaction["amount"]["total"]:
            return 400, {"code": "PARAM_ERROR", "message": "订单金额不一致"}
        if refunded + amount["refund"] > amount["total"]:
            return 400, {"code": "INVALID_REQUEST", "message": "申请退款金额超过订单可退金额"}
        answer = {
            "refund_id": f"50000000382019052709732678{len(self.refunds):03d}",
            "out_refund_no": body["out_refund_no"], "transaction_id": transaction["transaction_id"],
            "out_trade_no": body["out_trade_no"], "channel": "ORIGINAL",
            "user_received_account": "招商银行信用卡0403", "create_time": "2025-01-02T10:00:00+08:00",
            "status": self.refund_status,
            "amount": {"total": amount["total"], "refund": amount["refund"], "payer_total": amount["total"],
                       "payer_refund": amount["refund"], "currency": "CNY"},
        }
        self.refunds[body["out_refund_no"]] = {"request": body, "answer": answer}
        transaction["trade_state"] = "REFUND"
        return 200, answer

    # -- signatures -------------------------------------------------------------

    def _signed(self, method: str, path: str, body: str, authorization: str) -> bool:
        """WeChat's check of the merchant's request signature."""
        scheme, _, rest = authorization.partition(" ")
        fields = dict(re.findall(r'(\w+)="([^"]*)"', rest))
        if scheme != "WECHATPAY2-SHA256-RSA2048" or fields.get("mchid") != MCHID:
            return False
        if fields.get("serial_no") != self.keys.merchant_serial:
            return False
        message = f"{method}\n{path}\n{fields.get('timestamp')}\n{fields.get('nonce_str')}\n{body}\n"
        return rsa_verifies(self.keys.merchant_cert.public_key(), fields.get("signature", ""), message)

    def _send(self, http: BaseHTTPRequestHandler, status: int, body: dict[str, Any],
              signing_key: rsa.RSAPrivateKey | None = None) -> None:
        text = json.dumps(body)
        ts, nonce = str(int(time.time())), secrets.token_hex(16)
        http.send_response(status)
        http.send_header("Content-Type", "application/json")
        http.send_header("Content-Length", str(len(text.encode())))
        http.send_header("Request-ID", secrets.token_hex(8))
        http.send_header("Wechatpay-Timestamp", ts)
        http.send_header("Wechatpay-Nonce", nonce)
        http.send_header("Wechatpay-Serial", self.serial)
        http.send_header("Wechatpay-Signature-Type", "WECHATPAY2-SHA256-RSA2048")
        http.send_header("Wechatpay-Signature",
                         rsa_sign(signing_key or self.keys.platform, f"{ts}\n{nonce}\n{text}\n"))
        http.end_headers()
        try:
            http.wfile.write(text.encode())
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout test)
