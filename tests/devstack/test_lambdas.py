"""Lambda tasks run the registered Python handler: result out, exceptions as errors."""
from __future__ import annotations

import itertools
import json
from datetime import UTC

from devstack import naming
from devstack.executions import history_types, wait_for_execution
from devstack.resources import create_functions

_names = itertools.count()


class Flaky(Exception):
    pass


def state_machine(clients, definition: dict) -> str:
    role = naming.role_arn(naming.STATES_ROLE_NAME, naming.DEFAULT_REGION)
    name = f"lambdas-test-{next(_names)}"
    return clients.stepfunctions.create_state_machine(
        name=name, definition=json.dumps(definition), roleArn=role
    )["stateMachineArn"]


def run(clients, machine: str, payload: dict) -> dict:
    execution = clients.stepfunctions.start_execution(
        stateMachineArn=machine, name=f"run-{next(_names)}", input=json.dumps(payload)
    )["executionArn"]
    return wait_for_execution(clients.stepfunctions, execution) | {"executionArn": execution}


def task(handler_name: str, region: str, **extra) -> dict:
    return {"Type": "Task", "Resource": naming.function_arn(handler_name, region), **extra}


def test_a_task_runs_the_handler_with_the_input_and_returns_its_result(
    emulator, clients, handlers, region
) -> None:
    create_functions(emulator.endpoint_url, region, ["double"])
    calls = []

    def double(event, context):
        calls.append((event, context.function_name, context.get_remaining_time_in_millis() > 0))
        return {"value": event["value"] * 2}

    handlers["double"] = double
    machine = state_machine(clients, {"StartAt": "T", "States": {"T": task("double", region, End=True)}})
    result = run(clients, machine, {"value": 21})
    assert result["status"] == "SUCCEEDED"
    assert json.loads(result["output"]) == {"value": 42}
    assert calls == [({"value": 21}, "tuanstack-dev-double", True)]


def test_an_exception_is_a_function_error_that_retry_and_catch_see_by_class_name(
    emulator, clients, handlers, region
) -> None:
    create_functions(emulator.endpoint_url, region, ["flaky"])
    attempts = []

    def flaky(event, context):
        attempts.append(event)
        raise Flaky("try again")

    handlers["flaky"] = flaky
    definition = {
        "StartAt": "T",
        "States": {
            "T": task(
                "flaky",
                region,
                Retry=[{"ErrorEquals": ["States.TaskFailed"], "IntervalSeconds": 1, "MaxAttempts": 1}],
                Catch=[{"ErrorEquals": ["Flaky"], "ResultPath": "$.error", "Next": "Caught"}],
                End=True,
            ),
            "Caught": {"Type": "Pass", "End": True},
        },
    }
    result = run(clients, state_machine(clients, definition), {"n": 1})
    assert result["status"] == "SUCCEEDED"
    assert len(attempts) == 2  # the first call and one retry
    error = json.loads(result["output"])["error"]
    assert error["Error"] == "Flaky"
    assert json.loads(error["Cause"])["errorMessage"] == "try again"
    assert history_types(clients.stepfunctions, result["executionArn"]).count("LambdaFunctionFailed") == 2


def test_direct_invoke_reports_function_errors_like_lambda(emulator, clients, handlers, region) -> None:
    create_functions(emulator.endpoint_url, region, ["boom", "echo"])

    def boom(event, context):
        raise ValueError("bad input")

    handlers["boom"] = boom
    handlers["echo"] = lambda event, context: event
    ok = clients.awslambda.invoke(FunctionName=naming.function_name("echo"), Payload=b'{"a": 1}')
    assert "FunctionError" not in ok
    assert json.loads(ok["Payload"].read()) == {"a": 1}
    failed = clients.awslambda.invoke(FunctionName=naming.function_name("boom"), Payload=b"{}")
    assert failed["FunctionError"] == "Unhandled"
    body = json.loads(failed["Payload"].read())
    assert (body["errorType"], body["errorMessage"]) == ("ValueError", "bad input")


def test_a_function_without_a_local_handler_fails_instead_of_echoing(emulator, clients, handlers, region) -> None:
    create_functions(emulator.endpoint_url, region, ["orphan"])
    response = clients.awslambda.invoke(FunctionName=naming.function_name("orphan"), Payload=b"{}")
    assert response["FunctionError"] == "Unhandled"
    assert json.loads(response["Payload"].read())["errorType"] == "Runtime.HandlerNotFound"


def test_a_timer_that_woke_early_is_one_info_line_and_a_real_failure_keeps_its_traceback(
    emulator, clients, handlers, region, caplog
) -> None:
    """`make dev`'s log: the expected "not yet" retries of the timers (the task
    raises NotYet, Retry runs it again) are no tracebacks; real errors still are."""
    import logging

    from chalicelib.core.clock import NotYet

    create_functions(emulator.endpoint_url, region, ["early", "broken"])

    def early(event, context):
        raise NotYet("the team's deadline has not passed yet")

    def broken(event, context):
        raise KeyError("teamId")

    handlers["early"], handlers["broken"] = early, broken
    with caplog.at_level(logging.INFO, logger="devstack.lambdas"):
        for name, error_type in (("early", "NotYet"), ("broken", "KeyError")):
            answer = clients.awslambda.invoke(FunctionName=naming.function_name(name), Payload=b"{}")
            assert answer["FunctionError"] == "Unhandled"
            assert json.loads(answer["Payload"].read())["errorType"] == error_type
    early_lines = [r for r in caplog.records if "early" in r.getMessage()]
    assert [(r.levelno, r.exc_info) for r in early_lines] == [(logging.INFO, None)]
    assert "not passed yet" in early_lines[0].getMessage()
    broken_lines = [r for r in caplog.records if "broken" in r.getMessage()]
    assert [r.levelno for r in broken_lines] == [logging.ERROR] and broken_lines[0].exc_info


def test_the_timer_tasks_raise_not_yet_when_woken_early() -> None:
    from datetime import datetime

    import pytest

    from chalicelib.core.clock import NotYet
    from chalicelib.groupbuy.reservations import release_expired

    moment = datetime(2026, 1, 1, tzinfo=UTC)
    with pytest.raises(NotYet):
        release_expired({"reservationId": "r1", "expiresAt": "2026-01-01T00:00:01Z", "ownerId": "order:o1"},
                        now=moment)
    assert NotYet.__mro__[1] is RuntimeError and NotYet("x").expected_retry
