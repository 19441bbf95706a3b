"""Independent reads at once: DynamoDB answers each Query in a few milliseconds of
waiting, so N of them side by side take about as long as one."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")

MAX_WORKERS = 8  # requests in flight at once; botocore's pool keeps 10 connections


def run_all(calls: Sequence[Callable[[], T]], max_workers: int = MAX_WORKERS) -> list[T]:
    """Each call's result, in call order; several at once (one call, none: no thread).
    The first exception a call raises is raised here."""
    if len(calls) <= 1:
        return [call() for call in calls]
    with ThreadPoolExecutor(max_workers=min(max_workers, len(calls))) as pool:
        return list(pool.map(lambda call: call(), calls))
