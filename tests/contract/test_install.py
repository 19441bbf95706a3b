"""`make test` installs the contract checks' Node tools from their lockfile before the suite runs."""
from __future__ import annotations

import subprocess

from devstack.project import PROJECT_ROOT


def test_make_test_installs_contract_tools_from_the_lockfile_first():
    # A dry run remaking everything but the Python and GraphiQL installs: what a fresh machine would run.
    planned = subprocess.run(["make", "--no-print-directory", "-n", "-B", "-o", ".venv/.installed",
                              "-o", "devstack/graphiql/node_modules/.installed", "test"],
                             cwd=PROJECT_ROOT, capture_output=True, text=True, check=True).stdout.splitlines()
    install = planned.index("cd contract && npm ci --no-audit --no-fund --silent")
    suite = next(i for i, line in enumerate(planned) if "-m pytest" in line)
    assert install < suite
    assert planned[install + 1] == "touch contract/node_modules/.installed"
