"""Identifiers: ULIDs sort by creation time, so "newest first" is a key order."""
from __future__ import annotations

import re

from ulid import ULID

_ULID = re.compile(r"^[0-9A-HJKMNP-TV-Z]{26}$")


def new_id() -> str:
    return str(ULID())


def is_id(value: str) -> bool:
    return bool(_ULID.match(value))
