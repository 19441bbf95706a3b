"""with_timing shortens a definition's own waits and touches nothing else."""
from __future__ import annotations

from devstack.asl import RETRY_TIMING_FIELDS, Timing, iter_states, with_timing
from devstack.project import INFRA_DIR
from devstack.template import STATE_MACHINE_TYPE, load_definition, load_template, resources_of_type

DEFINITION = {
    "StartAt": "Pause",
    "States": {
        "Pause": {"Type": "Wait", "Seconds": 30, "Next": "Deadline"},
        "Deadline": {"Type": "Wait", "TimestampPath": "$.expiresAt", "Next": "Short"},
        "Short": {"Type": "Wait", "Seconds": 0, "Next": "Work"},
        "Work": {
            "Type": "Task",
            "Resource": "arn:aws:lambda:cn-north-1:000000000000:function:f",
            "TimeoutSeconds": 60,
            "Retry": [
                {"ErrorEquals": ["A"], "IntervalSeconds": 5, "MaxAttempts": 6, "BackoffRate": 2.0, "MaxDelaySeconds": 60},
                {"ErrorEquals": ["B"], "MaxAttempts": 2},
            ],
            "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Fan"}],
            "Next": "Fan",
        },
        "Fan": {
            "Type": "Parallel",
            "Branches": [{"StartAt": "Inner", "States": {"Inner": {"Type": "Wait", "Seconds": 9, "End": True}}}],
            "Next": "Each",
        },
        "Each": {
            "Type": "Map",
            "ItemProcessor": {
                "StartAt": "Step",
                "States": {"Step": {"Type": "Pass", "Retry": [{"ErrorEquals": ["C"], "IntervalSeconds": 3}],
                                    "End": True}},
            },
            "End": True,
        },
    },
}


def test_waits_and_retry_intervals_are_bounded_and_nothing_else_changes() -> None:
    fast = with_timing(DEFINITION, Timing())
    states = fast["States"]
    assert states["Pause"]["Seconds"] == 1
    assert states["Deadline"] == DEFINITION["States"]["Deadline"]  # a deadline from the data stays real
    assert states["Short"]["Seconds"] == 0  # never longer than written
    retry_a, retry_b = states["Work"]["Retry"]
    assert retry_a == {"ErrorEquals": ["A"], "IntervalSeconds": 1, "MaxAttempts": 6, "BackoffRate": 1.0,
                       "MaxDelaySeconds": 1}
    assert retry_b == {"ErrorEquals": ["B"], "MaxAttempts": 2}  # defaults are left to the interpreter
    assert states["Work"]["TimeoutSeconds"] == 60 and states["Work"]["Catch"] == DEFINITION["States"]["Work"]["Catch"]
    assert states["Fan"]["Branches"][0]["States"]["Inner"]["Seconds"] == 1
    assert states["Each"]["ItemProcessor"]["States"]["Step"]["Retry"] == [{"ErrorEquals": ["C"], "IntervalSeconds": 1}]
    assert DEFINITION["States"]["Pause"]["Seconds"] == 30  # the input is not modified


def test_every_state_is_visited_including_branches_and_map_processors() -> None:
    names = {id(state) for state in iter_states(DEFINITION)}
    assert len(names) == len(DEFINITION["States"]) + 2


def test_the_projects_state_machines_keep_their_attempts() -> None:
    template = load_template()
    for logical_id, resource in resources_of_type(template, STATE_MACHINE_TYPE).items():
        definition = load_definition(resource, INFRA_DIR)
        fast = with_timing(definition, Timing())
        original_states, fast_states = list(iter_states(definition)), list(iter_states(fast))
        for original, shortened in zip(original_states, fast_states, strict=True):
            for before, after in zip(original.get("Retry", []), shortened.get("Retry", []), strict=True):
                assert {k: v for k, v in before.items() if k not in RETRY_TIMING_FIELDS} == {
                    k: v for k, v in after.items() if k not in RETRY_TIMING_FIELDS
                }, logical_id
