"""What the root assembly needs to refund a cancelled round's orders for pickup (chalicelib/pickup_refunds.py)."""
from __future__ import annotations

from collections.abc import Iterator

from chalicelib.community import keys_rounds as keys
from chalicelib.community import store_rounds
from chalicelib.community.models_rounds import RoundPaidOrderItem
from chalicelib.community.rules_rounds import RoundStatus
from chalicelib.core.clock import utc_now
from chalicelib.core.table.models import TableItem

__all__ = ["is_cancelled", "paid_order_ids", "round_id_of"]

PAID_PREFIX = "PAID#"


def paid_order_ids(round_id: str) -> Iterator[str]:
    """Every paid order of the round, at every leader's point: Queries of its partition's ``PAID#`` items."""
    for item in TableItem.query(keys.round_pk(round_id), TableItem.SK.startswith(PAID_PREFIX), consistent_read=True):
        if isinstance(item, RoundPaidOrderItem):
            yield item.order_id


def round_id_of(partition_key: str) -> str:
    return partition_key.removeprefix(keys.round_pk(""))


def is_cancelled(round_id: str) -> bool:
    """One strongly consistent GetItem."""
    found = store_rounds.get_round(round_id, consistent=True)
    return found is not None and found.status(utc_now()) is RoundStatus.CANCELLED
