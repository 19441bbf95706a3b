"""Starting Step Functions executions idempotently.

Executions are named after the thing they look after (a reservation, a team):
Step Functions refuses a second execution of the same name for 90 days, so a
redelivered stream record or a retried start does nothing twice.
"""
from __future__ import annotations

import json
from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1)
def _client() -> Any:
    import boto3  # here, not at import: only the paths that start executions pay for it

    return boto3.client("stepfunctions")


def start_once(state_machine_arn: str, name: str, payload: dict[str, Any]) -> bool:
    """True if this call started the execution, False if it existed already."""
    client = _client()
    try:
        client.start_execution(stateMachineArn=state_machine_arn, name=name, input=json.dumps(payload))
    except client.exceptions.ExecutionAlreadyExists:
        return False
    return True
