"""A signal from the in-process emulator to the stream pollers: "the table changed".

A StreamPoller that found nothing to deliver waits for the next write instead
of sleeping a fixed interval (its idle poll stays as the fallback, for writes the
signal cannot see: another process's emulator). Both sides live in one process
in tests and in `python -m devstack`.
"""
from __future__ import annotations

import threading

_condition = threading.Condition()
_generation = 0


def generation() -> int:
    """A number that grows with every write the emulator applied."""
    return _generation


def written() -> None:
    """Called by the emulator after it applied a write."""
    global _generation
    with _condition:
        _generation += 1
        _condition.notify_all()


def wait_for_write(since: int, timeout: float) -> bool:
    """Wait until a write after `since` (a generation()) or `timeout`; True if one came."""
    with _condition:
        return _condition.wait_for(lambda: _generation != since, timeout)


def wake_all() -> None:
    """Wake every waiter (a poller stopping re-checks its stop flag)."""
    with _condition:
        _condition.notify_all()
