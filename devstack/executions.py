"""Waiting for Step Functions executions in the emulator.

moto runs an execution in a background thread and StartExecution returns at
once, as on AWS; tests and tools poll DescribeExecution until it is closed.
"""
from __future__ import annotations

import time
from typing import Any

POLL_SECONDS = 0.05


class ExecutionStillRunning(Exception):
    pass


def wait_for_execution(stepfunctions: Any, execution_arn: str, timeout: float = 30.0) -> dict[str, Any]:
    """DescribeExecution once the execution has left RUNNING (SUCCEEDED, FAILED...)."""
    deadline = time.monotonic() + timeout
    while True:
        description = stepfunctions.describe_execution(executionArn=execution_arn)
        if description["status"] != "RUNNING":
            return description
        if time.monotonic() > deadline:
            raise ExecutionStillRunning(f"{execution_arn} still running after {timeout}s")
        time.sleep(POLL_SECONDS)


def history_types(stepfunctions: Any, execution_arn: str) -> list[str]:
    """The execution's history event types, in order (for asserting transitions)."""
    events: list[str] = []
    for page in stepfunctions.get_paginator("get_execution_history").paginate(executionArn=execution_arn):
        events.extend(event["type"] for event in page["events"])
    return events
