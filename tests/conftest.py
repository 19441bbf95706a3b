"""One serialised emulator per test session (per xdist worker); a fresh table for each test.

The environment is set before anything from chalicelib is imported: models read
the table name and endpoint when their module loads, as they do in Lambda.
"""
from __future__ import annotations

import gc
import json
import os
import secrets
from unittest.mock import ANY

import pytest

from devstack.asl import Timing
from devstack.emulator import Emulator
from devstack.environment import apply_environment, local_environment
from devstack.resources import create_resources

pytest_plugins = ["tests.xdist_groups"]

# The suite allocates heavily (moto copies items for every request) and keeps little:
# collecting the long-lived import-time objects on every young-generation sweep was
# measurable CPU. Freeze what exists after imports and sweep less often.
gc.collect()
gc.freeze()
gc.set_threshold(50_000, 20, 20)

EMULATOR = Emulator().start().route_in_process()
apply_environment(
    {
        **local_environment(EMULATOR.endpoint_url, table_name="tuanstack-test", secret_key=secrets.token_urlsafe(48)),
        "POWERTOOLS_METRICS_DISABLED": "true",
        "POWERTOOLS_LOG_LEVEL": "WARNING",
    }
)


@pytest.hookimpl(wrapper=True)
def pytest_collection(session):
    """Ids made while collecting are the same in every process.

    Some parametrize lists hold fresh ids (`new_id()`), and so test ids; pytest-xdist
    needs every worker to collect the same test ids. While collecting, the ULID
    generator runs on a fixed clock and seeded randomness; afterwards it is the
    real one again (its clock then is later, so ids stay monotonic).
    """
    import random

    import ulid

    generator = ulid.default_generator
    clock, randomness = generator.clock, generator.randomness_source
    seeded = random.Random(20260101)
    collection_ms = iter(range(1_767_225_600_000, 1_767_225_600_000 + 10**9))  # from 2026-01-01T00:00Z
    generator.clock = lambda: next(collection_ms)
    generator.randomness_source = lambda _timestamp: seeded.randbytes(10)
    try:
        return (yield)
    finally:
        generator.clock, generator.randomness_source = clock, randomness


# Tests that take tens of seconds each (races, state machines, workflows that
# wait for real deadlines, the dev server stories) start first, so that under
# pytest-xdist no worker is left running one of them while the others are idle.
# In this order: the dev-stack stories first (mostly waiting on a subprocess and real timers, so their waits
# overlap the others' work), then the deploy package's group (one long build), then the CPU-bound races and
# state machines.
LONG_RUNNING_FIRST = (
    "tests/devstack/test_readme.py",
    "tests/devstack/test_main.py",
    "tests/devstack/test_ports.py",
    "tests/devstack/test_durability.py",
    "tests/infra/",
    "tests/concurrency/",
    "tests/feeds/test_social_concurrency.py",
    "tests/property/",
    "tests/points/test_ledger_state_machine.py",
    "tests/points/test_concurrency.py",
    "tests/workflows/",
)


def pytest_collection_modifyitems(config, items) -> None:
    def rank(item) -> int:
        return next((n for n, prefix in enumerate(LONG_RUNNING_FIRST) if item.nodeid.startswith(prefix)),
                    len(LONG_RUNNING_FIRST))

    items.sort(key=rank)  # stable: the order within each part stays


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config) -> None:
    """pytest's unraisable-exception plugin sweeps all garbage in its own pytest_unconfigure
    (just before this one) and again in its cleanup. The second sweep traversed the whole
    heap the run left (the emulator's state: about a second per process) to find only what
    was made since; what survived the first sweep is live, so freeze it."""
    gc.freeze()


@pytest.fixture(scope="session")
def emulator() -> Emulator:
    return EMULATOR


# What a test may have asked the emulator without leaving anything behind but
# items in the suite's table (and their stream records): undoing that only needs
# the table re-created. Anything else (a state machine started, a function or
# table created, the emulator reconfigured) re-creates every resource.
ITEM_OPERATIONS = {
    f"DynamoDB_20120810.{operation}"
    for operation in (
        "GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "Scan", "BatchGetItem",
        "BatchWriteItem", "TransactGetItems", "TransactWriteItems", "ExecuteStatement",
        "BatchExecuteStatement", "ExecuteTransaction", "DescribeTable", "ListTables",
        "DescribeTimeToLive", "DescribeEndpoints",
    )
}
STREAM_READS = {
    f"DynamoDBStreams_20120810.{operation}"
    for operation in ("ListStreams", "DescribeStream", "GetShardIterator", "GetRecords")
}
_resources_created = False
# Retries and fixed Wait states wait one second locally (moto's minimum), not the
# deployed intervals; tests/infra/test_local_timing.py proves nothing else differs.
# Deadlines (TimestampPath) stay real: the product decides time rules by instants.
TEST_TIMING = Timing()


def _table_properties() -> dict:
    from devstack import naming
    from devstack.template import load_template

    return load_template()["Resources"][naming.TABLE_LOGICAL_ID]["Properties"]


def fresh_table(emulator: Emulator = EMULATOR) -> None:
    """Forget everything and create an empty table. moto copies the whole table
    for every transaction, so long tests that write a lot call this between rounds.

    Only what was asked since the last call is undone: nothing after a test that
    never reached the emulator; the table alone (a new one, with a new stream)
    after a test that only read and wrote items; otherwise the emulator is reset
    and every resource of infra/template.json created again.
    """
    global _resources_created
    from chalicelib.feeds.moderation import forget_cached_words
    from chalicelib.points.rules_store import forget_cached_rules

    forget_cached_rules()  # the stored rules and words go with the table
    forget_cached_words()
    seen = emulator.seen()
    if not _resources_created or not seen <= ITEM_OPERATIONS | STREAM_READS:
        emulator.reset()
        create_resources(
            emulator.endpoint_url, os.environ["AWS_REGION"], table_name=os.environ["TUANSTACK_TABLE"], timing=TEST_TIMING
        )
        _resources_created = True
    elif seen:
        _recreate_table(emulator)
    emulator.forget_seen()
    emulator.clear_log()


def _recreate_table(emulator: Emulator) -> None:
    from devstack.clients import emulator_client
    from devstack.resources import _ensure_table

    dynamodb = emulator_client("dynamodb", emulator.endpoint_url, os.environ["AWS_REGION"])
    dynamodb.delete_table(TableName=os.environ["TUANSTACK_TABLE"])
    _ensure_table(dynamodb, os.environ["TUANSTACK_TABLE"], _table_properties())


@pytest.fixture(autouse=True)
def table(emulator: Emulator):
    fresh_table(emulator)
    yield


@pytest.fixture
def client():
    from chalice.test import Client

    import app as app_module

    # A stage with no entry in .chalice/config.json: the test environment stays as conftest set it.
    with Client(app_module.app, stage_name="local") as c:
        yield c


class GraphQLClient:
    def __init__(self, chalice_client) -> None:
        self._client = chalice_client
        self.token: str | None = None

    def raw(self, query: str, variables: dict | None = None, token: str | None = None, headers: dict | None = None):
        all_headers = {"Content-Type": "application/json", **(headers or {})}
        bearer = token or self.token
        if bearer:
            all_headers["Authorization"] = f"Bearer {bearer}"
        body = json.dumps({"query": query, "variables": variables or {}})
        return self._client.http.post("/graphql", headers=all_headers, body=body)

    def __call__(self, query: str, variables: dict | None = None, token: str | None = None) -> dict:
        response = self.raw(query, variables, token)
        assert response.status_code == 200, response.body
        return json.loads(response.body)

    def login(self, code: str) -> str:
        data = self(LOGIN, {"code": code})["data"]["loginWithWechat"]
        assert data["errors"] == [], data["errors"]
        return data["token"]


def priced_answer(data: dict) -> dict:
    """A whole answer without errors: ``data`` and its cost (tests/api/test_query_cost.py checks the figures)."""
    return {"data": data, "extensions": {"cost": {"requestedQueryCost": ANY, "maximumAvailable": ANY}}}


LOGIN = """mutation($code: String!) { loginWithWechat(input: {code: $code}) {
  token expiresAt user { id role displayName } errors { code field message } } }"""


@pytest.fixture
def gql(client) -> GraphQLClient:
    return GraphQLClient(client)


def demo_token(gql: GraphQLClient, name: str, role: str) -> str:
    """Register ``name`` with ``role`` (as the seed does) and log in with its demo code."""
    from chalicelib.accounts.service import register_user
    from chalicelib.adapters.wechat_login import LocalDemoLogin
    from chalicelib.core.clock import utc_now
    from chalicelib.core.principal import Role
    from chalicelib.core.settings import settings

    openid = LocalDemoLogin().exchange(f"demo:{name}").openid
    register_user(settings(), openid, Role(role), name.title(), utc_now())
    return gql.login(f"demo:{name}")


@pytest.fixture
def operator(gql) -> str:
    return demo_token(gql, "olga", "OPERATOR")


@pytest.fixture
def merchant(gql) -> str:
    return demo_token(gql, "mei", "MERCHANT")


@pytest.fixture
def customer(gql) -> str:
    return demo_token(gql, "alice", "CUSTOMER")
