"""Shared by the referral tests: users signed in through codes, the table's stream delivered to referrals'
handlers only, orders moved by stream changes, and a completed order in the table."""
from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import (
    DynamoDBRecord,
    DynamoDBRecordEventName,
)

from chalicelib.core.clock import iso
from chalicelib.core.stream import Change, Image, change_of
from chalicelib.referrals import stream_handlers

NOW = datetime(2026, 3, 10, 4, 0, tzinfo=UTC)
CLOSES = NOW + timedelta(days=9)  # the first order's return window closes (China: 2026-03-19 12:00)


def sign_in(name: str, invite_code: str | None = None, now: datetime = NOW):
    """``name`` signs in with the demo login (created on the first sign-in); the Session."""
    from chalicelib.accounts.service import login_with_wechat
    from chalicelib.adapters.wechat_login import LocalDemoLogin
    from chalicelib.core.settings import settings

    return login_with_wechat(settings(), LocalDemoLogin(), f"demo:{name}", now, invite_code)


def deliver(emulator) -> None:
    """The table stream's records so far, to referrals' handlers only (users and orders)."""
    from devstack.streams import StreamPoller

    handlers = {"User": [stream_handlers.user_created],
                "ShopOrder": [stream_handlers.order_changed], "Order": [stream_handlers.order_changed]}

    def consumer(event: dict, context: object) -> dict:
        for raw in event["Records"]:
            change = change_of(DynamoDBRecord(raw))
            for handler in handlers.get(change.item_type if change else "", []):
                handler(change)
        return {"batchItemFailures": []}

    StreamPoller(emulator.endpoint_url, os.environ["TUANSTACK_TABLE"], consumer).drain()


def inserted_user(user_id: str, code: str, now: datetime = NOW) -> Change:
    image = {"type": "User", "user_id": user_id, "invite_code": code, "created_at": iso(now)}
    return Change("User", DynamoDBRecordEventName.INSERT, Image(image), Image({}))


def order_change(user_id: str, order_id: str, old: str, new: str, *, kind: str = "ShopOrder",
                 refunded: tuple[int, int] = (0, 0), returns_until: datetime | None = None) -> Change:
    image = {"user_id": user_id, "order_id": order_id, "state": new, "after_sales_refunded": refunded[1]}
    if returns_until is not None:
        image["returns_until"] = iso(returns_until)
    before = {**image, "state": old, "after_sales_refunded": refunded[0]}
    return Change(kind, DynamoDBRecordEventName.MODIFY, Image(image), Image(before))


def completed_order(order_id: str, refunded: int = 0) -> None:
    """The order's item as the reward's condition reads it (state, after_sales_refunded)."""
    from chalicelib.checkout.models import ShopOrderItem
    from chalicelib.orders.published.items import ORDER_SK, order_pk

    ShopOrderItem(order_pk(order_id), ORDER_SK).update(actions=[
        ShopOrderItem.state.set("COMPLETED"), ShopOrderItem.after_sales_refunded.set(refunded)])


def first_order_completes(invitee_id: str, order_id: str, closes: datetime = CLOSES) -> None:
    """Paid, then completed with its window closing at ``closes``: stream changes and the order's item."""
    stream_handlers.order_changed(order_change(invitee_id, order_id, "AWAITING_PAYMENT", "TO_SHIP"))
    stream_handlers.order_changed(order_change(invitee_id, order_id, "SHIPPED", "COMPLETED", returns_until=closes))
    completed_order(order_id)


def coupons(user_id: str, now: datetime = CLOSES) -> list:
    from chalicelib.coupons.store import available_coupons

    return available_coupons(user_id, now, 50, None).items
