"""Sale round keys (docs/data-model.md). A leader's own keys are the leaders' (keys.py)."""
from __future__ import annotations

ROUND_SK = "ROUND"
# Sorts after every character of an id: "<instant>#~" is past every key "<instant>#<id>" of that second.
AFTER_ANY_ID = "~"


def round_pk(round_id: str) -> str:
    return f"ROUND#{round_id}"


def served_sk(leader_id: str) -> str:
    """The fan-out item of a round for one leader it serves."""
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


def bought_sk(user_id: str, product_id: str, sku_id: str) -> str:
    """A customer's units of one SKU in a round (placed and not cancelled): the per-customer limit's counter."""
    return f"BOUGHT#{user_id}#{product_id}#{sku_id}"


def picked_sk(leader_id: str, product_id: str, sku_id: str) -> str:
    """The units of one SKU paid for at one leader's point: a line of that leader's pick list."""
    return f"PICK#{leader_id}#{product_id}#{sku_id}"


def picked_key(product_id: str, sku_id: str) -> str:
    """A SKU's key in a paid order's ``refunded_units`` map (ids hold no '#')."""
    return f"{product_id}#{sku_id}"


def picked_prefix(leader_id: str) -> str:
    return f"PICK#{leader_id}#"


def paid_order_sk(leader_id: str, order_id: str) -> str:
    """A paid order of the round at one leader's point (the pick list's orders, by order id)."""
    return f"PAID#{leader_id}#{order_id}"


def paid_orders_prefix(leader_id: str) -> str:
    return f"PAID#{leader_id}#"


PICKUP_CODE_SK = "PICKUP_CODE"


def pickup_code_pk(leader_id: str, code: str) -> str:
    """An order's pickup code, under the leader whose point hands it over: another point's code is not found."""
    return f"PICKUP#{leader_id}#{code}"


def pickup_misses_sk(window_start_iso: str) -> str:
    """In the leader's own partition (``LEADER#<leader>``): wrong codes tried at the point in one window."""
    return f"PICKUP_MISSES#{window_start_iso}"


BATCH_PREFIX = "BATCH#"


def batch_sk(leader_id: str) -> str:
    """The round's delivery batch to one leader's point, put at the cutoff."""
    return f"{BATCH_PREFIX}{leader_id}"
