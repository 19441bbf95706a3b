"""Structural checks of Amazon States Language definitions.

moto's create_state_machine accepts a `Next` that names no state, and cfn-lint
does not catch it either (shared platform notes): the execution would only fail
when it reaches that transition. AWS rejects such a definition at deploy time,
so the local stack rejects it at start-up, with the same rules:
StartAt names a state, every transition (Next, Default, Choices[].Next,
Catch[].Next) names a state of the same scope, every non-terminal state has
exactly one of Next/End, every state is reachable, no `${...}` placeholder is
left unsubstituted. Parallel branches and Map processors are scopes of their own.
"""
from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from devstack.template import placeholders

STATE_TYPES = {"Pass", "Task", "Wait", "Choice", "Succeed", "Fail", "Parallel", "Map"}
TERMINAL_TYPES = {"Succeed", "Fail"}


class InvalidDefinition(Exception):
    def __init__(self, name: str, problems: list[str]) -> None:
        super().__init__(f"state machine {name}: " + "; ".join(problems))
        self.problems = problems


def validate_definition(definition: Any) -> list[str]:
    """Every problem found (an empty list: the definition is sound)."""
    problems: list[str] = []
    if not isinstance(definition, dict):
        return ["the definition is not a JSON object"]
    _check_scope(definition, "$", problems)
    for name in sorted(placeholders(definition)):
        problems.append(f"placeholder ${{{name}}} was not substituted")
    return problems


def check_definition(name: str, definition: Any) -> None:
    problems = validate_definition(definition)
    if problems:
        raise InvalidDefinition(name, problems)


def _check_scope(scope: dict[str, Any], path: str, problems: list[str]) -> None:
    states = scope.get("States")
    if not isinstance(states, dict) or not states:
        problems.append(f"{path}: States is missing or empty")
        return
    start = scope.get("StartAt")
    if start not in states:
        problems.append(f"{path}: StartAt {start!r} is not a state")
    for state_name, state in states.items():
        _check_state(state_name, state, states, f"{path}.States.{state_name}", problems)
    if start in states:
        unreachable = sorted(set(states) - _reachable(start, states))
        for state_name in unreachable:
            problems.append(f"{path}.States.{state_name}: is not reachable from StartAt")


def _check_state(
    name: str, state: Any, states: dict[str, Any], path: str, problems: list[str]
) -> None:
    if not isinstance(state, dict):
        problems.append(f"{path}: is not an object")
        return
    state_type = state.get("Type")
    if state_type not in STATE_TYPES:
        problems.append(f"{path}: Type {state_type!r} is not a state type")
        return
    for field, target in _transitions(state):
        if target not in states:
            problems.append(f"{path}.{field}: {target!r} is not a state")
    if state_type == "Choice":
        if not state.get("Choices"):
            problems.append(f"{path}: a Choice state needs Choices")
        if "Next" in state or "End" in state:
            problems.append(f"{path}: a Choice state takes no Next or End")
    elif state_type in TERMINAL_TYPES:
        if "Next" in state or "End" in state:
            problems.append(f"{path}: a {state_type} state takes no Next or End")
    elif ("Next" in state) == (state.get("End") is True):
        problems.append(f"{path}: needs exactly one of Next or End: true")
    for index, branch in enumerate(state.get("Branches", []) if state_type == "Parallel" else []):
        _check_scope(branch, f"{path}.Branches[{index}]", problems)
    if state_type == "Map":
        processor = state.get("ItemProcessor", state.get("Iterator"))
        if isinstance(processor, dict):
            _check_scope(processor, f"{path}.ItemProcessor", problems)
        else:
            problems.append(f"{path}: a Map state needs ItemProcessor")


def _transitions(state: dict[str, Any]) -> list[tuple[str, Any]]:
    found: list[tuple[str, Any]] = []
    if "Next" in state:
        found.append(("Next", state["Next"]))
    if "Default" in state:
        found.append(("Default", state["Default"]))
    for index, choice in enumerate(state.get("Choices", []) or []):
        found.append((f"Choices[{index}].Next", choice.get("Next") if isinstance(choice, dict) else None))
    for index, catcher in enumerate(state.get("Catch", []) or []):
        found.append((f"Catch[{index}].Next", catcher.get("Next") if isinstance(catcher, dict) else None))
    return found


def _reachable(start: str, states: dict[str, Any]) -> set[str]:
    seen: set[str] = set()
    pending = [start]
    while pending:
        name = pending.pop()
        if name in seen or name not in states:
            continue
        seen.add(name)
        state = states[name]
        if isinstance(state, dict):
            pending.extend(target for _, target in _transitions(state) if isinstance(target, str))
    return seen


# ---- timing: how long a definition waits, apart from what it does ----
@dataclass(frozen=True)
class Timing:
    """Upper bounds on a definition's own waits, for local test runs.

    A Retry's IntervalSeconds, BackoffRate and MaxDelaySeconds and a Wait's
    Seconds only say how long to wait before the next step; which steps run,
    how many attempts a Retry makes (MaxAttempts), what is caught, and waits
    that come from the data (SecondsPath, TimestampPath: a deadline) are
    behaviour and are never touched. moto's parser takes whole seconds only
    (IntervalSeconds and MaxDelaySeconds >= 1, BackoffRate >= 1.0).
    """

    retry_interval_seconds: int = 1
    retry_backoff_rate: float = 1.0
    retry_max_delay_seconds: int = 1
    wait_seconds: int = 1


# The only fields with_timing changes: those of a Retry entry, and a Wait state's.
RETRY_TIMING_FIELDS = frozenset({"IntervalSeconds", "BackoffRate", "MaxDelaySeconds"})
WAIT_TIMING_FIELDS = frozenset({"Seconds"})


def with_timing(definition: dict[str, Any], timing: Timing) -> dict[str, Any]:
    """A copy of the definition whose waits are at most `timing`'s (never longer)."""
    result = copy.deepcopy(definition)
    for state in iter_states(result):
        if state.get("Type") == "Wait" and isinstance(state.get("Seconds"), int):
            state["Seconds"] = min(state["Seconds"], timing.wait_seconds)
        for retrier in state.get("Retry", []) or []:
            if not isinstance(retrier, dict):
                continue
            for field, bound in (
                ("IntervalSeconds", timing.retry_interval_seconds),
                ("BackoffRate", timing.retry_backoff_rate),
                ("MaxDelaySeconds", timing.retry_max_delay_seconds),
            ):
                if isinstance(retrier.get(field), (int, float)):
                    retrier[field] = type(retrier[field])(min(retrier[field], bound))
    return result


def iter_states(scope: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every state of a definition, nested Parallel branches and Map processors included."""
    for state in (scope.get("States") or {}).values():
        if not isinstance(state, dict):
            continue
        yield state
        for branch in state.get("Branches", []) or []:
            if isinstance(branch, dict):
                yield from iter_states(branch)
        processor = state.get("ItemProcessor", state.get("Iterator"))
        if isinstance(processor, dict):
            yield from iter_states(processor)
