"""moto validates a state machine definition once per text (devstack/valid_definitions.py,
installed by devstack.resources.create_resources): the same text is not parsed again,
an invalid one is refused every time."""
from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError
from moto.stepfunctions.parser.asl.parse import asl_parser

from devstack import valid_definitions

ROLE = "arn:aws:iam::123456789012:role/stand-in"


def _definition(marker: str) -> str:
    return json.dumps({"Comment": marker, "StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}})


@pytest.fixture
def parses(monkeypatch) -> list[str]:
    seen: list[str] = []
    parse = asl_parser.AmazonStateLanguageParser.parse

    def counting(definition: str):
        seen.append(definition)
        return parse(definition)

    monkeypatch.setattr(asl_parser.AmazonStateLanguageParser, "parse", staticmethod(counting))
    return seen


def test_a_definition_that_passed_is_not_parsed_again(clients, table_name, parses) -> None:
    definition = _definition(f"once {table_name}")
    for copy in ("a", "b"):
        clients.stepfunctions.create_state_machine(name=f"{table_name}-{copy}", definition=definition, roleArn=ROLE)
    assert parses.count(definition) == 1
    created = [m for m in clients.stepfunctions.list_state_machines()["stateMachines"]
               if m["name"].startswith(table_name)]
    assert len(created) == 2  # both created, as before


def test_an_invalid_definition_is_refused_every_time(clients, table_name, parses) -> None:
    invalid = json.dumps({"StartAt": "Missing", "States": {"A": {"Type": "Pass", "Ends": True}}})
    for attempt in range(2):
        with pytest.raises(ClientError) as refused:
            clients.stepfunctions.create_state_machine(name=f"{table_name}-{attempt}", definition=invalid, roleArn=ROLE)
        assert "ASLParserException" in refused.value.response["Error"]["Message"]  # moto sends no code here
    assert parses.count(invalid) == 2
    assert invalid not in valid_definitions._valid
