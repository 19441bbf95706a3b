"""An unpaid reservation is released exactly once by the real chain: the table's
stream → the stream consumer → the reservation_expiry state machine (infra ASL)
→ the release task handler, all on the emulator as deployed."""
from __future__ import annotations

import os
from datetime import timedelta

import boto3
import pytest

import app as app_module
from chalicelib.catalog import service as catalog
from chalicelib.catalog import stock as stock_store
from chalicelib.catalog import store as catalog_store
from chalicelib.catalog.stock import ReservationState, StockKey
from chalicelib.core.clock import utc_now
from chalicelib.core.principal import Principal, Role
from devstack import lambdas
from devstack.executions import wait_for_execution
from devstack.streams import StreamPoller

MERCHANT = Principal("01J0000000000000000000MRCH", Role.MERCHANT)
OPERATOR = Principal("01J0000000000000000000OPER", Role.OPERATOR)


@pytest.fixture
def stack(emulator):
    lambdas.install()
    lambdas.register_app(app_module.app)
    (poller,) = StreamPoller.for_app(app_module.app, emulator.endpoint_url, os.environ["TUANSTACK_TABLE"])
    yield poller
    lambdas.uninstall()


def _sku(stock: int = 5) -> StockKey:
    category = catalog.create_category(OPERATOR, "Fruit", None)
    record = catalog.create_product(MERCHANT, catalog.NewProduct(
        category_id=category.id, name="Mango", skus=(catalog.SkuInput(code="M", price=990, stock=stock),)), utc_now())
    return StockKey.of_sku(record.product.id, record.skus[0].id)


def _counters(key: StockKey):
    return catalog_store.product_record(key.pk.split("#", 1)[1], consistent=True).skus[0].stock


def _execution(reservation_id: str) -> dict:
    client = boto3.client("stepfunctions")
    arn = os.environ["TUANSTACK_RESERVATION_EXPIRY_SFN_ARN"].replace(":stateMachine:", ":execution:") + f":{reservation_id}"
    return wait_for_execution(client, arn, timeout=30)


def test_an_unpaid_reservation_is_released_when_its_hold_expires(stack):
    key = _sku(5)
    reservation = catalog.reserve_stock("buyer", key, 2, timedelta(seconds=1), utc_now())
    assert _counters(key).available == 3
    stack.drain(timeout=10)
    execution = _execution(reservation.id)
    assert execution["status"] == "SUCCEEDED", execution
    assert '"released": true' in execution["output"]
    assert stock_store.get_reservation(reservation.id).state is ReservationState.RELEASED
    assert (_counters(key).available, _counters(key).reserved) == (5, 0)


def test_a_redelivered_stream_record_starts_no_second_timer_and_releases_nothing_twice(stack, emulator):
    key = _sku(5)
    reservation = catalog.reserve_stock("buyer", key, 2, timedelta(seconds=1), utc_now())
    stack.drain(timeout=10)
    _execution(reservation.id)
    # Lambda may deliver a batch again: replay the reservation's INSERT to the consumer.
    from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

    from chalicelib.stream import handle_record

    image = {"type": {"S": "Reservation"}, "reservation_id": {"S": reservation.id}, "state": {"S": "HELD"},
             "expires_at": {"S": reservation.expires_at}}
    handle_record(DynamoDBRecord({"eventName": "INSERT", "dynamodb": {"NewImage": image}}))
    executions = boto3.client("stepfunctions").list_executions(
        stateMachineArn=os.environ["TUANSTACK_RESERVATION_EXPIRY_SFN_ARN"])["executions"]
    assert [e["name"] for e in executions] == [reservation.id]
    assert (_counters(key).available, _counters(key).reserved) == (5, 0)


def test_a_reservation_committed_before_expiry_is_left_alone(stack):
    key = _sku(5)
    reservation = catalog.reserve_stock("buyer", key, 2, timedelta(seconds=1), utc_now())
    assert catalog.commit_reservation(reservation.id, utc_now()) is True
    stack.drain(timeout=10)
    execution = _execution(reservation.id)
    assert execution["status"] == "SUCCEEDED" and '"released": false' in execution["output"]
    counters = _counters(key)
    assert (counters.available, counters.reserved, counters.sold) == (3, 0, 2)
