"""The hourly check operators' alarm reads: disputes open longer than 24 h (the reports' "disputes
handled within 24 h"). The metric DisputesOverdue is emitted every run, 0 included, so an alarm on
it sees data and never mistakes silence for health (docs/operations.md)."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from chalicelib.aftersales import keys, store
from chalicelib.core.clock import from_iso, iso
from chalicelib.core.observability import count, flush_metrics, logger

DISPUTE_DEADLINE = timedelta(hours=24)


def overdue_disputes(now: datetime) -> dict[str, Any]:
    """How many disputes have waited longer than 24 h (one counting Query of the queue, oldest first)."""
    cutoff = iso(now - DISPUTE_DEADLINE)
    overdue = store.queue_count_before(keys.DISPUTES, cutoff)
    count("DisputesOverdue", overdue)
    summary = {"overdue": overdue, "openedBefore": cutoff}
    (logger.warning if overdue else logger.info)("overdue disputes counted", extra=summary)
    return summary


def run_scheduled(event_time: str, detail: Mapping[str, Any] | None) -> dict[str, Any]:
    """The schedule's invocation: ``now`` is the event's time unless the detail names one."""
    try:
        return overdue_disputes(from_iso(str((detail or {}).get("now") or event_time)))
    finally:
        flush_metrics()
