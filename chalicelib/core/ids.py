"""Identifiers: ULIDs sort by creation time, so "newest first" is a key order."""
from __future__ import annotations

import re
import secrets

from ulid import ULID

_ULID = re.compile(r"^[0-9A-HJKMNP-TV-Z]{26}$")


def new_id() -> str:
    return str(ULID())


def is_id(value: str) -> bool:
    return bool(_ULID.match(value))


# Share codes travel in a mini-program `scene` (≤ 32 visible ASCII). 16 characters of
# Crockford base32 carry 80 random bits: not enumerable, and nothing personal.
SHARE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
SHARE_CODE_LENGTH = 16


def new_share_code(length: int = SHARE_CODE_LENGTH) -> str:
    return "".join(secrets.choice(SHARE_ALPHABET) for _ in range(length))


def is_share_code(value: object, length: int = SHARE_CODE_LENGTH) -> bool:
    return isinstance(value, str) and len(value) == length and all(c in SHARE_ALPHABET for c in value)
