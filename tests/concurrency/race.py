"""Firing one attempt from many threads started together, and tallying what each got."""
from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from chalicelib.core.errors import DomainError

THREADS = 20


def race(tasks: int, attempt) -> tuple[Counter[str], list]:
    """Run ``attempt(n)`` for n in range(tasks) on THREADS threads started together; the
    outcome of each (``ok`` or the typed error's code) and the values returned."""
    outcomes: Counter[str] = Counter()
    results: list = []
    lock = threading.Lock()
    start = threading.Barrier(min(tasks, THREADS))

    def run(n: int) -> None:
        if n < THREADS:
            start.wait()
        try:
            value = attempt(n)
            outcome = "ok"
        except DomainError as error:
            value, outcome = None, error.code.value
        with lock:
            outcomes[outcome] += 1
            if value is not None:
                results.append(value)

    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(run, range(tasks)))
    return outcomes, results


def together(workers: list[Callable[[], object]]) -> list[object]:
    """Run the workers at once (a barrier starts them together); every result, then every error raised (the
    caller decides what an error means)."""
    results: list[object] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(len(workers))

    def run(work: Callable[[], object]) -> None:
        try:
            start.wait()
            result = work()
            with lock:
                results.append(result)
        except BaseException as error:  # noqa: BLE001 - the caller decides what an error means
            with lock:
                errors.append(error)

    threads = [threading.Thread(target=run, args=(w,)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results + errors
