"""The ASL validator rejects what AWS rejects and moto accepts (dangling transitions...)."""
from __future__ import annotations

import copy

import pytest

from devstack.asl import InvalidDefinition, check_definition, validate_definition

SOUND = {
    "StartAt": "Check",
    "States": {
        "Check": {
            "Type": "Choice",
            "Choices": [{"Variable": "$.ok", "BooleanEquals": True, "Next": "Work"}],
            "Default": "Failed",
        },
        "Work": {
            "Type": "Task",
            "Resource": "arn:aws:lambda:cn-north-1:123456789012:function:f",
            "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Failed"}],
            "Next": "Fan",
        },
        "Fan": {
            "Type": "Parallel",
            "Branches": [{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}}],
            "Next": "Each",
        },
        "Each": {
            "Type": "Map",
            "ItemProcessor": {"StartAt": "B", "States": {"B": {"Type": "Pass", "End": True}}},
            "Next": "Done",
        },
        "Done": {"Type": "Succeed"},
        "Failed": {"Type": "Fail", "Error": "Nope"},
    },
}


def broken(edit) -> dict:
    definition = copy.deepcopy(SOUND)
    edit(definition)
    return definition


def test_a_sound_definition_has_no_problems() -> None:
    assert validate_definition(SOUND) == []
    check_definition("sound", SOUND)


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda d: d["States"]["Work"].update(Next="Nowhere"), "States.Work.Next: 'Nowhere' is not a state"),
        (lambda d: d.update(StartAt="Missing"), "StartAt 'Missing' is not a state"),
        (lambda d: d["States"]["Check"].update(Default="Gone"), "States.Check.Default: 'Gone' is not a state"),
        (
            lambda d: d["States"]["Check"]["Choices"][0].update(Next="Gone"),
            "States.Check.Choices[0].Next: 'Gone' is not a state",
        ),
        (
            lambda d: d["States"]["Work"]["Catch"][0].update(Next="Gone"),
            "States.Work.Catch[0].Next: 'Gone' is not a state",
        ),
        (
            lambda d: d["States"]["Fan"]["Branches"][0]["States"]["A"].update(Next="Done", End=None),
            "Branches[0].States.A.Next: 'Done' is not a state",
        ),
        (lambda d: d["States"]["Work"].update(End=True), "States.Work: needs exactly one of Next or End: true"),
        (lambda d: d["States"]["Done"].update(Next="Failed"), "a Succeed state takes no Next or End"),
        (lambda d: d["States"].update(Orphan={"Type": "Pass", "End": True}), "States.Orphan: is not reachable"),
        (lambda d: d["States"]["Work"].update(Type="Tsk"), "Type 'Tsk' is not a state type"),
        (
            lambda d: d["States"]["Work"].update(Resource="${FunctionArn}"),
            "placeholder ${FunctionArn} was not substituted",
        ),
    ],
)
def test_each_structural_fault_is_reported(edit, expected: str) -> None:
    problems = validate_definition(broken(edit))
    assert any(expected in problem for problem in problems), problems
    with pytest.raises(InvalidDefinition):
        check_definition("broken", broken(edit))
