"""Opaque Relay global IDs: base64url("Type:part[:part]")."""
from __future__ import annotations

import base64
import binascii
import re

from chalicelib.core.errors import InvalidId

# ULIDs (26) and share codes (16) share Crockford's base32 alphabet.
_PART = re.compile(r"^[0-9A-HJKMNP-TV-Z]{16}$|^[0-9A-HJKMNP-TV-Z]{26}$")


def to_global_id(type_name: str, *parts: str) -> str:
    raw = ":".join((type_name, *parts)).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def from_global_id(global_id: str, expected_type: str, field: str = "id") -> tuple[str, ...]:
    """The id's parts, after checking it names an object of ``expected_type``."""
    type_name, parts = parse_global_id(global_id, field)
    if type_name != expected_type:
        raise InvalidId(f"expected the id of a {expected_type}, got one of a {type_name}", field)
    return parts


def parse_global_id(global_id: str, field: str = "id") -> tuple[str, tuple[str, ...]]:
    try:
        padded = global_id + "=" * (-len(global_id) % 4)
        decoded = base64.urlsafe_b64decode(padded.encode("ascii")).decode("utf-8")
    except (binascii.Error, UnicodeError, ValueError):
        raise InvalidId("not a valid id", field) from None
    type_name, _, rest = decoded.partition(":")
    parts = tuple(rest.split(":")) if rest else ()
    if not type_name or not parts or not all(_PART.match(p) for p in parts):
        raise InvalidId("not a valid id", field)
    return type_name, parts
