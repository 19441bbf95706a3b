"""Fixtures for the local stack's own tests.

The emulator is the session's one (`emulator` from tests/conftest.py, which also
undoes before each test what the previous one asked of it: a test that creates
tables, functions or state machines gets the emulator reset and the suite's
resources re-created after it): moto's state is global to the process, so a second
emulator here would share the tables without sharing the DynamoDB lock. Each test
creates what it needs under its own table name.
"""
from __future__ import annotations

import itertools
import os
from collections.abc import Iterator

import boto3
import pytest

from devstack import lambdas, naming
from devstack.emulator import Emulator

_tables = itertools.count()


@pytest.fixture
def region() -> str:
    return naming.DEFAULT_REGION


@pytest.fixture
def table_name() -> str:
    return f"devstack-test-{os.getpid()}-{next(_tables)}"


@pytest.fixture
def clients(emulator: Emulator, region: str):
    session = boto3.session.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name=region
    )

    class Clients:
        dynamodb = session.client("dynamodb", endpoint_url=emulator.endpoint_url)
        stepfunctions = session.client("stepfunctions", endpoint_url=emulator.endpoint_url)
        awslambda = session.client("lambda", endpoint_url=emulator.endpoint_url)

    return Clients


class HandlerRegistry(dict):
    """`handlers["name"] = fn` makes local function tuanstack-dev-name run fn."""

    def __setitem__(self, name: str, handler) -> None:
        lambdas.register(name, handler)
        super().__setitem__(name, handler)


@pytest.fixture
def handlers(emulator: Emulator) -> Iterator[HandlerRegistry]:
    lambdas.install()
    registry = HandlerRegistry()
    yield registry
    for name in registry:
        lambdas.unregister(name)
