"""Shared by the distribution tests: principals, a product in the catalog, distributors with links, and paid
orders carrying a distributor ``attribution`` (written onto the order item with an UpdateItem, as placing will
write it), their stream records delivered to distribution's handler (and commissions' refund handler)."""
from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

from chalicelib.core.clock import iso
from chalicelib.core.principal import Principal, Role
from chalicelib.core.stream import change_of

NOW = datetime(2026, 3, 10, 4, 0, tzinfo=UTC)
CLOSES = NOW + timedelta(days=9)
MERCHANT = Principal("01J0000000000000000MERCHNT", Role.MERCHANT)
OPERATOR = Principal("01J0000000000000000OPERATR", Role.OPERATOR)
MANGO, APPLE = "01J00000000000000000MANGO1", "01J00000000000000000APPLE1"


def customer(name: str) -> Principal:
    return Principal(f"01J000000000000000000{name.upper():>5}"[-26:], Role.CUSTOMER)


def product(product_id: str = MANGO, name: str = "Mango", merchant_id: str = MERCHANT.user_id) -> None:
    from chalicelib.catalog.published.products import PRODUCT_SK, ProductItem, product_pk

    ProductItem(product_pk(product_id), PRODUCT_SK, product_id=product_id, merchant_id=merchant_id,
                category_id="01J0000000000000000000CAT1", name=name, status="ACTIVE", created_at=iso(NOW),
                updated_at=iso(NOW)).save()


def distributor(principal: Principal, product_id: str = MANGO, upstream_code: str | None = None) -> str:
    """``principal`` opted in (the default mode), with a link for the product: its code."""
    from chalicelib.distribution import service

    service.become_distributor(principal, NOW)
    if upstream_code:
        service.name_upstream(principal, upstream_code)
    return service.create_link(principal, product_id, NOW).code


def shop_order(order_id: str, buyer_id: str, lines: list[tuple[str, int]], code: str | None) -> None:
    """A checkout order awaiting payment, then its attribution written by an UpdateItem."""
    from chalicelib.checkout.models import OrderLineMap, ShopOrderItem
    from chalicelib.orders.published.items import ORDER_SK, order_pk

    item = ShopOrderItem(order_pk(order_id), ORDER_SK, order_id=order_id, payment_id="01J00000000000000000PAYMNT",
                         user_id=buyer_id, merchant_id=MERCHANT.user_id, state="AWAITING_PAYMENT",
                         lines=[OrderLineMap(sku_id=f"SKU{n}", product_id=p, product_name="x", sku_code="x",
                                             quantity=1, unit_price=paid, paid=paid) for n, (p, paid) in
                                enumerate(lines)],
                         created_at=iso(NOW), pay_by=iso(NOW + timedelta(minutes=15)))
    item.save()
    if code is not None:
        attribute(order_id, code)


def attribute(order_id: str, code: str, kind: str = "DISTRIBUTOR") -> None:
    from chalicelib.core.table.models import TableItem
    from chalicelib.orders.published.items import ORDER_SK, order_pk

    TableItem._get_connection().update_item(
        order_pk(order_id), ORDER_SK, actions=[_attribution().set({"kind": kind, "ref": code})])


def _attribution():
    from pynamodb.expressions.operand import Path

    return Path("attribution")


def move(order_id: str, state: str, **extra) -> None:
    """The order's state (and other attributes) moved by one UpdateItem."""
    from pynamodb.expressions.operand import Path

    from chalicelib.core.table.models import TableItem
    from chalicelib.orders.published.items import ORDER_SK, order_pk

    actions = [Path("state").set(state), *(Path(k).set(v) for k, v in extra.items())]
    TableItem._get_connection().update_item(order_pk(order_id), ORDER_SK, actions=actions)


def deliver(emulator) -> list:
    """The table stream's records so far, to distribution's order handler and commissions' refund handler: the
    changes delivered (to deliver again)."""
    from chalicelib import commission_refunds
    from chalicelib.distribution import stream_handlers
    from devstack.streams import StreamPoller

    handlers = {"ShopOrder": [stream_handlers.distributed_order_changed, commission_refunds.order_refunded],
                "Order": [stream_handlers.distributed_order_changed, commission_refunds.order_refunded]}

    delivered: list = []

    def consumer(event: dict, context: object) -> dict:
        for raw in event["Records"]:
            change = change_of(DynamoDBRecord(raw))
            for handler in handlers.get(change.item_type if change else "", []):
                handler(change)
            delivered.append(change)
        return {"batchItemFailures": []}

    StreamPoller(emulator.endpoint_url, os.environ["TUANSTACK_TABLE"], consumer).drain()
    return [c for c in delivered if c is not None]


def redeliver(changes: list) -> None:
    from chalicelib import commission_refunds
    from chalicelib.distribution import stream_handlers

    for change in changes:
        if change.item_type in ("ShopOrder", "Order"):
            stream_handlers.distributed_order_changed(change)
            commission_refunds.order_refunded(change)


def entries(order_id: str) -> dict[str, tuple[str, int, str]]:
    """The order's commission entries: beneficiary → (kind, amount, state)."""
    from chalicelib.commissions.published import entries_of_order

    return {e.beneficiary_id: (e.kind, int(e.amount), e.state) for e in entries_of_order(order_id)}
