"""Points keys: accounts, lots, pending earnings, ledger entries, source guards, job indexes."""
from __future__ import annotations

import hashlib
from datetime import date

# The account, its lots and its pending earnings share the ``ACCOUNT`` prefix so one
# Query reads everything the customer's points page shows; entries sort apart.
ACCOUNT_SK = "ACCOUNT"
LOT_PREFIX = "ACCOUNT#LOT#"
PENDING_PREFIX = "ACCOUNT#PENDING#"
POST_DAY_PREFIX = "POSTDAY#"
SOURCE_SK = "SOURCE"
ENTRY_PREFIX = "ENTRY#"
RULES_PK = "CONFIG#POINTS_RULES"
RULES_SK = "RULES"
# Scheduled jobs find their work through sparse GSI1/GSI2 partitions, sharded so no
# single index partition takes every write of a busy day.
POINTS_SHARDS = 8


def points_shard(user_id: str) -> int:
    # A stable hash (not Python's salted hash()): the shard must not change between processes.
    return int.from_bytes(hashlib.blake2b(user_id.encode(), digest_size=2).digest(), "big") % POINTS_SHARDS


def pending_due_bucket(release_day: date, shard: int) -> str:
    """GSI1 partition: pending earnings released on that (UTC) day; sort key release time."""
    return f"POINTS_PENDING#{release_day.isoformat()}#{shard}"


def lots_expiring_bucket(expires_on: date, shard: int) -> str:
    """GSI1 partition: lots with that expiry date; sort key the user."""
    return f"POINTS_LOTS#{expires_on.isoformat()}#{shard}"


def points_accounts_bucket(shard: int) -> str:
    """GSI2 partition: every points account (for tiers and RFM segments)."""
    return f"POINTS_ACCOUNTS#{shard}"


def post_day_sk(day: date) -> str:
    """Counts a user's rewarded posts on one (China) day, for the daily cap."""
    return f"{POST_DAY_PREFIX}{day.isoformat()}"


def points_pk(user_id: str) -> str:
    """A user's points partition: account, entries (newest last), lots, pending earnings."""
    return f"POINTS#{user_id}"


def entry_sk(entry_id: str) -> str:
    return f"{ENTRY_PREFIX}{entry_id}"


def lot_sk(expires_on: date) -> str:
    """One lot per expiry date: key order is spending order (oldest first)."""
    return f"{LOT_PREFIX}{expires_on.isoformat()}"


def pending_sk(release_at: str, source: str) -> str:
    return f"{PENDING_PREFIX}{release_at}#{source}"


def source_pk(user_id: str, source: str) -> str:
    """Guards a posting's source: written with attribute_not_exists, so it posts once."""
    return f"POINTS_SOURCE#{user_id}#{source}"
