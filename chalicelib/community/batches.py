"""Delivery batches, the merchant's side of arrival: a round's batches (its merchant and operators), and marking
one delivered to its leader's point (after the cutoff, once: a retry answers the batch as it is). The paid orders
follow from the table's stream (community/arrival.py)."""
from __future__ import annotations

from datetime import datetime

from chalicelib.community import closing, store_rounds
from chalicelib.community import store_batches as store
from chalicelib.community.rules_batches import DeliveryBatch, check_deliverable, check_merchant_side
from chalicelib.core.errors import NotFound
from chalicelib.core.observability import count
from chalicelib.core.principal import Principal, Role, require_role


def round_batches(principal: Principal | None, round_id: str) -> list[DeliveryBatch]:
    """One GetItem (the round) and one Query; empty until the cutoff timer has run."""
    caller = require_role(principal, Role.MERCHANT, Role.OPERATOR)
    check_merchant_side(caller, store_rounds.get_round(round_id))
    return store.batches_of_round(round_id)


def mark_delivered(principal: Principal | None, round_id: str, leader_id: str, now: datetime) -> DeliveryBatch:
    """One GetItem (the round), one conditional UpdateItem, one GetItem (the batch as the write left it). Past the
    cutoff the merchant need not wait for the cutoff timer (time decides, the timer only cleans up): a batch the
    timer has not made yet is made here first, as the timer would."""
    caller = require_role(principal, Role.MERCHANT, Role.OPERATOR)
    found = check_merchant_side(caller, store_rounds.get_round(round_id))
    check_deliverable(found, now)
    delivered = store.mark_delivered(round_id, leader_id, caller.user_id, now.replace(microsecond=0))
    batch = store.get_batch(round_id, leader_id)
    if batch is None and leader_id in found.leader_ids:
        closing.put_batch(found, leader_id, now)
        delivered = store.mark_delivered(round_id, leader_id, caller.user_id, now.replace(microsecond=0))
        batch = store.get_batch(round_id, leader_id)
    if batch is None:
        raise NotFound("no delivery batch for this leader in this round (yet: batches are made at the cutoff)",
                       "leaderId")
    if delivered:
        count("CommunityBatchesDelivered")
    return batch  # not delivered by this call: it was already (a retry, a second operator): answered as it is
