"""Community keys. A leader (its application, pickup point and audit trail in one item) under ``LEADER#<user id>``;
its share code's lookup under ``LEADER_CODE#<code>``; a customer's chosen leader under the customer's
``USER#<id>`` partition. GSI1 holds, on the leader item itself, the operators' queue of pending applications
(oldest first) or, once approved, its district's listing: at most one of the two, none when rejected or
suspended (a sparse index: a leader leaves a listing by losing its keys in the write that changes its state)."""
from __future__ import annotations

LEADER_SK = "LEADER"
LEADER_CODE_SK = "LEADER_CODE"
CHOSEN_LEADER_SK = "COMMUNITY_LEADER"
PENDING_LEADERS = "LEADERS#PENDING"


def leader_pk(leader_id: str) -> str:
    return f"LEADER#{leader_id}"


def leader_code_pk(code: str) -> str:
    return f"LEADER_CODE#{code}"


def user_pk(user_id: str) -> str:
    """The customer's own partition (accounts keeps the user there: ``USER#<id>``)."""
    return f"USER#{user_id}"


def district_leaders(district_code: str) -> str:
    """GSI1: the approved leaders of a district (GB/T 2260 code), by leader id."""
    return f"LEADERS#DISTRICT#{district_code}"


def pending_position(applied_at_iso: str, leader_id: str) -> str:
    """GSI1 sort key in the pending queue: oldest application first."""
    return f"{applied_at_iso}#{leader_id}"
