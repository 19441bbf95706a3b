"""The settlement job (``settle-commissions``, hourly): PENDING entries whose hold has
passed become SETTLED (``ledger.settle_entry``, once: conditioned on the entry's version).

It finds its work in the sparse due index (GSI1, ``DUE_SHARDS`` partitions sorted by
hold_until) that settling empties, so a stopped or failed run is finished by the
next one, and a run racing an order's timer (``settle_order``) settles each entry
once: the loser finds it SETTLED and moves on. An entry costs one Query share and one
TransactWriteItems (two when it changed since the index was read).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from chalicelib.commissions.keys import DUE_SHARDS, due_bucket
from chalicelib.commissions.ledger import SettleCondition, settle_entry
from chalicelib.commissions.models import CommissionEntryItem
from chalicelib.core.clock import iso
from chalicelib.core.jobs import scheduled_now
from chalicelib.core.observability import count, flush_metrics, logger
from chalicelib.core.table.models import TableItem

SETTLE_COMMISSIONS = "settle-commissions"
PAGE = 100


def settle_due(now: datetime, *, shards: Iterable[int] | None = None, max_entries: int | None = None,
               unless: SettleCondition | None = None) -> dict[str, Any]:
    """Settle every entry due by ``now`` (``unless``: conditions that hold one back for a later run, as
    ``ledger.settle_entry`` takes them). Returns the run's summary (JSON-ready)."""
    settled = amount = errors = seen = 0
    complete = True
    bound = f"{iso(now)}#\uffff"  # every hold_until up to now, whoever's
    for shard in sorted(set(range(DUE_SHARDS) if shards is None else shards)):
        for item in TableItem.gsi1.query(due_bucket(shard), TableItem.GSI1SK <= bound, page_size=PAGE):
            if not isinstance(item, CommissionEntryItem):
                continue
            if max_entries is not None and seen >= max_entries:
                complete = False
                break
            seen += 1
            try:
                done = settle_entry(item.beneficiary_id, item.order_id, now, first=item, unless=unless)
            except Exception:  # noqa: BLE001 - one entry must not stop the others; the next run retries it
                errors += 1
                logger.exception("commission settlement failed for an entry", extra={"order_id": item.order_id})
                continue
            if done is not None:
                settled += 1
                amount += done
    if amount:
        count("CommissionSettled", amount)
    if errors:
        count("CommissionJobErrors", errors)
    return {"job": SETTLE_COMMISSIONS, "now": iso(now), "entriesSettled": settled, "fenSettled": amount,
            "errors": errors, "complete": complete}


def run_scheduled(event_time: str, detail: Mapping[str, Any] | None,
                  unless: SettleCondition | None = None) -> dict[str, Any]:
    """The scheduled (EventBridge) invocation: ``now`` is the event's time unless the detail
    carries one (an on-demand run, ``make job JOB=settle-commissions``)."""
    detail = dict(detail or {})
    try:
        now = scheduled_now(SETTLE_COMMISSIONS, event_time, detail, ("maxEntries", "shards"))
        summary = settle_due(now, shards=detail.get("shards"), max_entries=detail.get("maxEntries"), unless=unless)
        logger.info("commission settlement finished", extra={"summary": summary})
        return summary
    finally:
        flush_metrics()
