"""Identifiers: ULIDs sort by creation time, so "newest first" is a key order."""
from __future__ import annotations

import re
import secrets
from datetime import datetime

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


# A ULID's first 10 characters are its millisecond timestamp in Crockford base32: the ids
# created in a time range are one range of keys, which a key condition can bound.
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_TIME_CHARS, _RANDOM_CHARS = 10, 16


def _time_prefix(moment: datetime) -> str:
    ms = max(0, int(moment.timestamp() * 1000))
    return "".join(_CROCKFORD[(ms >> (5 * (_TIME_CHARS - 1 - i))) & 31] for i in range(_TIME_CHARS))


def first_id_at(moment: datetime) -> str:
    """The smallest id created at ``moment`` (to the millisecond): an inclusive lower key bound."""
    return _time_prefix(moment) + "0" * _RANDOM_CHARS


def last_id_at(moment: datetime) -> str:
    """The largest id created at ``moment`` (to the millisecond): an inclusive upper key bound."""
    return _time_prefix(moment) + "Z" * _RANDOM_CHARS
