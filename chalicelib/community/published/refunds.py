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


def follow_refunded_units(round_id: str, leader_id: str, order_id: str, refunded: dict[tuple[str, str], int]) -> bool:
    """After-sales paid back ``refunded`` units (cumulative, by product and SKU) of a paid order for pickup: the
    leader's pick list and the customer's per-customer counts drop by what is new, in ONE transaction conditioned on
    the paid-order item's refunds as read, so a redelivered or racing call moves nothing twice. False when nothing
    was new (or the order is not on a pick list)."""
    from chalicelib.community.models_rounds import RoundBoughtItem, RoundPickedItem
    from chalicelib.core.table.transactions import Transaction, TransactionCancelled

    for _ in range(RETRIES):
        try:
            paid = RoundPaidOrderItem.get(keys.round_pk(round_id), keys.paid_order_sk(leader_id, order_id),
                                          consistent_read=True)
        except RoundPaidOrderItem.DoesNotExist:
            return False
        stored = paid.refunded_units or {}
        before = {str(k): int(v) for k, v in (stored.as_dict() if hasattr(stored, "as_dict") else stored).items()}
        after = {keys.picked_key(product, sku): units for (product, sku), units in refunded.items()}
        new = {key: after.get(key, 0) - before.get(key, 0) for key in after}
        new = {key: units for key, units in new.items() if units > 0}
        if not new:
            return False
        version = int(paid.refunds_version or 0)
        tx = Transaction()
        tx.update("paid", RoundPaidOrderItem(paid.PK, paid.SK),
                  [RoundPaidOrderItem.refunded_units.set({**before, **after}),
                   RoundPaidOrderItem.refunds_version.set(version + 1)],
                  RoundPaidOrderItem.refunds_version.does_not_exist() | (RoundPaidOrderItem.refunds_version == version))
        for n, (key, units) in enumerate(sorted(new.items())):
            product, sku = key.split("#", 1)
            tx.update(f"pick:{n}", RoundPickedItem(keys.round_pk(round_id), keys.picked_sk(leader_id, product, sku)),
                      [RoundPickedItem.units.add(-units)])
            tx.update(f"bought:{n}", RoundBoughtItem(keys.round_pk(round_id), keys.bought_sk(paid.user_id, product,
                                                                                              sku)),
                      [RoundBoughtItem.units.add(-units)])
        try:
            tx.commit()
        except TransactionCancelled:
            continue  # another call moved it meanwhile: read again
        return True
    raise RuntimeError("the paid order's refunds kept changing")


RETRIES = 5
