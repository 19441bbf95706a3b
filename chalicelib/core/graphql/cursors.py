"""Opaque, tamper-checked cursors.

A cursor names a position in one listing (its scope) and is signed, so a forged or
edited cursor, or one taken from another listing, is a clear INVALID_CURSOR error
rather than a silent read from somewhere else.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json

from chalicelib.core.errors import InvalidCursor
from chalicelib.core.settings import settings

_SIGNATURE_BYTES = 16


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode((text + "=" * (-len(text) % 4)).encode("ascii"))


def _sign(payload: bytes) -> bytes:
    return hmac.new(settings().derived_key("cursor"), payload, hashlib.sha256).digest()[:_SIGNATURE_BYTES]


def encode_cursor(scope: str, position: str) -> str:
    payload = json.dumps([scope, position], separators=(",", ":")).encode()
    return f"{_b64(payload)}.{_b64(_sign(payload))}"


def decode_cursor(scope: str, cursor: str, field: str = "after") -> str:
    try:
        body, _, signature = cursor.partition(".")
        payload = _unb64(body)
        valid = hmac.compare_digest(_unb64(signature), _sign(payload))
        cursor_scope, position = json.loads(payload) if valid else (None, None)
    except (binascii.Error, UnicodeError, ValueError, TypeError):
        raise InvalidCursor("this cursor is not valid", field) from None
    if not valid:
        raise InvalidCursor("this cursor is not valid", field)
    if cursor_scope != scope or not isinstance(position, str):
        raise InvalidCursor("this cursor belongs to another listing", field)
    return position
