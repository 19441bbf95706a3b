"""Adding fields to User (``@user_fields``)."""
from __future__ import annotations

from chalicelib.accounts.graphql.user import user_fields

__all__ = ["user_fields"]
