"""Adding fields to User (``@user_fields``) and to the profile update's payload (``@extends``)."""
from __future__ import annotations

from chalicelib.accounts.graphql.mutations import UpdateMyProfilePayload
from chalicelib.accounts.graphql.user import user_fields

__all__ = ["UpdateMyProfilePayload", "user_fields"]
