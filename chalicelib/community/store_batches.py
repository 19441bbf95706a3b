"""Delivery batches in the single table: ``ROUND#<r>`` / ``BATCH#<leader>`` (docs/data-model.md).

Put once (a condition that none exists: a second timer run changes nothing), listed with one Query of the round's
``BATCH#`` range, moved to DELIVERED once by one conditional UpdateItem.
"""
from __future__ import annotations

from datetime import datetime

from pynamodb.exceptions import DoesNotExist

from chalicelib.community import keys_rounds as keys
from chalicelib.community.models_rounds import RoundBatchItem
from chalicelib.community.rules_batches import BatchState, DeliveryBatch
from chalicelib.community.rules_rounds import MAX_LEADERS
from chalicelib.core.clock import from_iso, iso
from chalicelib.core.table.conditional import put_if, update_if
from chalicelib.core.table.models import TableItem
from chalicelib.core.table.paging import query_page


def to_batch(item: RoundBatchItem) -> DeliveryBatch:
    return DeliveryBatch(round_id=item.round_id, leader_id=item.leader_id, merchant_id=item.merchant_id,
                         state=BatchState(item.state), units=int(item.units), orders=int(item.orders),
                         created_at=from_iso(item.created_at),
                         delivered_at=from_iso(item.delivered_at) if item.delivered_at else None,
                         delivered_by=item.delivered_by)


def put_once(batch: DeliveryBatch) -> bool:
    """One conditional PutItem: False if the batch exists already (then it is left as it is)."""
    return put_if(RoundBatchItem(
        keys.round_pk(batch.round_id), keys.batch_sk(batch.leader_id), round_id=batch.round_id,
        leader_id=batch.leader_id, merchant_id=batch.merchant_id, state=batch.state.value, units=batch.units,
        orders=batch.orders, created_at=iso(batch.created_at)), TableItem.PK.does_not_exist())


def batches_of_round(round_id: str) -> list[DeliveryBatch]:
    """One Query (a round serves at most MAX_LEADERS leaders: one batch each), by leader id."""
    page = query_page(TableItem, keys.round_pk(round_id), MAX_LEADERS, forward=True, prefix=keys.BATCH_PREFIX,
                      kinds=RoundBatchItem, consistent_read=True)
    return [to_batch(item) for item in page.items]


def get_batch(round_id: str, leader_id: str) -> DeliveryBatch | None:
    """One strongly consistent GetItem."""
    try:
        return to_batch(RoundBatchItem.get(keys.round_pk(round_id), keys.batch_sk(leader_id), consistent_read=True))
    except DoesNotExist:
        return None


def mark_delivered(round_id: str, leader_id: str, by: str, now: datetime) -> bool:
    """AWAITING_DELIVERY → DELIVERED: one conditional UpdateItem; False if it is not awaiting delivery (or absent)."""
    item = RoundBatchItem
    return update_if(item(keys.round_pk(round_id), keys.batch_sk(leader_id)), [
        item.state.set(BatchState.DELIVERED.value), item.delivered_at.set(iso(now)), item.delivered_by.set(by),
    ], item.state == BatchState.AWAITING_DELIVERY.value)
