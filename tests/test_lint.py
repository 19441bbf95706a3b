"""ruff (ruff.toml) and the import contracts (.importlinter) are part of the suite:
a finding fails this test with the tools' own report, naming the file and line or
the import that breaks a contract."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
LINT_PATHS = ["app.py", "chalicelib", "devstack", "tests", "bench", "tools"]


def _run(*argv: str) -> subprocess.CompletedProcess:
    return subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, env={**os.environ, "COLUMNS": "160"})


def test_ruff_finds_nothing():
    ran = _run(str(BIN / "ruff"), "check", "--no-cache", *LINT_PATHS)
    assert ran.returncode == 0, ran.stdout + ran.stderr


def test_every_import_contract_is_kept():
    ran = _run(str(BIN / "lint-imports"), "--no-cache")
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "Contracts: 5 kept, 0 broken." in ran.stdout
