"""The table's change stream: what happens *because* an item changed.

- a new HELD reservation starts its expiry timer (reservation_expiry);
- a new OPEN team starts its deadline timer (team_lifecycle) and is announced
  (TeamOpened; best effort, see _publish_team_opened);
- a team that turns OPEN → SUCCEEDED (at once when its last seat is paid, or
  virtually at its deadline) starts team_settlement;
- an order that turns REFUNDING (its team failed, a capture came too late, or an
  operator retried a failed refund: refund_attempt + 1) starts a refund;
- an order's points follow its state: paid → pending points earned; an unpaid
  order cancelled → the points it took at checkout return; turning REFUNDING →
  pending points (and growth) cancelled and checkout points returned
  (services/points_hooks.py). The
  ledger posts each source once, so a redelivered record changes nothing; and a
  paid order counts its product as bought (reviews show "verified purchase");
- a post that turns visible is pushed into its author's followers' feeds (or
  withdrawn when it stops being visible), its discover key follows its engagement
  counts (set here, not on the likes' hot path), and its first publication earns
  its author points; a follow, unfollow or an author crossing the big-author threshold updates
  the readers' feeds (workflows/feed_fanout.py; every write is idempotent);
- a SKU that runs out of stock is counted.

Executions are named after what they look after (reservation id, team id,
``<order id>-<refund attempt>``), so a redelivered record starts nothing twice.
Records are processed one by one with Powertools' batch processor, which reports
only the failed ones back to Lambda for redelivery.
"""
from __future__ import annotations

import os
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import (
    DynamoDBRecord,
    DynamoDBRecordEventName,
)

from chalicelib.core.observability import flush_metrics, logger, metrics
from chalicelib.core.executions import start_once

RESERVATION_EXPIRY_ARN = "TUANSTACK_RESERVATION_EXPIRY_SFN_ARN"
TEAM_LIFECYCLE_ARN = "TUANSTACK_TEAM_LIFECYCLE_SFN_ARN"
TEAM_SETTLEMENT_ARN = "TUANSTACK_TEAM_SETTLEMENT_SFN_ARN"
REFUND_ARN = "TUANSTACK_REFUND_SFN_ARN"

_processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


def _new_image(record: DynamoDBRecord) -> dict[str, Any]:
    return (record.dynamodb.new_image if record.dynamodb else None) or {}


def _old_image(record: DynamoDBRecord) -> dict[str, Any]:
    return (record.dynamodb.old_image if record.dynamodb else None) or {}


def handle_record(record: DynamoDBRecord) -> None:
    new, old = _new_image(record), _old_image(record)
    kind = new.get("type") or old.get("type")
    if kind == "Reservation" and record.event_name is DynamoDBRecordEventName.INSERT and new.get("state") == "HELD":
        _reservation_held(new)
    elif kind == "Team":
        _team_changed(record, new, old)
    elif kind == "Order":
        _order_changed(record, new, old)
    elif kind in ("Post", "Profile", "Follow"):
        _feed_changed(kind, new, old)
    elif kind == "Sku" and old and new and int(old.get("available", 0)) > 0 and int(new.get("available", 0)) == 0:
        metrics.add_metric(name="SkuSoldOut", unit="Count", value=1)


def _reservation_held(new: dict[str, Any]) -> None:
    payload = {"reservationId": new["reservation_id"], "expiresAt": new["expires_at"]}
    if new.get("owner_id"):
        payload["ownerId"] = new["owner_id"]  # the task tells a group-buy seat from a plain hold
    started = start_once(os.environ[RESERVATION_EXPIRY_ARN], new["reservation_id"], payload)
    logger.debug("reservation expiry timer", extra={"started": started})


def _team_changed(record: DynamoDBRecord, new: dict[str, Any], old: dict[str, Any]) -> None:
    if record.event_name is DynamoDBRecordEventName.INSERT and new.get("state") == "OPEN":
        team_id = new["team_id"]
        started = start_once(os.environ[TEAM_LIFECYCLE_ARN], team_id,
                             {"teamId": team_id, "expiresAt": new["expires_at"]})
        logger.debug("team deadline timer", extra={"started": started})
        _publish_team_opened(team_id, new)
    elif (record.event_name is DynamoDBRecordEventName.MODIFY and old.get("state") == "OPEN"
          and new.get("state") == "SUCCEEDED"):
        team_id = new["team_id"]
        started = start_once(os.environ[TEAM_SETTLEMENT_ARN], team_id, {"teamId": team_id})
        logger.debug("team settlement", extra={"started": started})


def _order_changed(record: DynamoDBRecord, new: dict[str, Any], old: dict[str, Any]) -> None:
    if record.event_name not in (DynamoDBRecordEventName.INSERT, DynamoDBRecordEventName.MODIFY):
        return
    if new.get("state") != old.get("state"):
        _order_hooks(new, old)
    if new.get("state") != "REFUNDING":
        return
    attempt = int(new.get("refund_attempt", 0) or 0)
    if old.get("state") == "REFUNDING" and int(old.get("refund_attempt", 0) or 0) == attempt:
        return  # still refunding, same attempt: its execution exists
    order_id = new["order_id"]
    started = start_once(os.environ[REFUND_ARN], f"{order_id}-{attempt}", {"orderId": order_id})
    logger.debug("refund", extra={"started": started, "attempt": attempt})


def _feed_changed(kind: str, new: dict[str, Any], old: dict[str, Any]) -> None:
    from chalicelib.feeds import fanout as feed_fanout

    if kind == "Post":
        from chalicelib.feeds import posts

        feed_fanout.handle_post_record(new, old)
        posts.on_post_changed(new, old)
    elif kind == "Profile":
        feed_fanout.handle_profile_record(new, old)
    else:
        feed_fanout.handle_follow_record(new, old)


def _order_hooks(new: dict[str, Any], old: dict[str, Any]) -> None:
    from chalicelib.core.clock import from_iso
    from chalicelib.points import hooks as points_hooks
    from chalicelib.feeds import social

    state, before = new.get("state"), old.get("state")
    if state == "PAID_AWAITING_TEAM" and before == "AWAITING_PAYMENT":
        paid_at = from_iso(new["paid_at"])
        points_hooks.on_order_paid(new["user_id"], new["order_id"], new["product_id"], int(new.get("captured", 0)),
                                   paid_at)
        social.on_order_paid(new["user_id"], new["order_id"], new["product_id"])
    elif state == "CANCELLED" and int(new.get("points_used", 0) or 0):
        points_hooks.on_order_cancelled(new["user_id"], new["order_id"])
    elif state in ("REFUNDING", "REFUNDED") and before not in ("REFUNDING", "REFUNDED", "REFUND_FAILED"):
        # From the moment the refund is decided: its points must not reach the end of the
        # return window while the refund is still being retried (REFUNDING, REFUND_FAILED).
        points_hooks.on_order_refunded(new["user_id"], new["order_id"])
        social.on_order_refunded(new["user_id"], new["order_id"], new["product_id"])


def _publish_team_opened(team_id: str, new: dict[str, Any]) -> None:
    """Announce the team. An event that cannot be published (the publisher already
    retried) is logged and counted but does not fail the record: a failed record
    holds up its whole shard, and with it every timer behind it."""
    from chalicelib.adapters.events import DomainEvent, PublishFailed
    from chalicelib.adapters.messaging import event_publisher_for
    from chalicelib.core.settings import settings

    try:
        event_publisher_for(settings()).publish([DomainEvent(
            name="TeamOpened", subject_id=team_id, idempotency_key=f"{team_id}:OPEN",
            detail={"teamId": team_id, "dealId": new.get("deal_id", ""), "size": int(new.get("size", 0)),
                    "expiresAt": new["expires_at"]},
        )])
    except PublishFailed:
        metrics.add_metric(name="DomainEventsLost", unit="Count", value=1)
        logger.exception("TeamOpened not published", extra={"team_id": team_id})


def handle_batch(event: dict[str, Any], context: Any) -> dict[str, Any]:
    try:
        return process_partial_response(event=event, record_handler=handle_record, processor=_processor,
                                        context=context)
    finally:
        flush_metrics()
