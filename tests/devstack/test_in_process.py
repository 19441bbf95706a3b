"""Requests from this process to its own emulator skip the socket (devstack/in_process.py);
requests anywhere else, or to an emulator that stopped, do not."""
from __future__ import annotations

import os

import pytest
from urllib3.connection import HTTPConnection

from devstack import in_process
from devstack.clients import emulator_client
from devstack.emulator import Emulator


@pytest.fixture
def connections(monkeypatch) -> list[str]:
    """Every TCP connection botocore opens, by host:port."""
    opened: list[str] = []
    connect = HTTPConnection.connect

    def counting(self):
        opened.append(f"{self.host}:{self.port}")
        return connect(self)

    monkeypatch.setattr(HTTPConnection, "connect", counting)
    return opened


def test_the_suites_requests_reach_its_emulator_without_a_socket(emulator, connections):
    ddb = emulator_client("dynamodb", emulator.endpoint_url, os.environ["AWS_REGION"])
    table = os.environ["TUANSTACK_TABLE"]
    emulator.clear_log()
    ddb.put_item(TableName=table, Item={"PK": {"S": "IN#1"}, "SK": {"S": "A"}, "n": {"N": "1"}})
    assert ddb.get_item(TableName=table, Key={"PK": {"S": "IN#1"}, "SK": {"S": "A"}})["Item"]["n"] == {"N": "1"}
    assert connections == []
    assert emulator.dynamodb_operations() == ["PutItem", "GetItem"]  # the same serialised, counted application


def test_an_emulator_not_routed_is_reached_over_the_network_and_a_stopped_one_is_forgotten(connections, monkeypatch):
    # A second emulator points moto's Step Functions callbacks (MOTO_PORT) at itself: put it back afterwards.
    monkeypatch.setenv("MOTO_PORT", os.environ["MOTO_PORT"])
    other = Emulator().start()
    try:
        client = emulator_client("dynamodb", other.endpoint_url, "us-east-1")
        assert client.list_tables()["TableNames"] == []
        assert connections == [f"127.0.0.1:{other.port}"]
        other.route_in_process()
        assert client.list_tables()["TableNames"] == []
        assert connections == [f"127.0.0.1:{other.port}"]  # no new connection once routed
    finally:
        other.stop()
    assert f"127.0.0.1:{other.port}" not in in_process._routes
