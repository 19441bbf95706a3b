"""Group-buy test data through the services, with a recording payment provider."""
from __future__ import annotations

import threading
from datetime import datetime, timedelta

from chalicelib.accounts import service as auth
from chalicelib.adapters.payments import (
    JsapiParams,
    PaymentError,
    PaymentEvent,
    PaymentRequest,
    PaymentState,
    RefundRequest,
    RefundResult,
    RefundStatus,
)
from chalicelib.catalog import service as catalog
from chalicelib.core.clock import utc_now
from chalicelib.core.principal import Principal, Role
from chalicelib.core.settings import settings
from chalicelib.groupbuy import payments as groupbuy_payments
from chalicelib.groupbuy import service as groupbuy
from chalicelib.groupbuy.rules import NewDeal

OPERATOR = Principal("01J0000000000000000000OPER", Role.OPERATOR)


class RecordingPayments:
    """A stand-in provider for service tests: records calls; refunds can be told to fail."""

    def __init__(self) -> None:
        self.requests: list[PaymentRequest] = []
        self.refunds: dict[str, RefundRequest] = {}
        self.refund_calls = 0
        self.fail_refunds = 0
        self._lock = threading.Lock()

    def create_jsapi_payment(self, request: PaymentRequest) -> JsapiParams:
        self.requests.append(request)
        return JsapiParams("wx-app", "1700000000", "nonce", f"prepay_id=test-{request.order_id}", "RSA", "sig")

    def parse_notification(self, headers, body):  # pragma: no cover - not used by service tests
        raise NotImplementedError

    def query_payment(self, order_id: str):  # pragma: no cover
        return None

    def refund(self, request: RefundRequest) -> RefundResult:
        with self._lock:
            self.refund_calls += 1
            if self.fail_refunds:
                self.fail_refunds -= 1
                raise PaymentError("simulated provider outage")
            self.refunds.setdefault(request.refund_id, request)
        return RefundResult(request.refund_id, RefundStatus.SUCCESS, f"wx-{request.refund_id}")


def user(name: str, role: Role = Role.CUSTOMER) -> Principal:
    created = auth.register_user(settings(), f"openid-{name}", role, name.title(), utc_now())
    return Principal(created.id, created.role)


def deal_setup(*, team_size: int = 3, stock: int = 10, per_user_limit: int = 1, virtual_min_paid: int | None = None,
               lifetime: timedelta = timedelta(hours=24), window: timedelta = timedelta(minutes=15),
               now: datetime | None = None):
    now = now or utc_now()
    merchant = user("merchant", Role.MERCHANT)
    category = catalog.create_category(OPERATOR, "Fruit", None)
    record = catalog.create_product(merchant, catalog.NewProduct(
        category_id=category.id, name="Mango", status=catalog.ProductStatus.ACTIVE,
        skus=(catalog.SkuInput(code="M", price=3990, stock=stock + 100),)), now)
    sku_id = record.skus[0].id
    deal = groupbuy.create_deal(merchant, NewDeal(
        product_id=record.product.id, prices=((sku_id, 1990),), stock=((sku_id, stock),),
        starts_at=now - timedelta(minutes=1), ends_at=now + timedelta(days=2), team_size=team_size,
        team_lifetime_seconds=int(lifetime.total_seconds()), payment_window_seconds=int(window.total_seconds()),
        per_user_limit=per_user_limit, virtual_min_paid=virtual_min_paid), now)
    return deal, sku_id, merchant


def capture(order, now=None) -> str:
    return groupbuy_payments.apply_payment_event(PaymentEvent(order.id, f"wx-{order.id}", PaymentState.SUCCESS,
                                                     order.amount.amount, order.amount.currency, None), now or utc_now())


def deliver_table_stream(emulator, monkeypatch) -> int:
    """Deliver the table's stream so far through the app's own consumer (the router
    the deployed function and `make dev` run), with the timers it would start left
    unstarted; returns how many records it delivered."""
    import os

    import app as app_module
    from chalicelib.groupbuy import stream_handlers
    from devstack.streams import StreamPoller

    monkeypatch.setattr(stream_handlers, "start_once", lambda arn, name, payload: True)
    (poller,) = StreamPoller.for_app(app_module.app, emulator.endpoint_url, os.environ["TUANSTACK_TABLE"])
    return poller.drain()
