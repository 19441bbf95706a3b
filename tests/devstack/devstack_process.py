"""`python -m devstack` as a user runs it: a subprocess, its ports read from what it
prints. For tests that need the whole local stack over HTTP."""
from __future__ import annotations

import contextlib
import os
import queue
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from devstack.demo import Client
from devstack.project import PROJECT_ROOT

STARTUP_LIMIT = 120  # seconds; generous for a loaded 2-core machine, not a measurement
READY = re.compile(r"Emulated AWS\s+http://127\.0\.0\.1:(\d+)")
API = re.compile(r"GraphQL endpoint\s+POST http://127\.0\.0\.1:(\d+)/graphql")


def clean_environment(**extra: str) -> dict[str, str]:
    # The child builds its own local environment; nothing of this test session's leaks in.
    kept = {k: v for k, v in os.environ.items() if not k.startswith(("TUANSTACK_", "AWS_", "MOTO_"))}
    return {**kept, **extra}


@dataclass
class Running:
    process: subprocess.Popen
    api_port: int
    aws_port: int
    output: list[str] = field(default_factory=list)

    @property
    def api(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    def log(self) -> str:
        return "".join(self.output)


@contextlib.contextmanager
def devstack(command: Sequence[str] | None = None, env: dict[str, str] | None = None,
             args: Sequence[str] = ("--port", "0", "--aws-port", "0")) -> Iterator[Running]:
    """Start the stack (by default `python -m devstack <args>`), wait until it says
    where it listens; killed at the end if still running."""
    argv = list(command) if command else [sys.executable, "-m", "devstack", *args]
    process = subprocess.Popen(argv, cwd=PROJECT_ROOT, env=env or clean_environment(), stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, start_new_session=True)
    lines: queue.Queue[str] = queue.Queue()
    output: list[str] = []

    def pump() -> None:
        for line in process.stdout:  # type: ignore[union-attr]
            output.append(line)
            lines.put(line)

    threading.Thread(target=pump, daemon=True).start()
    ports: dict[str, int] = {}
    try:
        while "aws" not in ports:
            try:
                line = lines.get(timeout=STARTUP_LIMIT)
            except queue.Empty:
                raise AssertionError("devstack did not start:\n" + "".join(output)) from None
            if match := API.search(line):
                ports["api"] = int(match.group(1))
            if match := READY.search(line):
                ports["aws"] = int(match.group(1))
        yield Running(process, ports["api"], ports["aws"], output)
    finally:
        if process.poll() is None:
            # Its own session: `make dev` runs the stack under make and a shell.
            os.killpg(process.pid, 9)
            process.wait()


def wait_for(check, what: str, timeout: float = 60.0):
    """`check()`'s first truthy value; every half second, each a request to the stack."""
    deadline = time.monotonic() + timeout
    while not (value := check()):
        assert time.monotonic() < deadline, f"waited {timeout:.0f}s for {what}"
        time.sleep(0.5)
    return value


def open_team(client: Client, deal_id: str, sku: str) -> dict:
    opened = client.gql("OpenTeam", {"dealId": deal_id, "skuId": sku})["openTeam"]
    assert opened["errors"] == [], opened["errors"]
    return opened
