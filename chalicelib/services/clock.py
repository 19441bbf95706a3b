from __future__ import annotations

from datetime import datetime, timezone


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def iso(moment: datetime) -> str:
    """Second precision with a Z: sorts as text, reads as a timestamp everywhere."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class NotYet(RuntimeError):
    """A timer woke before its moment: expected, not a fault. The state machine's
    Retry runs the task again after its interval (Lambda reports the error type
    ``NotYet``; the local stack logs it as one info line, without a traceback)."""

    expected_retry = True
