"""Assist keys: campaigns, their starters, instances (keyed by share code), assists, helpers' days."""
from __future__ import annotations

from datetime import date

CAMPAIGN_SK = "CAMPAIGN"
INSTANCE_SK = "INSTANCE"


def campaign_pk(campaign_id: str) -> str:
    return f"ASSIST_CAMPAIGN#{campaign_id}"


def starter_sk(user_id: str) -> str:
    """Beside the campaign: the customer's one instance of it (its share code)."""
    return f"STARTER#{user_id}"


def instance_pk(share_code: str) -> str:
    return f"ASSIST#{share_code}"


def helper_sk(user_id: str) -> str:
    """Beside the instance: one friend's assist (once per instance)."""
    return f"HELPER#{user_id}"


def user_instances(user_id: str) -> str:
    """GSI1 partition: a customer's instances, sorted by ``<started_at>#<code>`` (newest first)."""
    return f"USER#{user_id}#ASSISTS"


def instance_position(started_at_iso: str, share_code: str) -> str:
    return f"{started_at_iso}#{share_code}"


def helper_pk(user_id: str) -> str:
    return f"ASSIST_HELPER#{user_id}"


def day_sk(day: date) -> str:
    """A helper's assists of one China calendar day, across campaigns: the daily limit's counter."""
    return f"DAY#{day.isoformat()}"
