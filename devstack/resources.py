"""Create in the emulator the resources infra/template.json describes.

The template is the single source of truth: the table (keys, GSIs, stream, TTL),
the EventBridge bus and every AWS::StepFunctions::StateMachine come from it, with
the ASL files it references, substituted and validated as the deploy does.
Lambda functions are created for each `@app.lambda_function` of app.py (the
functions state machines call), named by devstack/naming.py. Creating is
idempotent: resources that already exist are kept (state machines get the
current definition), so a test session and `python -m devstack` can call it on
a warm emulator.
"""
from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from devstack import naming, valid_definitions
from devstack.asl import Timing, check_definition, with_timing
from devstack.clients import emulator_client
from devstack.project import TEMPLATE_PATH, lambda_function_names, load_app
from devstack.template import (
    STATE_MACHINE_TYPE,
    TemplateError,
    load_definition,
    load_template,
    make_resolver,
    resources_of_type,
    substitute,
)

TABLE_TYPE = "AWS::DynamoDB::Table"
EVENT_BUS_TYPE = "AWS::Events::EventBus"
# Bus properties with no local effect; any other (a dead-letter queue, a KMS
# key, a policy) is refused rather than silently not reproduced.
IGNORED_EVENT_BUS_PROPERTIES = {"Description", "Tags"}
# Resources that exist only for the deployed stack: IAM is not enforced by the
# emulator, the secret key comes from the local environment, and chalice's
# overlays (no Type) patch functions that `chalice package` generates.
LOCALLY_IRRELEVANT_TYPES = {"AWS::IAM::Role", "AWS::IAM::Policy", "AWS::SecretsManager::Secret", None}
# Table properties with no effect on local behaviour.
IGNORED_TABLE_PROPERTIES = {
    "PointInTimeRecoverySpecification",
    "SSESpecification",
    "Tags",
    "DeletionProtectionEnabled",
    "ContributorInsightsSpecification",
    "TableName",
}
TABLE_PROPERTIES = {
    "AttributeDefinitions",
    "KeySchema",
    "GlobalSecondaryIndexes",
    "LocalSecondaryIndexes",
    "BillingMode",
    "ProvisionedThroughput",
    "StreamSpecification",
    "TimeToLiveSpecification",
}


def _trust(service: str) -> dict[str, Any]:
    statement = {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}
    return {"Version": "2012-10-17", "Statement": [statement]}


LAMBDA_TRUST = _trust("lambda.amazonaws.com")
STATES_TRUST = _trust("states.amazonaws.com")


@dataclass(frozen=True)
class LocalResources:
    region: str
    table_name: str
    table_arn: str
    stream_arn: str
    functions: dict[str, str]  # @app.lambda_function name -> function ARN
    state_machines: dict[str, str]  # template logical id -> state machine ARN


def create_resources(
    endpoint_url: str,
    region: str = naming.DEFAULT_REGION,
    table_name: str = naming.DEFAULT_TABLE_NAME,
    *,
    lambda_names: Iterable[str] | None = None,
    template_path: Path = TEMPLATE_PATH,
    timing: Timing | None = None,
) -> LocalResources:
    """Create (or keep) the table, roles, functions and state machines; return their ARNs.

    lambda_names defaults to the `@app.lambda_function`s of app.py. With `timing`
    (test runs), the state machines wait at most that long between retries and
    in Wait states with fixed Seconds (devstack/asl.py: only timing fields change).
    """
    template = load_template(template_path)
    names = list(lambda_function_names(load_app()) if lambda_names is None else lambda_names)
    _check_supported(template)
    clients = _Clients(endpoint_url, region)
    for logical_id, table in resources_of_type(template, TABLE_TYPE).items():
        if logical_id != naming.TABLE_LOGICAL_ID:
            raise TemplateError(f"the local stack knows one table ({naming.TABLE_LOGICAL_ID}), not {logical_id}")
        _ensure_table(clients.dynamodb, table_name, table["Properties"])
    for bus_name in event_bus_names(template, region).values():
        _ensure_event_bus(clients.events, bus_name)
    create_functions(endpoint_url, region, names)
    states_role = _ensure_role(clients.iam, naming.STATES_ROLE_NAME, STATES_TRUST)
    # An emulator in this process (the tests', python -m devstack's) parses each definition
    # text once: re-creating these after every reset was mostly moto re-parsing them.
    valid_definitions.install()
    machines: dict[str, str] = {}
    for logical_id, definition in state_machine_definitions(
        template, template_path.parent, region, table_name, names, timing=timing
    ).items():
        machines[logical_id] = _ensure_state_machine(
            clients.stepfunctions, naming.state_machine_name(logical_id), definition, states_role
        )
    return describe_resources(endpoint_url, region, table_name, lambda_names=names, state_machines=machines)


def create_functions(endpoint_url: str, region: str, handler_names: Iterable[str]) -> dict[str, str]:
    """Create (or keep) a local function per handler name; their ARNs by name.

    devstack/lambdas.py runs the handler registered under the same name.
    """
    clients = _Clients(endpoint_url, region)
    role = _ensure_role(clients.iam, naming.LAMBDA_ROLE_NAME, LAMBDA_TRUST)
    return {name: _ensure_function(clients.awslambda, name, role) for name in handler_names}


def describe_resources(
    endpoint_url: str,
    region: str = naming.DEFAULT_REGION,
    table_name: str = naming.DEFAULT_TABLE_NAME,
    *,
    lambda_names: Iterable[str] | None = None,
    state_machines: Mapping[str, str] | None = None,
    template_path: Path = TEMPLATE_PATH,
) -> LocalResources:
    """Names and ARNs of resources already in the emulator (the stream ARN is only known there)."""
    clients = _Clients(endpoint_url, region)
    table = clients.dynamodb.describe_table(TableName=table_name)["Table"]
    names = list(lambda_function_names(load_app()) if lambda_names is None else lambda_names)
    if state_machines is None:
        logical_ids = resources_of_type(load_template(template_path), STATE_MACHINE_TYPE)
        state_machines = {logical_id: naming.state_machine_arn(logical_id, region) for logical_id in logical_ids}
    return LocalResources(
        region=region,
        table_name=table_name,
        table_arn=table["TableArn"],
        stream_arn=table.get("LatestStreamArn", ""),
        functions={name: naming.function_arn(name, region) for name in names},
        state_machines=dict(state_machines),
    )


def state_machine_definitions(
    template: Mapping[str, Any],
    template_dir: Path,
    region: str,
    table_name: str,
    lambda_names: Iterable[str],
    *,
    timing: Timing | None = None,
) -> dict[str, dict[str, Any]]:
    """Each state machine's ASL with local ARNs substituted, validated like AWS would
    (and with `timing`'s shorter waits, if given)."""
    resolve = local_resolver(template, region, table_name, lambda_names)
    definitions = {}
    for logical_id, resource in resources_of_type(template, STATE_MACHINE_TYPE).items():
        substitutions = {
            key: resolve(value)
            for key, value in resource.get("Properties", {}).get("DefinitionSubstitutions", {}).items()
        }
        definition = substitute(load_definition(resource, template_dir), substitutions)
        check_definition(logical_id, definition)
        definitions[logical_id] = definition if timing is None else with_timing(definition, timing)
    return definitions


def event_bus_names(template: Mapping[str, Any], region: str) -> dict[str, str]:
    """Each EventBridge bus's local name (its Name property resolved locally), by logical id."""
    resolve_name = make_resolver({}, {}, _pseudo_parameters(region))
    names = {}
    for logical_id, bus in resources_of_type(template, EVENT_BUS_TYPE).items():
        properties = bus.get("Properties", {})
        unknown = set(properties) - {"Name"} - IGNORED_EVENT_BUS_PROPERTIES
        if unknown:
            raise TemplateError(f"{logical_id}: event bus properties the local stack does not apply: {sorted(unknown)}")
        names[logical_id] = resolve_name(properties["Name"])
    return names


def local_resolver(template: Mapping[str, Any], region: str, table_name: str, lambda_names: Iterable[str]):
    """Ref/GetAtt/Sub resolved to the local names of table, buses, functions and state machines."""
    refs: dict[str, str] = {naming.TABLE_LOGICAL_ID: table_name}
    attributes = {(naming.TABLE_LOGICAL_ID, "Arn"): naming.table_arn(table_name, region)}
    for name in lambda_names:
        logical_id = naming.function_logical_id(name)
        refs[logical_id] = naming.function_name(name)
        attributes[(logical_id, "Arn")] = naming.function_arn(name, region)
    for logical_id in resources_of_type(template, STATE_MACHINE_TYPE):
        refs[logical_id] = naming.state_machine_arn(logical_id, region)
        attributes[(logical_id, "Arn")] = naming.state_machine_arn(logical_id, region)
        attributes[(logical_id, "Name")] = naming.state_machine_name(logical_id)
    for logical_id, bus_name in event_bus_names(template, region).items():
        # Ref of an AWS::Events::EventBus is its name.
        refs[logical_id] = attributes[(logical_id, "Name")] = bus_name
        attributes[(logical_id, "Arn")] = (
            f"arn:{naming.partition(region)}:events:{region}:{naming.LOCAL_ACCOUNT_ID}:event-bus/{bus_name}"
        )
    return make_resolver(refs, attributes, _pseudo_parameters(region))


def _pseudo_parameters(region: str) -> dict[str, str]:
    return {
        "AWS::Region": region,
        "AWS::AccountId": naming.LOCAL_ACCOUNT_ID,
        "AWS::Partition": naming.partition(region),
        "AWS::URLSuffix": "amazonaws.com.cn" if naming.partition(region) == "aws-cn" else "amazonaws.com",
        "AWS::StackName": naming.LOCAL_PREFIX,
    }


def _check_supported(template: Mapping[str, Any]) -> None:
    known = {TABLE_TYPE, EVENT_BUS_TYPE, STATE_MACHINE_TYPE} | LOCALLY_IRRELEVANT_TYPES
    for logical_id, resource in template.get("Resources", {}).items():
        if resource.get("Type") not in known:
            raise TemplateError(
                f"{logical_id}: the local stack does not create {resource.get('Type')} yet "
                "(teach devstack/resources.py, or the local stack silently differs from the deployed one)"
            )


class _Clients:
    def __init__(self, endpoint_url: str, region: str) -> None:
        self.dynamodb = emulator_client("dynamodb", endpoint_url, region)
        self.iam = emulator_client("iam", endpoint_url, region)
        self.awslambda = emulator_client("lambda", endpoint_url, region)
        self.stepfunctions = emulator_client("stepfunctions", endpoint_url, region)
        self.events = emulator_client("events", endpoint_url, region)


def _ensure_table(dynamodb: Any, table_name: str, properties: Mapping[str, Any]) -> None:
    unknown = set(properties) - TABLE_PROPERTIES - IGNORED_TABLE_PROPERTIES
    if unknown:
        raise TemplateError(f"table properties the local stack does not apply: {sorted(unknown)}")
    request: dict[str, Any] = {
        "TableName": table_name,
        "AttributeDefinitions": properties["AttributeDefinitions"],
        "KeySchema": properties["KeySchema"],
        "BillingMode": properties.get("BillingMode", "PROVISIONED"),
    }
    for key in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes", "ProvisionedThroughput"):
        if key in properties:
            request[key] = properties[key]
    if "StreamSpecification" in properties:
        request["StreamSpecification"] = {"StreamEnabled": True, **properties["StreamSpecification"]}
    try:
        dynamodb.create_table(**request)
    except ClientError as error:
        if error.response["Error"]["Code"] != "ResourceInUseException":
            raise
        return
    ttl = properties.get("TimeToLiveSpecification")
    if ttl and ttl.get("Enabled"):
        dynamodb.update_time_to_live(
            TableName=table_name,
            TimeToLiveSpecification={"AttributeName": ttl["AttributeName"], "Enabled": True},
        )


def _ensure_event_bus(events: Any, name: str) -> None:
    try:
        events.create_event_bus(Name=name)
    except ClientError as error:
        if error.response["Error"]["Code"] != "ResourceAlreadyExistsException":
            raise


def _ensure_role(iam: Any, role_name: str, trust: Mapping[str, Any]) -> str:
    try:
        return iam.get_role(RoleName=role_name)["Role"]["Arn"]
    except ClientError as error:
        if error.response["Error"]["Code"] != "NoSuchEntity":
            raise
    return iam.create_role(RoleName=role_name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]


def _ensure_function(awslambda: Any, handler_name: str, role_arn: str) -> str:
    name = naming.function_name(handler_name)
    try:
        return awslambda.get_function(FunctionName=name)["Configuration"]["FunctionArn"]
    except ClientError as error:
        if error.response["Error"]["Code"] != "ResourceNotFoundException":
            raise
    # The code never runs (devstack/lambdas.py calls the handler in-process);
    # Lambda still wants a package, and the handler string chalice would use.
    package = io.BytesIO()
    with zipfile.ZipFile(package, "w") as archive:
        archive.writestr("app.py", "# runs in-process, see devstack/lambdas.py\n")
    return awslambda.create_function(
        FunctionName=name,
        Runtime="python3.11",
        Role=role_arn,
        Handler=f"app.{handler_name}",
        Code={"ZipFile": package.getvalue()},
        Timeout=60,
    )["FunctionArn"]


def _ensure_state_machine(stepfunctions: Any, name: str, definition: Mapping[str, Any], role_arn: str) -> str:
    body = json.dumps(definition)
    try:
        arn = stepfunctions.create_state_machine(name=name, definition=body, roleArn=role_arn)["stateMachineArn"]
    except ClientError as error:
        if error.response["Error"]["Code"] != "StateMachineAlreadyExists":
            raise
        arn = next(
            machine["stateMachineArn"]
            for page in stepfunctions.get_paginator("list_state_machines").paginate()
            for machine in page["stateMachines"]
            if machine["name"] == name
        )
    # moto answers a create of an existing name with the existing machine,
    # definition unchanged (AWS raises StateMachineAlreadyExists): compare.
    if json.loads(stepfunctions.describe_state_machine(stateMachineArn=arn)["definition"]) != definition:
        stepfunctions.update_state_machine(stateMachineArn=arn, definition=body, roleArn=role_arn)
    return arn
