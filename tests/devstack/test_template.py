"""Reading infra/template.json: definitions, substitutions, local references, names."""
from __future__ import annotations

import json

import pytest

from devstack import naming
from devstack.environment import apply_environment, local_environment
from devstack.project import INFRA_DIR
from devstack.template import (
    STATE_MACHINE_TYPE,
    Unresolvable,
    inline_definitions,
    load_template,
    make_resolver,
    resources_of_type,
    substitute,
)


def test_function_names_round_trip_through_arns() -> None:
    arn = naming.function_arn("release_expired_reservation", "cn-north-1")
    assert arn == (
        "arn:aws-cn:lambda:cn-north-1:123456789012:function:tuanstack-dev-release_expired_reservation"
    )
    assert naming.handler_name(arn) == "release_expired_reservation"
    assert naming.handler_name(arn + ":$LATEST") == "release_expired_reservation"
    assert naming.handler_name("tuanstack-dev-release_expired_reservation") == "release_expired_reservation"
    assert naming.handler_name("function:tuanstack-dev-x") == "x"
    assert naming.handler_name("someone-elses-function") is None
    assert naming.function_logical_id("release_expired_reservation") == "ReleaseExpiredReservation"


def test_substitute_replaces_placeholders_everywhere_and_keeps_unknown_ones() -> None:
    definition = {"States": {"T": {"Resource": "${Fn}", "Parameters": {"x": "a-${Fn}-b", "y": "${Other}"}}}}
    assert substitute(definition, {"Fn": "arn:f"}) == {
        "States": {"T": {"Resource": "arn:f", "Parameters": {"x": "a-arn:f-b", "y": "${Other}"}}}
    }


def test_inlining_puts_each_asl_file_in_the_template_as_an_object() -> None:
    template = load_template()
    machines = resources_of_type(template, STATE_MACHINE_TYPE)
    assert machines, "infra/template.json declares no state machine"
    inlined = resources_of_type(inline_definitions(template, INFRA_DIR), STATE_MACHINE_TYPE)
    for logical_id, resource in machines.items():
        path = INFRA_DIR / resource["Properties"]["DefinitionS3Location"]
        properties = inlined[logical_id]["Properties"]
        assert properties["Definition"] == json.loads(path.read_text())
        assert "DefinitionS3Location" not in properties
    # The source template is left as it was.
    assert "Definition" not in next(iter(machines.values()))["Properties"]


def test_resolver_knows_refs_attributes_subs_and_refuses_the_rest() -> None:
    resolve = make_resolver(
        refs={"Table": "t"},
        attributes={("Fn", "Arn"): "arn:fn"},
        pseudo={"AWS::Region": "cn-north-1"},
    )
    assert resolve({"Ref": "Table"}) == "t"
    assert resolve({"Fn::GetAtt": ["Fn", "Arn"]}) == "arn:fn"
    assert resolve({"Fn::GetAtt": "Fn.Arn"}) == "arn:fn"
    assert resolve({"Fn::Sub": "${Table}@${AWS::Region}/${Fn.Arn}"}) == "t@cn-north-1/arn:fn"
    assert resolve({"Fn::Sub": ["${X}!", {"X": {"Ref": "Table"}}]}) == "t!"
    with pytest.raises(Unresolvable):
        resolve({"Ref": "Unknown"})
    with pytest.raises(Unresolvable):
        resolve({"Fn::Sub": "{{resolve:secretsmanager:${Table}:SecretString}}"})
    with pytest.raises(Unresolvable):
        resolve({"Fn::ImportValue": "x"})


def test_local_environment_carries_the_template_variables_with_local_values() -> None:
    env = local_environment("http://127.0.0.1:4566", table_name="t-local")
    assert env["TUANSTACK_TABLE"] == "t-local"
    assert env["TUANSTACK_STAGE"] == "local"
    assert env["TUANSTACK_RESERVATION_EXPIRY_SFN_ARN"] == naming.state_machine_arn(
        "ReservationExpiryStateMachine", naming.DEFAULT_REGION
    )
    assert env["AWS_ENDPOINT_URL"] == env["TUANSTACK_DYNAMODB_ENDPOINT"] == "http://127.0.0.1:4566"
    assert env["AWS_ACCOUNT_ID_ENDPOINT_MODE"] == "disabled"
    assert env["TUANSTACK_SECRET_KEY"]
    assert all(isinstance(value, str) for value in env.values())


def test_apply_environment_drops_profiles_that_would_override_the_dummy_credentials() -> None:
    environ = {"AWS_PROFILE": "prod-admin", "AWS_SESSION_TOKEN": "t", "KEEP": "1"}
    apply_environment({"AWS_ACCESS_KEY_ID": "testing"}, environ)
    assert environ == {"KEEP": "1", "AWS_ACCESS_KEY_ID": "testing"}
