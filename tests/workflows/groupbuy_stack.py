"""What the group-buy workflow tests share: the local stack running the real chain
(table stream → stream consumer → state machines from infra/ → task handlers of
app.py, all in-process on the emulator), the payment provider the tasks use, the
local outbox, and waiting for executions by name.

Team deadlines: a deal's shortest team lifetime is 10 s. Rather than wait 10 s per
test, a team is opened with an earlier ``now`` (``closes_in`` seconds before its
deadline); the workflow itself runs on real time: the Wait state sleeps until the
stored deadline and the close task reads the clock.
"""
from __future__ import annotations

import os
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import boto3
import pytest

import app as app_module
from chalicelib.adapters.messaging import local_outbox
from chalicelib.adapters.payments import PaymentEvent, PaymentState
from chalicelib.adapters.payments.simulated import SimulatedPayments
from chalicelib.core.clock import utc_now
from chalicelib.core.principal import Principal
from chalicelib.core.settings import settings
from chalicelib.groupbuy import payments as groupbuy_payments
from chalicelib.groupbuy import service as groupbuy
from chalicelib.groupbuy import tasks as groupbuy_tasks
from devstack import lambdas
from devstack.executions import wait_for_execution
from devstack.streams import StreamPoller
from tests.groupbuy.support import RecordingPayments, deal_setup, user

LIFETIME = timedelta(seconds=10)  # the shortest a deal allows
MACHINES = {
    "lifecycle": "TUANSTACK_TEAM_LIFECYCLE_SFN_ARN",
    "settlement": "TUANSTACK_TEAM_SETTLEMENT_SFN_ARN",
    "refund": "TUANSTACK_REFUND_SFN_ARN",
    "expiry": "TUANSTACK_RESERVATION_EXPIRY_SFN_ARN",
    "payment_window": "TUANSTACK_PAYMENT_WINDOW_SFN_ARN",  # checkout's (tests/workflows/test_checkout_payments.py)
    "after_sales_deadline": "TUANSTACK_AFTER_SALES_DEADLINE_SFN_ARN",  # tests/workflows/test_after_sales.py
    "delivery": "TUANSTACK_DELIVERY_SFN_ARN",  # fulfilment's (tests/workflows/test_delivery.py)
    "community_round_cutoff": "TUANSTACK_COMMUNITY_ROUND_CUTOFF_SFN_ARN",  # tests/workflows/test_community_cutoff.py
}


def sfn() -> Any:
    return boto3.client("stepfunctions")


def execution_arn(machine: str, name: str) -> str:
    return os.environ[MACHINES[machine]].replace(":stateMachine:", ":execution:") + f":{name}"


def wait_execution(machine: str, name: str, timeout: float = 30.0) -> dict:
    """The execution once it exists and has finished (the stream starts it asynchronously)."""
    client, deadline = sfn(), time.monotonic() + timeout
    while True:
        try:
            return wait_for_execution(client, execution_arn(machine, name), max(0.1, deadline - time.monotonic()))
        except client.exceptions.ExecutionDoesNotExist:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def execution_names(machine: str) -> list[str]:
    client = sfn()
    names = []
    for page in client.get_paginator("list_executions").paginate(stateMachineArn=os.environ[MACHINES[machine]]):
        names.extend(e["name"] for e in page["executions"])
    return sorted(names)


def history(machine: str, name: str) -> list[str]:
    client, types = sfn(), []
    for page in client.get_paginator("get_execution_history").paginate(executionArn=execution_arn(machine, name)):
        types.extend(e["type"] for e in page["events"])
    return types


def transitions(machine: str, name: str) -> int:
    """State transitions as Step Functions bills them: every state entered, plus
    every retry of a task (a Lambda scheduled again within the same state)."""
    types = Counter(history(machine, name))
    entered = sum(n for t, n in types.items() if t.endswith("StateEntered"))
    retries = types["LambdaFunctionScheduled"] - types["TaskStateEntered"]
    return entered + retries


class Payments:
    """The provider the tasks use, with one test-facing API for both stand-ins."""

    def __init__(self, provider: Any) -> None:
        self.provider = provider

    def capture(self, order) -> str:
        """The buyer pays; the provider's notification is applied (as /payments/notify does)."""
        if isinstance(self.provider, SimulatedPayments):
            headers, body = self.provider.simulate_capture(order.id)
            event = self.provider.parse_notification(headers, body)
        else:
            event = PaymentEvent(order.id, f"wx-{order.id}", PaymentState.SUCCESS, order.amount.amount,
                                 order.amount.currency, None)
        return groupbuy_payments.apply_payment_event(event, utc_now())

    def fail_next_refunds(self, n: int) -> None:
        if isinstance(self.provider, SimulatedPayments):
            self.provider.fail_next_refunds(n)
        else:
            self.provider.fail_refunds = n

    def fail_refunds_forever(self, failing: bool = True) -> None:
        if isinstance(self.provider, SimulatedPayments):
            self.provider.fail_refunds_forever(failing)
        else:
            self.provider.fail_refunds = 10**9 if failing else 0

    def refunds_for(self, order_id: str) -> list:
        if isinstance(self.provider, SimulatedPayments):
            return self.provider.refunds_for(order_id)
        return [r for r in self.provider.refunds.values() if r.order_id == order_id]


@dataclass
class Stack:
    poller: StreamPoller
    payments: Payments
    outbox: Any
    deal: Any = None
    sku: str = ""
    users: dict[str, Principal] = field(default_factory=dict)

    def setup_deal(self, **terms: Any) -> None:
        terms.setdefault("lifetime", LIFETIME)
        terms.setdefault("window", LIFETIME)
        self.deal, self.sku, _ = deal_setup(**terms)

    def member(self, name: str) -> Principal:
        if name not in self.users:
            self.users[name] = user(name)
        return self.users[name]

    def open_team(self, leader: str, closes_in: float | None = None):
        """The leader's SeatTaken; with ``closes_in`` the team's deadline is that
        many seconds away (it was opened earlier), else a full lifetime away."""
        now = utc_now()
        lifetime = self.deal.team_lifetime_seconds
        if closes_in is not None:
            now -= timedelta(seconds=lifetime - closes_in)
        return groupbuy.open_team(self.member(leader), self.deal.id, self.sku, None, self.payments.provider, now)

    def join(self, team_id: str, name: str):
        return groupbuy.join_team(self.member(name), team_id, self.sku, None, self.payments.provider, utc_now())

    def team(self, names: list[str], paid: int, closes_in: float | None = None):
        """A team of the first name (leader) and the others; the first ``paid`` pay.
        Returns (team id, orders in join order)."""
        leader = self.open_team(names[0], closes_in)
        orders = [leader.order] + [self.join(leader.team.id, name).order for name in names[1:]]
        for order in orders[:paid]:
            assert self.payments.capture(order) == "applied"
        return leader.team.id, orders

    def events(self, subject_ids: set[str] | None = None, name: str | None = None) -> list:
        return [e for e in self.outbox.events()
                if (subject_ids is None or e.subject_id in subject_ids) and (name is None or e.name == name)]

    def notifications(self, template: str | None = None) -> list:
        return [n for n in self.outbox.notifications() if template is None or n.template == template]


def _provider(monkeypatch: pytest.MonkeyPatch) -> Any:
    """The simulated provider the local stage configures; a recording stand-in if
    the factory does not give one."""
    try:
        from chalicelib.adapters.payments.factory import payment_provider_for

        provider = payment_provider_for(settings())
    except (ImportError, RuntimeError):
        provider = None
    if isinstance(provider, SimulatedPayments):
        provider.reset()
        return provider
    recording = RecordingPayments()
    monkeypatch.setattr(groupbuy_tasks, "payment_provider", lambda: recording)
    return recording


def _stop_running_executions() -> None:
    """Timers left sleeping (a team whose deadline the test did not wait for) must
    not wake up in a later test."""
    client = sfn()
    for variable in MACHINES.values():
        try:
            running = client.list_executions(stateMachineArn=os.environ[variable], statusFilter="RUNNING")
            for execution in running["executions"]:
                client.stop_execution(executionArn=execution["executionArn"])
        except Exception:  # noqa: BLE001 - best effort; the emulator is reset next anyway
            pass


@pytest.fixture
def stack(emulator, monkeypatch):
    lambdas.install()
    lambdas.register_app(app_module.app)
    (poller,) = StreamPoller.for_app(app_module.app, emulator.endpoint_url, os.environ["TUANSTACK_TABLE"])
    outbox = local_outbox()
    outbox.clear()
    poller.start()
    yield Stack(poller=poller, payments=Payments(_provider(monkeypatch)), outbox=outbox)
    poller.stop()
    _stop_running_executions()
    lambdas.uninstall()
