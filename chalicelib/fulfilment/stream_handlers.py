"""Fulfilment's reactions to table changes, for orders of both kinds (checkout's "ShopOrder",
group-buy's "Order"):

- an order that moves to SHIPPED starts its delivery timer (delivery), named after the order, so
  a redelivered record starts nothing twice; the run that started it tells the buyer (a
  subscribe message, best effort) — a redelivery does not tell them again;
- OrderShipped / OrderCompleted are published when the state moves (at least once, keyed
  ``<order id>:<state>``: consumers drop duplicates). An event that cannot be published is
  logged and counted, not retried: a failed record would hold up its shard and every timer behind it.
"""
from __future__ import annotations

import os

from chalicelib.core.executions import start_once
from chalicelib.core.observability import count, logger
from chalicelib.core.stream import Change, on_change

DELIVERY_ARN = "TUANSTACK_DELIVERY_SFN_ARN"
SHIPPED, COMPLETED = "SHIPPED", "COMPLETED"


@on_change("ShopOrder", "Order")
def order_delivery(change: Change) -> None:
    if not change.modified or not change.moved("state"):
        return
    new = change.new
    order_id, state = new["order_id"], new.get("state")
    if state == SHIPPED:
        started = start_once(os.environ[DELIVERY_ARN], order_id,
                             {"orderId": order_id, "completeBy": new["complete_by"]})
        logger.debug("delivery timer", extra={"started": started})
        if started:
            _notify_buyer(new.text("user_id") or "", order_id, new.text("carrier") or "", new.text("tracking_no") or "")
        _publish("OrderShipped", order_id, {"orderId": order_id, "merchantId": new.text("merchant_id") or "",
                                            "carrier": new.text("carrier") or "", "shippedAt": new["shipped_at"],
                                            "completeBy": new["complete_by"]})
    elif state == COMPLETED:
        _publish("OrderCompleted", order_id, {"orderId": order_id, "merchantId": new.text("merchant_id") or "",
                                              "completedAt": new["completed_at"],
                                              "returnsUntil": new.text("returns_until") or "",
                                              "afterSalesUntil": new.text("after_sales_until") or ""})


def _publish(name: str, order_id: str, detail: dict) -> None:
    from chalicelib.adapters.events import DomainEvent, PublishFailed
    from chalicelib.adapters.messaging import event_publisher_for
    from chalicelib.core.settings import settings

    state = SHIPPED if name == "OrderShipped" else COMPLETED
    try:
        event_publisher_for(settings()).publish([DomainEvent(
            name=name, subject_id=order_id, idempotency_key=f"{order_id}:{state}", detail=detail)])
    except PublishFailed:
        count("DomainEventsLost")
        logger.exception("order event not published", extra={"order_id": order_id, "event": name})


def _notify_buyer(user_id: str, order_id: str, carrier: str, tracking_no: str) -> None:
    """Best effort: a message never holds up the order."""
    from chalicelib.accounts.published.users import wechat_openid
    from chalicelib.adapters.events import Notification, NotificationFailed
    from chalicelib.adapters.messaging import notifier_for
    from chalicelib.core.settings import settings

    try:
        notifier_for(settings(), wechat_openid).notify(Notification(
            user_id=user_id, template="order_shipped",
            data={"orderId": order_id, "carrier": carrier, "trackingNo": tracking_no}))
    except (RuntimeError, NotificationFailed) as error:
        count("NotificationsFailed")
        logger.warning("notification not sent", extra={"template": "order_shipped", "order_id": order_id,
                                                       "error": type(error).__name__})
