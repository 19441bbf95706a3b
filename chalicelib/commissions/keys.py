"""Commission keys: a beneficiary's account, entries and withdrawals under one
``COMMISSION#<user>`` partition; an order's beneficiaries; the settlement and failed-payout indexes."""
from __future__ import annotations

import hashlib

ACCOUNT_SK = "ACCOUNT"
ENTRY_PREFIX = "ENTRY#"
WITHDRAWAL_PREFIX = "WITHDRAWAL#"
ORDER_SK = "ORDER"
# Pending entries wait in a sparse GSI1 partition per shard, sorted by hold_until: the
# settlement job reads the due part of each (a busy day's writes spread over the shards).
DUE_SHARDS = 8
FAILED_WITHDRAWALS = "COMMISSION_WITHDRAWALS_FAILED"  # GSI2: the operators' queue, oldest first


def commission_pk(beneficiary_id: str) -> str:
    return f"COMMISSION#{beneficiary_id}"


def entry_sk(order_id: str) -> str:
    """One entry per (order, beneficiary): order ids are ULIDs, so entries sort by order time."""
    return f"{ENTRY_PREFIX}{order_id}"


def withdrawal_sk(withdrawal_id: str) -> str:
    return f"{WITHDRAWAL_PREFIX}{withdrawal_id}"


def order_pk(order_id: str) -> str:
    """Names the order's beneficiaries (consistently readable, unlike an index)."""
    return f"COMMISSION_ORDER#{order_id}"


def due_shard(beneficiary_id: str) -> int:
    # A stable hash (not Python's salted hash()): the shard must not change between processes.
    return int.from_bytes(hashlib.blake2b(beneficiary_id.encode(), digest_size=2).digest(), "big") % DUE_SHARDS


def due_bucket(shard: int) -> str:
    return f"COMMISSION_DUE#{shard}"


def due_sort_key(hold_until: str, beneficiary_id: str, order_id: str) -> str:
    return f"{hold_until}#{beneficiary_id}#{order_id}"
