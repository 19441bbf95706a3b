"""moto validates a state machine's definition once per text, not once per create
(patches moto 5.2.5, pinned).

CreateStateMachine parses the whole definition with moto's ANTLR grammar only to
refuse an invalid one: a third of re-creating every resource after a test reset
the emulator (tests/conftest.py does that a few hundred times a run, seven state
machines each). The check reads nothing but the text, so a text that passed once
passes again; a text that failed is checked (and refused) every time, as before.
Executions still parse their definition themselves.
"""
from __future__ import annotations

import threading

from devstack.deferred_imports import defer_batch

defer_batch()  # first: moto's Step Functions parser imports moto.batch.utils
from moto.stepfunctions.parser.models import StepFunctionsParserBackend  # noqa: E402

_original = StepFunctionsParserBackend._validate_definition
_valid: set[str] = set()
_lock = threading.Lock()


def _validate_definition(definition: str) -> None:
    if definition in _valid:
        return
    _original(definition=definition)  # raises InvalidDefinition: nothing remembered
    with _lock:
        _valid.add(definition)


def install() -> None:
    """Idempotent; lasts for the process."""
    StepFunctionsParserBackend._validate_definition = staticmethod(_validate_definition)  # type: ignore[method-assign]


def uninstall() -> None:
    StepFunctionsParserBackend._validate_definition = staticmethod(_original)  # type: ignore[method-assign]
