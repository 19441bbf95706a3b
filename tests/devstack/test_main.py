"""`python -m devstack` serves the app, answers GraphQL, runs the README's group-buy
stories and the refund failure story, and leaves nothing behind on SIGINT (no child
process, both ports free, items saved)."""
from __future__ import annotations

import json
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path

import pytest

from devstack.project import PROJECT_ROOT
from tests.devstack.devstack_process import open_team, wait_for

STARTUP_LIMIT = 120  # seconds; generous for a loaded 2-core machine, not a measurement
READY = re.compile(r"Emulated AWS\s+http://127\.0\.0\.1:(\d+)")
API = re.compile(r"GraphQL endpoint\s+POST http://127\.0\.0\.1:(\d+)/graphql")


def _clean_environment() -> dict[str, str]:
    # The child builds its own local environment; nothing of this test session's leaks in.
    return {k: v for k, v in os.environ.items() if not k.startswith(("TUANSTACK_", "AWS_", "MOTO_"))}


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


@pytest.fixture
def running_devstack(tmp_path):
    state = tmp_path / "items.json"
    process = subprocess.Popen(
        [sys.executable, "-m", "devstack", "--port", "0", "--aws-port", "0", "--state-file", str(state)],
        cwd=PROJECT_ROOT,
        env=_clean_environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    output: list[str] = []

    def pump() -> None:
        for line in process.stdout:  # type: ignore[union-attr]
            output.append(line)
            lines.put(line)

    threading.Thread(target=pump, daemon=True).start()
    ports = {}
    try:
        while "aws" not in ports:
            try:
                line = lines.get(timeout=STARTUP_LIMIT)
            except queue.Empty:
                pytest.fail("devstack did not start:\n" + "".join(output))
            if match := API.search(line):
                ports["api"] = int(match.group(1))
            if match := READY.search(line):
                ports["aws"] = int(match.group(1))
        yield process, ports, state, output
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_serves_graphql_runs_the_readme_and_refund_failure_stories_and_stops_cleanly_on_sigint(
        running_devstack) -> None:
    """One stack for what used to take three (starting one is the slow part): it answers
    GraphQL; story 1, two demo users fill a team; story 2, a short-lived team expires
    and its paid member is refunded, through the HTTP API, the real ASL and the
    stream; the refund failure story, with the simulated provider's local fault route:
    a refund that keeps failing waits for an operator, whose retry refunds; then, with
    those workflows behind it, SIGINT leaves nothing behind."""
    from devstack.demo import Client, _order_state, quick_deal, story_expiry, story_success

    process, ports, state, output = running_devstack
    api = f"http://127.0.0.1:{ports['api']}"
    with urllib.request.urlopen(f"{api}/health", timeout=10) as response:
        assert json.loads(response.read()) == {"status": "ok"}
    request = urllib.request.Request(
        f"{api}/graphql",
        data=json.dumps({"query": "{ __typename }"}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200
        assert json.loads(response.read())["data"] == {"__typename": "Query"}
    if Path("/proc").exists():
        assert _children(process.pid) == [], "devstack must run everything in one process"

    success = story_success(api, say=lambda _: None)
    assert success["team"]["state"] == "SUCCEEDED" and success["team"]["paidCount"] == 2
    expired = story_expiry(api, quick=True, say=lambda _: None)
    assert expired["team"]["state"] == "FAILED"

    anonymous = Client(api)
    alice, operator = anonymous.login("demo:alice"), anonymous.login("demo:operator")
    faults = anonymous.post("/payments/simulated/refund-faults", {"fault": "FAIL_FOREVER"})
    assert faults == {"code": "SUCCESS", "message": "FAIL_FOREVER"}
    deal_id, sku = quick_deal(anonymous)
    opened = open_team(alice, deal_id, sku)
    assert anonymous.pay(opened["order"]["id"]) == "applied"
    wait_for(lambda: _order_state(alice, opened["order"]["id"]) == "REFUND_FAILED", "the refund to fail", 90)
    listed = operator.gql("RefundFailedOrders")["refundFailedOrders"]["edges"]
    assert opened["order"]["id"] in [edge["node"]["id"] for edge in listed]
    assert anonymous.post("/payments/simulated/refund-faults", {"fault": "NONE"})["code"] == "SUCCESS"
    retried = operator.gql("RetryRefund", {"orderId": opened["order"]["id"]})["retryRefund"]
    assert retried["errors"] == [] and retried["order"]["state"] == "REFUNDING"
    wait_for(lambda: _order_state(alice, opened["order"]["id"]) == "REFUNDED", "the retried refund", 30)

    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=30) == 0, "".join(output)
    assert _port_is_free(ports["api"]) and _port_is_free(ports["aws"])
    assert json.loads(state.read_text())["format"] == "tuanstack-devstack-items/1"
