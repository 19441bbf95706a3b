"""Waiting for what the table stream does asynchronously."""
from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def eventually(check: Callable[[], T], timeout: float = 15.0) -> T:
    """``check()``'s first truthy value, or its last value once ``timeout`` passed
    (the caller's assert then shows what it was)."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.05)
