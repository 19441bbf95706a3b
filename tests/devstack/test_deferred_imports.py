"""Emulating Step Functions does not import moto's Batch and EC2 (devstack/deferred_imports.py),
and Batch still loads whole the first time it is asked for."""
from __future__ import annotations

import subprocess
import sys

from devstack.project import PROJECT_ROOT


def test_the_suites_emulator_runs_state_machines_without_ec2(emulator):
    # conftest's emulator has created every state machine of infra/template.json by now.
    assert "moto.stepfunctions.parser.models" in sys.modules
    assert "moto.ec2" not in sys.modules and "moto.batch.models" not in sys.modules


def test_batch_loads_whole_when_first_used():
    code = """
import sys
from devstack.deferred_imports import defer_batch
defer_batch()
import moto.stepfunctions.parser.models  # imports moto.batch.utils
assert "moto.batch.utils" in sys.modules and "moto.ec2" not in sys.modules
import moto.batch
assert type(moto.batch.batch_backends["123456789012"]["us-east-1"]).__name__ == "BatchBackend"
assert "moto.ec2" in sys.modules and moto.batch.utils.JobStatus
print("ok")
"""
    done = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert done.stdout.strip() == "ok", done.stderr
