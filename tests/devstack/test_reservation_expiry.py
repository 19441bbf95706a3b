"""infra/statemachines/reservation_expiry.asl.json, run by the emulator with a
stand-in for the release handler (the real one is tested by the workflow suite)."""
from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from devstack.executions import history_types, wait_for_execution
from devstack.project import INFRA_DIR
from devstack.resources import create_resources
from devstack.template import load_definition, load_template

PAST = "2020-01-01T00:00:00Z"


@pytest.fixture
def machine(emulator, table_name) -> str:
    return create_resources(emulator.endpoint_url, table_name=table_name).state_machines[
        "ReservationExpiryStateMachine"
    ]


def test_after_the_wait_the_release_function_gets_the_input(machine, clients, handlers) -> None:
    received = []
    handlers["release_expired_reservation"] = lambda event, context: received.append(event) or {"released": True}
    payload = {"reservationId": "R1", "expiresAt": PAST}
    execution = clients.stepfunctions.start_execution(
        stateMachineArn=machine, name="R1", input=json.dumps(payload)
    )["executionArn"]
    result = wait_for_execution(clients.stepfunctions, execution)
    assert result["status"] == "SUCCEEDED"
    assert received == [payload]
    events = history_types(clients.stepfunctions, execution)
    assert events.index("WaitStateExited") < events.index("LambdaFunctionScheduled")
    assert events[-1] == "ExecutionSucceeded"


def test_a_second_start_with_the_reservation_id_as_name_is_refused(machine, clients, handlers) -> None:
    handlers["release_expired_reservation"] = lambda event, context: {}
    payload = json.dumps({"reservationId": "R2", "expiresAt": PAST})
    first = clients.stepfunctions.start_execution(stateMachineArn=machine, name="R2", input=payload)
    wait_for_execution(clients.stepfunctions, first["executionArn"])
    with pytest.raises(ClientError) as refused:
        clients.stepfunctions.start_execution(stateMachineArn=machine, name="R2", input=payload)
    assert refused.value.response["Error"]["Code"] == "ExecutionAlreadyExists"


def test_expires_at_needs_a_z_suffix_not_an_offset(machine, clients, handlers) -> None:
    # datetime.isoformat() writes "+00:00" and the emulated Wait state rejects it;
    # AWS documents UTC timestamps as ...Z. Producers format UTC as ...Z: it works in both.
    handlers["release_expired_reservation"] = lambda event, context: {}
    execution = clients.stepfunctions.start_execution(
        stateMachineArn=machine,
        name="R3",
        input=json.dumps({"reservationId": "R3", "expiresAt": "2020-01-01T00:00:00+00:00"}),
    )["executionArn"]
    result = wait_for_execution(clients.stepfunctions, execution)
    assert (result["status"], result["error"]) == ("FAILED", "States.Runtime")


def test_the_release_task_retries_task_failures_with_backoff() -> None:
    # Running the retries would sleep 2 + 4 + 8 s; the policy is checked statically.
    template = load_template()
    definition = load_definition(template["Resources"]["ReservationExpiryStateMachine"], INFRA_DIR)
    (retry,) = definition["States"]["ReleaseReservation"]["Retry"]
    assert retry["ErrorEquals"] == ["States.TaskFailed"]
    assert retry["MaxAttempts"] == 3
    assert retry["BackoffRate"] > 1
    assert definition["States"]["WaitUntilExpiry"]["TimestampPath"] == "$.expiresAt"
