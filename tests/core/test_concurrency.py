"""core.concurrency.run_all: independent reads side by side, results in call order."""
from __future__ import annotations

import threading

import pytest

from chalicelib.core.concurrency import run_all


def test_the_calls_run_at_once_and_their_results_keep_call_order() -> None:
    # Each call waits for all the others: run one after another, the barrier would time out.
    barrier = threading.Barrier(5, timeout=5)

    def call(n: int):
        return lambda: (barrier.wait(), n)[1]

    assert run_all([call(n) for n in range(5)]) == [0, 1, 2, 3, 4]


def test_one_call_runs_in_the_caller_s_thread_and_none_runs_nothing() -> None:
    assert run_all([threading.get_ident]) == [threading.get_ident()]
    assert run_all([]) == []


def test_a_failing_call_fails_the_whole() -> None:
    def fails():
        raise LookupError("gone")

    with pytest.raises(LookupError, match="gone"):
        run_all([lambda: 1, fails])
