"""The real app.py handlers, reached the way the local stack reaches them:
the state machine's task through the Lambda patch, the stream consumer through
the poller (chalice wraps the raw Lambda event itself)."""
from __future__ import annotations

import json
import os

from devstack.executions import wait_for_execution
from devstack.project import lambda_function_names, load_app
from devstack.resources import create_resources
from devstack.streams import StreamPoller


def test_the_expiry_state_machine_runs_the_apps_release_handler(emulator, clients, handlers) -> None:
    app = load_app()
    # The session's table: chalicelib read its name from the environment already.
    resources = create_resources(emulator.endpoint_url, table_name=os.environ["TUANSTACK_TABLE"])
    for name in lambda_function_names(app):
        handlers[name] = app.handler_map[name]
    payload = {"reservationId": "RES-UNKNOWN", "expiresAt": "2020-01-01T00:00:00Z"}
    execution = clients.stepfunctions.start_execution(
        stateMachineArn=resources.state_machines["ReservationExpiryStateMachine"],
        name=payload["reservationId"],
        input=json.dumps(payload),
    )["executionArn"]
    result = wait_for_execution(clients.stepfunctions, execution)
    assert result["status"] == "SUCCEEDED", result
    assert json.loads(result["output"])["reservationId"] == "RES-UNKNOWN"


def test_the_apps_stream_consumer_accepts_the_pollers_events(emulator, clients) -> None:
    app = load_app()
    table = os.environ["TUANSTACK_TABLE"]
    (poller,) = StreamPoller.for_app(app, emulator.endpoint_url, table)
    assert poller.function_name == "table_stream" and poller.batch_size == 100
    clients.dynamodb.put_item(
        TableName=table, Item={"PK": {"S": "WIRING#1"}, "SK": {"S": "A"}, "type": {"S": "Unrelated"}}
    )
    assert poller.drain() == 1
    assert poller.last_error is None
