"""Community's reactions to table changes:

- a round inserted → its cutoff timer (community_round_cutoff), named after the round, so a redelivered record
  starts nothing twice (Step Functions refuses a second execution of a name);
- a delivery batch moved to DELIVERED → its paid orders arrive at the leader's point (arrival.py; idempotent);
- an order for pickup (a checkout ShopOrder carrying ``pickup``) paid → its leader's commission accrues; completed
  → it is timed to settle when the return window closes (earning.py; the ledger does each once).
"""
from __future__ import annotations

import os

from chalicelib.core.clock import from_iso, utc_now
from chalicelib.core.executions import start_once
from chalicelib.core.observability import logger
from chalicelib.core.stream import Change, Image, on_change

CUTOFF_ARN = "TUANSTACK_COMMUNITY_ROUND_CUTOFF_SFN_ARN"
DELIVERED = "DELIVERED"


@on_change("CommunityRound")
def round_opened(change: Change) -> None:
    if not change.inserted:
        return
    round_id = change.new["round_id"]
    started = start_once(os.environ[CUTOFF_ARN], round_id, {"roundId": round_id, "cutoffAt": change.new["cutoff_at"]})
    logger.debug("round cutoff timer", extra={"started": started})


@on_change("CommunityRoundBatch")
def batch_delivered(change: Change) -> None:
    if not change.modified or not change.moved("state") or change.new.get("state") != DELIVERED:
        return
    from chalicelib.community.arrival import batch_arrived

    new = change.new
    batch_arrived(new["round_id"], new["leader_id"], from_iso(new["delivered_at"]))


@on_change("ShopOrder")
def pickup_order_changed(change: Change) -> None:
    if not change.modified or not change.moved("state") or not change.new.get("pickup"):
        return
    from chalicelib.community import earning

    new, before = change.new, change.old.get("state")
    pickup = Image(new["pickup"])
    if new.get("state") == "TO_SHIP" and before == "AWAITING_PAYMENT":
        lines = [(line["product_id"], line["sku_id"], line.number("paid"))
                 for line in (Image(raw) for raw in new.get("lines") or [])]
        earning.on_paid(new["order_id"], pickup["leader_id"], pickup["round_id"], lines, from_iso(new["paid_at"]),
                        utc_now())
    elif new.get("state") == "COMPLETED" and before == "SHIPPED" and new.get("returns_until"):
        earning.on_completed(new["order_id"], from_iso(new["returns_until"]))
