"""One way to move the local stack's ports, honoured by every command the README
shows: TUANSTACK_PORT / TUANSTACK_AWS_PORT (which `make dev`/`make job` set from
PORT= / AWS_PORT=), or the same --port / --aws-port flags on each Python command.
And `devstack.demo --quick` reuses its deal instead of adding one per run."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys

import pytest

from devstack import __main__ as devstack_main
from devstack import demo, jobs
from devstack.project import PROJECT_ROOT
from tests.devstack.devstack_process import clean_environment, devstack

# The install steps are not what is tested here (and the stamps may look stale in a worktree).
MAKE = ["make", "--no-print-directory", "-o", ".venv/.installed", "-o", "devstack/graphiql/node_modules/.installed"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize("parse", [devstack_main.parse_args, demo.parse_args,
                                   lambda argv: jobs.parse_args(["expire", *argv])])
def test_every_command_reads_the_ports_from_the_environment_and_the_same_flags(parse, monkeypatch):
    monkeypatch.delenv("TUANSTACK_PORT", raising=False)
    monkeypatch.delenv("TUANSTACK_AWS_PORT", raising=False)
    assert (parse([]).port, parse([]).aws_port) == (8000, 4566)
    monkeypatch.setenv("TUANSTACK_PORT", "8101")
    monkeypatch.setenv("TUANSTACK_AWS_PORT", "4601")
    assert (parse([]).port, parse([]).aws_port) == (8101, 4601)
    flagged = parse(["--port", "9000", "--aws-port", "4567"])
    assert (flagged.port, flagged.aws_port) == (9000, 4567)


def test_the_demo_goes_where_its_port_says_and_a_url_still_wins(monkeypatch):
    monkeypatch.setenv("TUANSTACK_PORT", "8101")
    assert demo.parse_args([]).url == "http://127.0.0.1:8101"
    assert demo.parse_args(["--port", "9000"]).url == "http://127.0.0.1:9000"
    assert demo.parse_args(["--url", "http://127.0.0.1:7000/"]).url == "http://127.0.0.1:7000"


def test_a_port_variable_that_is_not_a_port_is_refused(monkeypatch):
    monkeypatch.setenv("TUANSTACK_PORT", "eighty")
    with pytest.raises(SystemExit, match="TUANSTACK_PORT must be a port number"):
        demo.parse_args([])


def _dry_run(*args: str, **env: str) -> str:
    result = subprocess.run([*MAKE, "-n", *args], cwd=PROJECT_ROOT, env=clean_environment(**env),
                            capture_output=True, text=True, check=True)
    return result.stdout


def test_make_passes_port_variables_on_and_otherwise_leaves_the_environment_alone():
    assert _dry_run("dev", "PORT=8101", "AWS_PORT=4601").strip().endswith(
        "TUANSTACK_PORT=8101 TUANSTACK_AWS_PORT=4601 .venv/bin/python -m devstack")
    plain = _dry_run("dev", TUANSTACK_PORT="8101")
    assert "--port" not in plain and plain.strip().endswith(".venv/bin/python -m devstack")
    assert "TUANSTACK_AWS_PORT=4601 .venv/bin/python -m devstack.jobs expire" in _dry_run(
        "job", "JOB=expire", "AWS_PORT=4601")


def test_a_stack_moved_by_make_dev_is_found_by_make_job_the_jobs_and_the_demo():
    api_port, aws_port = _free_port(), _free_port()
    with devstack([*MAKE, "dev", f"PORT={api_port}", f"AWS_PORT={aws_port}"]) as running:
        assert (running.api_port, running.aws_port) == (api_port, aws_port)
        by_make = subprocess.run([*MAKE, "-s", "job", "JOB=recompute-tiers", f"AWS_PORT={aws_port}"],
                                 cwd=PROJECT_ROOT, env=clean_environment(), capture_output=True, text=True)
        assert by_make.returncode == 0, by_make.stderr
        assert json.loads(by_make.stdout[by_make.stdout.index("{"):])["complete"] is True
        by_flag = subprocess.run([sys.executable, "-m", "devstack.jobs", "recompute-tiers", "--aws-port",
                                  str(aws_port)], cwd=PROJECT_ROOT, env=clean_environment(),
                                 capture_output=True, text=True)
        assert by_flag.returncode == 0, by_flag.stderr

        # The variable finds the stack (stories 1-4 through the CLI, story 2 quick; 5 and 6 run over HTTP in
        # test_readme.py, their waits once), then the flag does (story 1 is enough).
        outputs = []
        for how, stories in (({"TUANSTACK_PORT": str(api_port)}, "1,2,3,4"), ({}, "1")):
            argv = [sys.executable, "-m", "devstack.demo", "--quick", "--stories", stories]
            argv += [] if how else ["--port", str(api_port)]
            ran = subprocess.run(argv, cwd=PROJECT_ROOT, env=clean_environment(**how), capture_output=True,
                                 text=True, timeout=180)
            assert ran.returncode == 0, ran.stdout + ran.stderr
            assert ran.stdout.count("== story") == len(stories.split(","))
            outputs.append(ran.stdout)
        assert "alice's order is REFUNDED" in outputs[0] and "story 1: a team fills" in outputs[1]
        deal_ids = sorted(d["id"] for d in demo._deals(demo.Client(running.api)))
        # the quick run added its deal; asking for the quick deal again reuses it
        assert len(deal_ids) == 3 and demo.quick_deal(demo.Client(running.api))[0] in deal_ids
        assert sorted(d["id"] for d in demo._deals(demo.Client(running.api))) == deal_ids
        os.killpg(running.process.pid, signal.SIGINT)  # Ctrl-C: the whole foreground group
        running.process.wait(timeout=30)
        assert "stopped" in running.log()


def test_the_demo_runs_the_stories_asked_for_and_refuses_others():
    assert demo.parse_args([]).stories == (1, 2, 3, 4, 5, 6)
    assert demo.parse_args(["--stories", "4,1"]).stories == (4, 1)
    for wrong in ("7", "x", ""):
        with pytest.raises(SystemExit):
            demo.parse_args(["--stories", wrong])
