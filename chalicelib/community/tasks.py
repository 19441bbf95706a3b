"""The community_round_cutoff state machine's task (infra/statemachines/community_round_cutoff.asl.json):
``close_round`` after the round's cutoff and a short grace puts each leader's delivery batch and publishes the
events. Time decides: the task re-checks the cutoff (``NotYet`` if it woke early, which the machine retries)."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from chalicelib.community import closing
from chalicelib.core.clock import NotYet, utc_now
from chalicelib.core.observability import flush_metrics

__all__ = ["NotYet", "close_round"]


def close_round(event: Mapping[str, Any], now: datetime | None = None) -> dict[str, Any]:
    """{roundId, cutoffAt} → {"roundId", "outcome": closed | cancelled | unknown}."""
    round_id = event["roundId"]
    try:
        outcome = closing.close_round(round_id, now or utc_now())
    finally:
        flush_metrics()
    if outcome == "not_yet":
        raise NotYet(f"community round {round_id} has not reached its cutoff")
    return {"roundId": round_id, "outcome": outcome}
