"""The deploy package: chalice's template merged with infra/template.json,
linted by cfn-lint, wired the way the local stack assumes, least privilege."""
from __future__ import annotations

import json
import zipfile

import pytest

from devstack.asl import validate_definition
from devstack.environment import local_environment
from devstack.package import build, lint, lint_passed
from devstack.template import substitute

FUNCTION = "AWS::Serverless::Function"
# What the functions call (PynamoDB: get, put, update, delete, query, batch_get,
# TransactWrite). IAM has no TransactWriteItems action: a transaction is
# authorised item by item (Put/Update/Delete/ConditionCheckItem).
TABLE_ACTIONS = {
    "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
    "dynamodb:Query", "dynamodb:BatchGetItem", "dynamodb:ConditionCheckItem",
}
STREAM_ACTIONS = {"dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"}
LOG_ACTIONS = {"logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"}


@pytest.fixture(scope="module")
def packaged(tmp_path_factory):
    return build(tmp_path_factory.mktemp("packaged"))


@pytest.fixture(scope="module")
def template(packaged) -> dict:
    return json.loads(packaged.read_text())


@pytest.fixture(scope="module")
def resources(template) -> dict:
    return template["Resources"]


def functions(resources) -> dict:
    return {logical_id: r for logical_id, r in resources.items() if r["Type"] == FUNCTION}


def statements(role: dict) -> list[dict]:
    return [s for policy in role["Properties"].get("Policies", []) for s in policy["PolicyDocument"]["Statement"]]


def as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def test_cfn_lint_passes(packaged) -> None:
    result = lint(packaged)
    assert lint_passed(result), result.stdout + result.stderr


def test_the_zip_holds_the_app_and_not_the_local_stack(packaged) -> None:
    names = zipfile.ZipFile(packaged.parent / "deployment.zip").namelist()
    assert "app.py" in names and "chalicelib/config.py" in names
    assert not [name for name in names if name.startswith(("devstack/", "moto/", "tests/"))]


def test_the_stream_consumer_reads_the_tables_stream_reporting_item_failures(resources) -> None:
    source = resources["TableStream"]["Properties"]["Events"]["TableStreamDynamodbEventSource"]
    assert source["Type"] == "DynamoDB"
    assert source["Properties"]["Stream"] == {"Fn::GetAtt": ["TuanstackTable", "StreamArn"]}
    assert source["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]


def test_functions_get_their_configuration_and_no_literal_secret(template, resources) -> None:
    shared = template["Globals"]["Function"]["Environment"]["Variables"]
    assert shared["TUANSTACK_TABLE"] == {"Ref": "TuanstackTable"}
    secret = shared["TUANSTACK_SECRET_KEY"]
    assert isinstance(secret, dict) and "{{resolve:secretsmanager:${TuanstackSecretKey}" in secret["Fn::Sub"]
    assert resources["TuanstackSecretKey"]["Properties"]["GenerateSecretString"]
    for logical_id, function in functions(resources).items():
        assert function["Properties"]["Environment"]["Variables"]["TUANSTACK_STAGE"] == "prod", logical_id
    stream_env = resources["TableStream"]["Properties"]["Environment"]["Variables"]
    assert stream_env["TUANSTACK_RESERVATION_EXPIRY_SFN_ARN"] == {"Ref": "ReservationExpiryStateMachine"}


def test_local_runs_get_every_variable_deployed_functions_get(template, resources) -> None:
    deployed = set(template["Globals"]["Function"]["Environment"]["Variables"])
    for function in functions(resources).values():
        deployed |= set(function["Properties"].get("Environment", {}).get("Variables", {}))
    assert deployed <= set(local_environment("http://127.0.0.1:4566"))


def test_no_policy_grants_a_wildcard_action_or_resource(resources) -> None:
    roles = {logical_id: r for logical_id, r in resources.items() if r["Type"] == "AWS::IAM::Role"}
    assert roles
    for logical_id, role in roles.items():
        assert not role["Properties"].get("ManagedPolicyArns"), logical_id
        for statement in statements(role):
            assert statement["Effect"] == "Allow" and "NotAction" not in statement and "NotResource" not in statement
            for action in as_list(statement["Action"]):
                assert action != "*" and not action.endswith(":*"), (logical_id, action)
            for resource in as_list(statement["Resource"]):
                assert resource != "*", (logical_id, statement)


def test_function_roles_grant_exactly_what_the_functions_use(resources) -> None:
    for logical_id, function in functions(resources).items():
        role = resources[function["Properties"]["Role"]["Fn::GetAtt"][0]]
        granted = {
            action: statement["Resource"] for statement in statements(role) for action in as_list(statement["Action"])
        }
        expected = TABLE_ACTIONS | LOG_ACTIONS
        if logical_id == "TableStream":
            expected |= STREAM_ACTIONS | {"states:StartExecution"}
            assert granted["dynamodb:GetRecords"] == {"Fn::GetAtt": ["TuanstackTable", "StreamArn"]}
            assert granted["states:StartExecution"] == {"Ref": "ReservationExpiryStateMachine"}
        assert set(granted) == expected, logical_id
        assert granted["dynamodb:Query"] == [
            {"Fn::GetAtt": ["TuanstackTable", "Arn"]},
            {"Fn::Sub": "${TuanstackTable.Arn}/index/*"},
        ]


def test_the_state_machine_invokes_the_packaged_release_function(resources) -> None:
    machine = resources["ReservationExpiryStateMachine"]["Properties"]
    function_ref = {"Fn::GetAtt": ["ReleaseExpiredReservation", "Arn"]}
    assert machine["DefinitionSubstitutions"] == {"ReleaseExpiredReservationArn": function_ref}
    release = resources["ReleaseExpiredReservation"]
    assert release["Type"] == FUNCTION
    assert release["Properties"]["Handler"] == "app.release_expired_reservation"
    definition = substitute(machine["Definition"], {"ReleaseExpiredReservationArn": "arn:aws-cn:lambda:x"})
    assert definition["States"]["ReleaseReservation"]["Resource"] == "arn:aws-cn:lambda:x"
    assert validate_definition(definition) == []
    role = resources[machine["RoleArn"]["Fn::GetAtt"][0]]
    assert [(s["Action"], s["Resource"]) for s in statements(role)] == [(["lambda:InvokeFunction"], [function_ref])]
