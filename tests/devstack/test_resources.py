"""The emulator gets the table, event bus and state machines infra/template.json describes."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from devstack import naming
from devstack.asl import InvalidDefinition
from devstack.clients import emulator_client
from devstack.environment import local_environment
from devstack.project import INFRA_DIR
from devstack.resources import create_resources
from devstack.template import TemplateError, load_template

TEMPLATE = load_template()
TABLE = TEMPLATE["Resources"]["TuanstackTable"]["Properties"]


def test_table_matches_the_template(emulator, clients, table_name) -> None:
    resources = create_resources(emulator.endpoint_url, table_name=table_name)
    table = clients.dynamodb.describe_table(TableName=table_name)["Table"]
    assert table["KeySchema"] == TABLE["KeySchema"]
    assert sorted(table["AttributeDefinitions"], key=str) == sorted(TABLE["AttributeDefinitions"], key=str)
    assert {index["IndexName"]: index["KeySchema"] for index in table["GlobalSecondaryIndexes"]} == {
        index["IndexName"]: index["KeySchema"] for index in TABLE["GlobalSecondaryIndexes"]
    }
    assert table["StreamSpecification"] == {
        "StreamEnabled": True,
        "StreamViewType": TABLE["StreamSpecification"]["StreamViewType"],
    }
    ttl = clients.dynamodb.describe_time_to_live(TableName=table_name)["TimeToLiveDescription"]
    assert ttl == {"TimeToLiveStatus": "ENABLED", "AttributeName": TABLE["TimeToLiveSpecification"]["AttributeName"]}
    assert resources.stream_arn == table["LatestStreamArn"]
    assert resources.table_arn == table["TableArn"] == naming.table_arn(table_name, naming.DEFAULT_REGION)


def test_each_lambda_function_of_app_py_exists_under_its_chalice_name(emulator, clients, table_name) -> None:
    resources = create_resources(emulator.endpoint_url, table_name=table_name)
    # app.py declares @app.lambda_function(name="release_expired_reservation").
    assert "release_expired_reservation" in resources.functions
    for name, arn in resources.functions.items():
        configuration = clients.awslambda.get_function(FunctionName=naming.function_name(name))["Configuration"]
        assert configuration["FunctionArn"] == arn


def test_state_machines_use_the_asl_files_with_local_arns(emulator, clients, table_name) -> None:
    resources = create_resources(emulator.endpoint_url, table_name=table_name)
    arn = resources.state_machines["ReservationExpiryStateMachine"]
    assert arn == naming.state_machine_arn("ReservationExpiryStateMachine", naming.DEFAULT_REGION)
    deployed = json.loads(clients.stepfunctions.describe_state_machine(stateMachineArn=arn)["definition"])
    source = json.loads((INFRA_DIR / "statemachines" / "reservation_expiry.asl.json").read_text())
    task = deployed["States"]["ReleaseReservation"]
    assert task["Resource"] == resources.functions["release_expired_reservation"]
    source["States"]["ReleaseReservation"]["Resource"] = task["Resource"]
    assert deployed == source


def test_creating_twice_keeps_what_exists(emulator, table_name) -> None:
    first = create_resources(emulator.endpoint_url, table_name=table_name)
    assert create_resources(emulator.endpoint_url, table_name=table_name) == first


def _template_with(tmp_path: Path, edit) -> Path:
    template = json.loads(json.dumps(TEMPLATE))
    edit(template)
    (tmp_path / "statemachines").mkdir()
    for asl in (INFRA_DIR / "statemachines").glob("*.json"):
        (tmp_path / "statemachines" / asl.name).write_text(asl.read_text())
    path = tmp_path / "template.json"
    path.write_text(json.dumps(template))
    return path


def test_a_dangling_next_is_refused_before_it_reaches_moto(emulator, tmp_path, table_name) -> None:
    def dangle(template):
        machine = template["Resources"]["ReservationExpiryStateMachine"]["Properties"]
        definition = json.loads((INFRA_DIR / machine.pop("DefinitionS3Location")).read_text())
        definition["States"]["WaitUntilExpiry"]["Next"] = "ReleaseReservatoin"
        machine["Definition"] = definition

    template_path = _template_with(tmp_path, dangle)
    with pytest.raises(InvalidDefinition, match="ReleaseReservatoin"):
        create_resources(emulator.endpoint_url, table_name=table_name, template_path=template_path)


def test_a_resource_the_local_stack_cannot_build_is_refused(emulator, tmp_path, table_name) -> None:
    def add_queue(template):
        template["Resources"]["Outbox"] = {"Type": "AWS::SQS::Queue", "Properties": {}}

    template_path = _template_with(tmp_path, add_queue)
    with pytest.raises(TemplateError, match="AWS::SQS::Queue"):
        create_resources(emulator.endpoint_url, table_name=table_name, template_path=template_path)


def test_the_event_bus_exists_under_the_name_functions_are_given(emulator, table_name) -> None:
    create_resources(emulator.endpoint_url, table_name=table_name)
    name = local_environment(emulator.endpoint_url, table_name=table_name)["TUANSTACK_EVENT_BUS"]
    assert name == f"{naming.LOCAL_PREFIX}-events"  # the template's ${AWS::StackName}-events
    bus = emulator_client("events", emulator.endpoint_url, naming.DEFAULT_REGION).describe_event_bus(Name=name)
    assert bus["Arn"] == f"arn:aws-cn:events:{naming.DEFAULT_REGION}:{naming.LOCAL_ACCOUNT_ID}:event-bus/{name}"


def test_an_event_bus_property_the_local_stack_cannot_apply_is_refused(emulator, tmp_path, table_name) -> None:
    def add_dead_letter_queue(template):
        bus = template["Resources"]["TuanstackEventBus"]["Properties"]
        bus["DeadLetterConfig"] = {"Arn": "arn:aws-cn:sqs:cn-north-1:123456789012:dlq"}

    template_path = _template_with(tmp_path, add_dead_letter_queue)
    with pytest.raises(TemplateError, match="DeadLetterConfig"):
        create_resources(emulator.endpoint_url, table_name=table_name, template_path=template_path)
