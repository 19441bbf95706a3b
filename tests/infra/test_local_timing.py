"""The state machines the tests run differ from the deployed ones in timing only.

Local test runs create the state machines with shorter Retry intervals and fixed
Wait seconds (tests/conftest.py, devstack/asl.py `with_timing`); the deploy
package keeps the real values. Here the definitions read back from the emulator
are compared with the packaged template's, field by field, once the template's
DefinitionSubstitutions are given their local values: every difference must be a
timing field, and the local value is never longer than the deployed one.
"""
from __future__ import annotations

import json
import os

import pytest

from devstack.asl import RETRY_TIMING_FIELDS, WAIT_TIMING_FIELDS
from devstack.clients import emulator_client
from devstack.project import TEMPLATE_PATH, lambda_function_names, load_app
from devstack.resources import local_resolver
from devstack.template import STATE_MACHINE_TYPE, load_template, resources_of_type, substitute

MACHINES = sorted(resources_of_type(load_template(), STATE_MACHINE_TYPE))


def _differences(deployed, local, path=()):
    """(path, deployed value, local value) for every leaf that differs."""
    if isinstance(deployed, dict) and isinstance(local, dict):
        found = [(path + (key,), deployed.get(key, "<absent>"), local.get(key, "<absent>"))
                 for key in set(deployed) ^ set(local)]
        for key in set(deployed) & set(local):
            found += _differences(deployed[key], local[key], path + (key,))
        return found
    if isinstance(deployed, list) and isinstance(local, list) and len(deployed) == len(local):
        return [d for i, (a, b) in enumerate(zip(deployed, local)) for d in _differences(a, b, path + (i,))]
    return [] if deployed == local else [(path, deployed, local)]


def _is_timing_field(definition: dict, path: tuple) -> bool:
    *parents, field = path
    if len(parents) >= 2 and parents[-2] == "Retry" and isinstance(parents[-1], int):
        return field in RETRY_TIMING_FIELDS
    node = definition
    for key in parents:
        node = node[key]
    return isinstance(node, dict) and node.get("Type") == "Wait" and field in WAIT_TIMING_FIELDS


@pytest.mark.parametrize("machine_id", MACHINES)
def test_only_timing_fields_differ_between_local_and_deployed_definitions(emulator, resources, machine_id) -> None:
    region, table_name = os.environ["AWS_REGION"], os.environ["TUANSTACK_TABLE"]
    properties = resources[machine_id]["Properties"]
    deployed = properties["Definition"]  # as packaged: placeholders, substituted at deploy time
    resolve = local_resolver(load_template(TEMPLATE_PATH), region, table_name, lambda_function_names(load_app()))
    local_values = {key: resolve(value) for key, value in properties["DefinitionSubstitutions"].items()}
    deployed_here = substitute(deployed, local_values)

    stepfunctions = emulator_client("stepfunctions", emulator.endpoint_url, region)
    arn = next(m["stateMachineArn"] for m in stepfunctions.list_state_machines()["stateMachines"]
               if m["stateMachineArn"] == resolve({"Ref": machine_id}))
    local = json.loads(stepfunctions.describe_state_machine(stateMachineArn=arn)["definition"])

    differences = _differences(deployed_here, local)
    assert differences, f"{machine_id}: the local definition is the deployed one (is the test timing applied?)"
    for path, deployed_value, local_value in differences:
        assert _is_timing_field(deployed_here, path), (machine_id, path, deployed_value, local_value)
        assert isinstance(deployed_value, (int, float)) and isinstance(local_value, (int, float)), path
        assert local_value <= deployed_value, (machine_id, path)


def test_the_deployed_definitions_keep_the_real_intervals(resources) -> None:
    refund = resources["RefundStateMachine"]["Properties"]["Definition"]
    payment_retry = refund["States"]["RefundOrder"]["Retry"][0]
    assert (payment_retry["IntervalSeconds"], payment_retry["BackoffRate"]) == (1, 2.0)
