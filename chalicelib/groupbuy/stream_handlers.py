"""Group-buy's reactions to table changes: timers, settlement, refunds, TeamOpened.

- a new HELD reservation starts its expiry timer (reservation_expiry);
- a new OPEN team starts its deadline timer (team_lifecycle) and is announced
  (TeamOpened; best effort, see _publish_team_opened);
- a team that turns OPEN → SUCCEEDED (at once when its last seat is paid, or
  virtually at its deadline) starts team_settlement;
- a team whose state, seats or deadline changed has its deal's open teams listed
  again on the deal's item (the deals page reads them there; open_teams.py);
- an order that turns REFUNDING (its team failed, a capture came too late, or an
  operator retried a failed refund: refund_attempt + 1) starts a refund.

Executions are named after what they look after (reservation id, team id,
``<order id>-<refund attempt>``), so a redelivered record starts nothing twice.
"""
from __future__ import annotations

import os

from chalicelib.core.clock import utc_now
from chalicelib.core.executions import start_once
from chalicelib.core.observability import logger, metrics
from chalicelib.core.stream import Change, on_change
from chalicelib.groupbuy import open_teams

RESERVATION_EXPIRY_ARN = "TUANSTACK_RESERVATION_EXPIRY_SFN_ARN"
TEAM_LIFECYCLE_ARN = "TUANSTACK_TEAM_LIFECYCLE_SFN_ARN"
TEAM_SETTLEMENT_ARN = "TUANSTACK_TEAM_SETTLEMENT_SFN_ARN"
REFUND_ARN = "TUANSTACK_REFUND_SFN_ARN"


@on_change("Reservation")
def reservation_held(change: Change) -> None:
    if not (change.inserted and change.new.get("state") == "HELD"):
        return
    new = change.new
    payload = {"reservationId": new["reservation_id"], "expiresAt": new["expires_at"]}
    if new.get("owner_id"):
        payload["ownerId"] = new["owner_id"]  # the task tells a group-buy seat from a plain hold
    started = start_once(os.environ[RESERVATION_EXPIRY_ARN], new["reservation_id"], payload)
    logger.debug("reservation expiry timer", extra={"started": started})


@on_change("Team")
def team_changed(change: Change) -> None:
    new, old = change.new, change.old
    if change.inserted and new.get("state") == "OPEN":
        team_id = new["team_id"]
        started = start_once(os.environ[TEAM_LIFECYCLE_ARN], team_id,
                             {"teamId": team_id, "expiresAt": new["expires_at"]})
        logger.debug("team deadline timer", extra={"started": started})
        _publish_team_opened(team_id, change)
    elif change.modified and old.get("state") == "OPEN" and new.get("state") == "SUCCEEDED":
        team_id = new["team_id"]
        started = start_once(os.environ[TEAM_SETTLEMENT_ARN], team_id, {"teamId": team_id})
        logger.debug("team settlement", extra={"started": started})


# What a deal card shows of a team; a change to anything else (closed_at alone, a
# settlement flag) leaves the listing as it is.
_LISTED_FIELDS = ("state", "taken", "paid", "size", "expires_at")


@on_change("Team")
def deal_open_teams_listed(change: Change) -> None:
    """List the team's deal's open teams again: read afresh, so the same record twice, or
    records out of order, leave the listing as the table is."""
    if change.modified and not (any(change.moved(f) for f in _LISTED_FIELDS)
                                and "OPEN" in (change.old.get("state"), change.new.get("state"))):
        return
    image = change.new if change.new else change.old
    deal_id, team_id = image.text("deal_id"), image.text("team_id")
    if deal_id and team_id:
        listed = open_teams.list_open_teams(deal_id, team_id, utc_now())
        logger.debug("deal open teams listed", extra={"deal_id": deal_id, "listed": listed})


@on_change("Order")
def order_refunding(change: Change) -> None:
    if not (change.inserted or change.modified) or change.new.get("state") != "REFUNDING":
        return
    attempt = change.new.number("refund_attempt")
    if change.old.get("state") == "REFUNDING" and change.old.number("refund_attempt") == attempt:
        return  # still refunding, same attempt: its execution exists
    order_id = change.new["order_id"]
    started = start_once(os.environ[REFUND_ARN], f"{order_id}-{attempt}", {"orderId": order_id})
    logger.debug("refund", extra={"started": started, "attempt": attempt})


def _publish_team_opened(team_id: str, change: Change) -> None:
    """Announce the team. An event that cannot be published (the publisher already
    retried) is logged and counted but does not fail the record: a failed record
    holds up its whole shard, and with it every timer behind it."""
    from chalicelib.adapters.events import DomainEvent, PublishFailed
    from chalicelib.adapters.messaging import event_publisher_for
    from chalicelib.core.settings import settings

    new = change.new
    try:
        event_publisher_for(settings()).publish([DomainEvent(
            name="TeamOpened", subject_id=team_id, idempotency_key=f"{team_id}:OPEN",
            detail={"teamId": team_id, "dealId": new.text("deal_id") or "", "size": new.number("size"),
                    "expiresAt": new["expires_at"]},
        )])
    except PublishFailed:
        metrics.add_metric(name="DomainEventsLost", unit="Count", value=1)
        logger.exception("TeamOpened not published", extra={"team_id": team_id})
