"""Points-mall keys: items, redemptions, per-user counters."""
from __future__ import annotations

MALL_ITEM_SK = "MALL_ITEM"
MALL_REDEMPTION_SK = "MALL_REDEMPTION"
MALL_ACTIVE_ITEMS = "MALL_ITEMS#ACTIVE"


def mall_item_pk(item_id: str) -> str:
    return f"MALL#{item_id}"


def mall_redemption_pk(redemption_id: str) -> str:
    return f"MALL_REDEMPTION#{redemption_id}"


def user_mall_redemptions(user_id: str) -> str:
    """GSI1 partition: a user's mall redemptions, newest first."""
    return f"USER#{user_id}#MALL_REDEMPTIONS"


def mall_redeemer_sk(user_id: str) -> str:
    """A user's count of one mall item redeemed: the per-user limit's counter."""
    return f"REDEEMER#{user_id}"
