"""At a round's cutoff (the community_round_cutoff timer's task): one delivery batch per leader served, and the
events that say so. Time decides: before the cutoff it refuses (``not_yet``, which the machine retries).

Idempotent: each batch is put only if absent, so a second run (a Step Functions retry, a task that failed half
way) adds the missing ones and changes none; the events go out again, under the same idempotency keys, for
consumers to drop. A cancelled round gets no batches and no events.

DynamoDB requests: one GetItem (the round), then per leader two Queries (its pick list's lines, the count of its
paid orders) and one conditional PutItem.
"""
from __future__ import annotations

from datetime import datetime

from chalicelib.community import keys_rounds as keys
from chalicelib.community import pick_lists, store_batches, store_rounds
from chalicelib.community.rules_batches import BatchState, DeliveryBatch
from chalicelib.community.rules_rounds import Round, RoundStatus
from chalicelib.core.observability import count, logger
from chalicelib.core.table.models import TableItem


def close_round(round_id: str, now: datetime) -> str:
    """'closed' (batches put: by this run or an earlier one), 'cancelled', 'not_yet', 'unknown'."""
    found = store_rounds.get_round(round_id, consistent=True)
    if found is None:
        return "unknown"
    status = found.status(now)
    if status is RoundStatus.CANCELLED:
        return "cancelled"
    if status is RoundStatus.OPEN:
        return "not_yet"
    ready = [put_batch(found, leader_id, now) for leader_id in found.leader_ids]
    _publish(found, ready)
    return "closed"


def put_batch(found: Round, leader_id: str, now: datetime) -> tuple[DeliveryBatch, list]:
    """The leader's batch as its pick list stands now, put if absent (by the timer, or by a merchant delivering
    before the timer ran); the batch and the pick list's lines."""
    lines = pick_lists.pick_lines(pick_lists.PickList(found, leader_id))
    orders = TableItem.count(keys.round_pk(found.id), TableItem.SK.startswith(keys.paid_orders_prefix(leader_id)),
                             consistent_read=True)
    batch = DeliveryBatch(found.id, leader_id, found.merchant_id, BatchState.AWAITING_DELIVERY,
                          sum(line.units for line in lines), orders, now.replace(microsecond=0))
    count("CommunityBatchesPut", int(store_batches.put_once(batch)))
    return batch, lines


def _publish(found: Round, ready: list) -> None:
    """Ids and counts only. Best effort: a lost event is counted, never fails the timer."""
    from chalicelib.adapters.events import DomainEvent, PublishFailed
    from chalicelib.adapters.messaging import event_publisher_for
    from chalicelib.core.settings import settings

    events = [DomainEvent(name="CommunityRoundClosed", subject_id=found.id, idempotency_key=f"{found.id}:closed",
                          detail={"roundId": found.id, "merchantId": found.merchant_id,
                                  "cutoffAt": found.cutoff_at.isoformat(), "leaders": len(found.leader_ids)})]
    events += [DomainEvent(name="PickListReady", subject_id=found.id,
                           idempotency_key=f"{found.id}:{batch.leader_id}:pick-list",
                           detail={"roundId": found.id, "leaderId": batch.leader_id, "merchantId": found.merchant_id,
                                   "units": batch.units, "orders": batch.orders,
                                   "lines": [{"productId": line.product_id, "skuId": line.sku_id,
                                              "units": line.units} for line in lines]})
               for batch, lines in ready]
    try:
        event_publisher_for(settings()).publish(events)
    except PublishFailed:
        count("DomainEventsLost", len(events))
        logger.exception("community round events not published", extra={"round_id": found.id})
