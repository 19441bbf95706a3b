"""The clock and the one timestamp format.

Every instant the project stores or sends is ``YYYY-MM-DDTHH:MM:SSZ``: UTC, second
precision, a four-digit year. Fixed width, so the text sorts as the time does (sort
keys and key conditions compare these strings), and it reads as a timestamp
everywhere. ``iso`` writes it and ``from_iso`` reads it; nothing else should.

The range is 1970-01-01T00:00:00Z .. 9999-12-31T23:59:59Z:
- a four-digit year keeps the text fixed width (year 1 would be ``0001`` to sort, and
  ``strftime("%Y")`` writes ``1`` on glibc: text that no parser reads back);
- from the Unix epoch, because TTL attributes and ``timestamp()`` arithmetic are
  epoch seconds; nothing the business does happened earlier.

Instants that come from outside (GraphQL inputs, events) go through ``accept``,
which refuses with the typed ``INVALID`` error and the input's field path anything
the store could not write and read back.
"""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

from chalicelib.core.errors import ValidationFailed

# China Standard Time (UTC+8, no daylight saving): days, cutoffs and pickup dates people read.
CHINA = timezone(timedelta(hours=8), "Asia/Shanghai")

EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)

# ASCII digits only: a bare \d also matches other scripts' digits ("۲000"), which would parse and not read back.
_FORMAT = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})Z\Z")


def utc_now() -> datetime:
    return datetime.now(UTC)


def in_range(moment: datetime) -> bool:
    return moment.tzinfo is not None and EARLIEST <= moment <= LATEST


def iso(moment: datetime) -> str:
    """The one format: UTC, second precision (sub-seconds are dropped), a Z.
    Raises ValueError for a naive or out-of-range instant: it would not read back."""
    if not isinstance(moment, datetime) or not in_range(moment):
        raise ValueError(f"not a storable instant: {moment!r}")
    m = moment.astimezone(UTC)
    return f"{m.year:04d}-{m.month:02d}-{m.day:02d}T{m.hour:02d}:{m.minute:02d}:{m.second:02d}Z"


def from_iso(text: str) -> datetime:
    """Reads what ``iso`` wrote (and only that); an aware UTC datetime.
    Raises ValueError for anything else."""
    match = _FORMAT.match(text) if isinstance(text, str) else None
    if match is None:
        raise ValueError(f"not a timestamp: {text!r}")
    moment = datetime(*(int(part) for part in match.groups()), tzinfo=UTC)
    if not in_range(moment):
        raise ValueError(f"timestamp out of range: {text!r}")
    return moment


def is_iso(text: str) -> bool:
    try:
        from_iso(text)
    except ValueError:
        return False
    return True


def accept(value: datetime | str, field: str | tuple[str, ...]) -> datetime:
    """An instant given by a client, checked where it enters: it has a zone and lies in
    the range above, else ``ValidationFailed`` (INVALID) on ``field``. Text is read as
    ISO 8601 with a zone (``2026-12-01T10:00:00+08:00``, ``...Z``). Returns it in UTC at
    second precision: exactly what will be stored and read back."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            raise ValidationFailed("give a time as 2026-12-01T10:00:00+08:00", field) from None
    if not isinstance(value, datetime):
        raise ValidationFailed("give a time as 2026-12-01T10:00:00+08:00", field)
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationFailed("give a time zone (e.g. 2026-12-01T10:00:00+08:00)", field)
    try:
        moment = value.astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:00:00+08:00 is before datetime.min in UTC
        moment = None
    if moment is None or not in_range(moment):
        raise ValidationFailed(f"give a time from {iso(EARLIEST)} to {iso(LATEST)}", field)
    return moment.replace(microsecond=0)


class NotYet(RuntimeError):
    """A timer woke before its moment: expected, not a fault. The state machine's
    Retry runs the task again after its interval (Lambda reports the error type
    ``NotYet``; the local stack logs it as one info line, without a traceback)."""

    expected_retry = True
