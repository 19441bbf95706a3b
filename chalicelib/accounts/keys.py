"""Account keys: users and their login identities."""
from __future__ import annotations

USER_SK = "USER"
IDENTITY_SK = "IDENTITY"


def user_pk(user_id: str) -> str:
    return f"USER#{user_id}"


def identity_pk(provider: str, subject_digest: str) -> str:
    """The subject (an openid) is stored digested: keys show up in traces and errors."""
    return f"IDENTITY#{provider}#{subject_digest}"
