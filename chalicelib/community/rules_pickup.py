"""Pickup codes (提货码): what a code is and how many wrong ones a point may try. Pure.

A code is 12 characters of Crockford's base32 (60 random bits): it fits a mini-program QR code's 32-character
``scene`` and is typed when a scan fails. It is issued when the order is paid, shown to its buyer only, and valid
only at the leader's point the order goes to. A point that tries ``MAX_MISSES`` wrong codes in one
``MISS_WINDOW`` is refused until the window ends: with a few hundred orders waiting at a point, guessing one
takes ~10^15 tries, so guessing is hopeless at 10 tries in 10 minutes.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from chalicelib.core.errors import DomainError, ErrorCode, LimitReached, NotFound
from chalicelib.core.ids import is_share_code, new_share_code

CODE_LENGTH = 12
MAX_MISSES = 10
MISS_WINDOW = timedelta(minutes=10)


class UnknownPickupCode(NotFound):
    """No order with this code waits at the caller's point (a mistyped code, another point's, or none)."""


class TooManyWrongCodes(LimitReached):
    pass


class NotArrived(DomainError):
    """The order is not at the point yet (not delivered), or was handed over or refunded already."""

    code = ErrorCode.INVALID_STATE


def new_pickup_code() -> str:
    return new_share_code(CODE_LENGTH)


def clean_code(value: object) -> str | None:
    """The code as typed or scanned (case and surrounding spaces ignored); None if it cannot be a code."""
    if not isinstance(value, str):
        return None
    code = value.strip().upper()
    return code if is_share_code(code, CODE_LENGTH) else None


def miss_window(now: datetime) -> datetime:
    """The start of the window ``now`` falls in (windows are aligned, so every request agrees on the key)."""
    seconds = int(MISS_WINDOW.total_seconds())
    start = int(now.timestamp()) // seconds * seconds
    return datetime.fromtimestamp(start, tz=now.tzinfo)
