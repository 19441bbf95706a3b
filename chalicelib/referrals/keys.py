"""Referral keys: an invite code and its owner; the invitee's one binding (listed under the inviter on GSI1,
waiting for the reward job on GSI2 while DUE); an inviter's monthly reward counter; the rule."""
from __future__ import annotations

import hashlib

CODE_SK = "INVITE_CODE"
REFERRAL_SK = "REFERRAL"
RULE_PK, RULE_SK = "REFERRAL_RULE", "RULE"
DUE_SHARDS = 4  # the reward job reads each shard's due range


def code_pk(code: str) -> str:
    """The code → its owner (a GetItem at binding)."""
    return f"INVITE_CODE#{code}"


def inviter_pk(user_id: str) -> str:
    """The inviter's own items: their code (SK ``INVITE_CODE``) and their monthly counters."""
    return f"REFERRER#{user_id}"


def month_sk(month: str) -> str:
    return f"REWARDED#{month}"


def referral_pk(invitee_id: str) -> str:
    """One binding per invitee: written only if absent, so never rebound."""
    return f"REFERRAL#{invitee_id}"


def referrals_of(inviter_id: str) -> str:
    """GSI1: an inviter's referrals, newest binding first."""
    return f"REFERRALS_OF#{inviter_id}"


def referral_position(bound_at: str, invitee_id: str) -> str:
    return f"{bound_at}#{invitee_id}"


def due_shard(invitee_id: str) -> int:
    return int.from_bytes(hashlib.blake2b(invitee_id.encode(), digest_size=2).digest(), "big") % DUE_SHARDS


def due_bucket(shard: int) -> str:
    """GSI2 (sparse: DUE referrals only), sorted by when the return window closes."""
    return f"REFERRAL_DUE#{shard}"


def due_sort_key(due_at: str, invitee_id: str) -> str:
    return f"{due_at}#{invitee_id}"
