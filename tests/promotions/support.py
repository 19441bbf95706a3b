"""Test setup for promotions: a merchant user with a given id (an operator's promotion
must name an existing merchant)."""
from __future__ import annotations

from chalicelib.accounts.published.users import USER_SK, UserItem, user_pk


def merchant_user(user_id: str, role: str = "MERCHANT") -> str:
    UserItem(user_pk(user_id), USER_SK, user_id=user_id, role=role, display_name="Merchant",
             created_at="2026-01-01T00:00:00Z").save()
    return user_id
