"""Sale round keys (docs/data-model.md), and the leader keys a round reads to check its leaders."""
from __future__ import annotations

ROUND_SK = "ROUND"
LEADER_SK = "LEADER"  # the leader item: LEADER#<id> / LEADER, with its `state`
# Sorts after every character of an id: "<instant>#~" is past every key "<instant>#<id>" of that second.
AFTER_ANY_ID = "~"


def round_pk(round_id: str) -> str:
    return f"ROUND#{round_id}"


def served_sk(leader_id: str) -> str:
    """The fan-out item of a round for one leader it serves."""
    return f"LEADER#{leader_id}"


def leader_pk(leader_id: str) -> str:
    return f"LEADER#{leader_id}"


def leader_rounds(leader_id: str) -> str:
    """GSI1 partition of a leader's rounds, sorted by ``<cutoff>#<round id>``: the open ones are
    the range above now, so past rounds are never read."""
    return f"LEADER#{leader_id}#ROUNDS"


def cutoff_key(cutoff_iso: str, round_id: str) -> str:
    return f"{cutoff_iso}#{round_id}"


def open_from(now_iso: str) -> str:
    """The lowest key of a round still open at ``now_iso`` (a cutoff at ``now_iso`` itself has passed)."""
    return f"{now_iso}#{AFTER_ANY_ID}"


def merchant_rounds(merchant_id: str) -> str:
    """GSI2 partition of a merchant's rounds, sorted by round id (time-ordered: newest last)."""
    return f"MERCHANT#{merchant_id}#ROUNDS"


LEADER_CODE_SK = "LEADER_CODE"  # a leader's share code lookup item: LEADER_CODE#<code> / LEADER_CODE, `leader_id`


def leader_code_pk(code: str) -> str:
    return f"LEADER_CODE#{code}"
