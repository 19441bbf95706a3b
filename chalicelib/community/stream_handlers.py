"""Community's reactions to table changes:

- a round inserted → its cutoff timer (community_round_cutoff), named after the round, so a redelivered record
  starts nothing twice (Step Functions refuses a second execution of a name);
- a delivery batch moved to DELIVERED → its paid orders arrive at the leader's point (arrival.py; idempotent).
"""
from __future__ import annotations

import os

from chalicelib.core.clock import from_iso
from chalicelib.core.executions import start_once
from chalicelib.core.observability import logger
from chalicelib.core.stream import Change, on_change

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
