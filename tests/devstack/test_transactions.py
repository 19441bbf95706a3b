"""The emulator's two-phase TransactWriteItems keeps DynamoDB's all-or-nothing rule."""
from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError

TABLE = "tx-test"


@pytest.fixture
def ddb(emulator):
    client = boto3.client("dynamodb")
    client.create_table(TableName=TABLE, BillingMode="PAY_PER_REQUEST",
                        AttributeDefinitions=[{"AttributeName": "PK", "AttributeType": "S"}],
                        KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"}])
    client.put_item(TableName=TABLE, Item={"PK": {"S": "a"}, "n": {"N": "1"}})
    client.put_item(TableName=TABLE, Item={"PK": {"S": "b"}, "n": {"N": "1"}})
    return client


def _n(client, key: str):
    item = client.get_item(TableName=TABLE, Key={"PK": {"S": key}}, ConsistentRead=True).get("Item")
    return None if item is None else int(item["n"]["N"])


def _update(key: str, condition: str | None = None, expression: str = "SET n = n + :one") -> dict:
    update = {"TableName": TABLE, "Key": {"PK": {"S": key}}, "UpdateExpression": expression,
              "ExpressionAttributeValues": {":one": {"N": "1"}}}
    if condition:
        update["ConditionExpression"] = condition
    return {"Update": update}


def test_one_failed_condition_cancels_every_write_with_reasons_in_request_order(ddb):
    with pytest.raises(ClientError) as caught:
        ddb.transact_write_items(TransactItems=[
            _update("a"),
            _update("b", "n > :one"),
            {"Put": {"TableName": TABLE, "Item": {"PK": {"S": "c"}, "n": {"N": "9"}}}},
        ])
    reasons = [r["Code"] for r in caught.value.response["CancellationReasons"]]
    assert reasons == ["None", "ConditionalCheckFailed", "None"]
    assert (_n(ddb, "a"), _n(ddb, "b"), _n(ddb, "c")) == (1, 1, None)


def test_a_transaction_whose_conditions_hold_applies_every_write(ddb):
    ddb.transact_write_items(TransactItems=[
        _update("a", "n = :one"),
        {"Delete": {"TableName": TABLE, "Key": {"PK": {"S": "b"}}}},
        {"Put": {"TableName": TABLE, "Item": {"PK": {"S": "c"}, "n": {"N": "9"}},
                 "ConditionExpression": "attribute_not_exists(PK)"}},
    ])
    assert (_n(ddb, "a"), _n(ddb, "b"), _n(ddb, "c")) == (2, None, 9)


def test_a_write_that_fails_while_applying_leaves_earlier_writes_undone(ddb):
    with pytest.raises(ClientError):
        ddb.transact_write_items(TransactItems=[
            _update("a"),
            _update("b", expression="SET n = n + :missing"),  # refers to an undefined value
        ])
    assert (_n(ddb, "a"), _n(ddb, "b")) == (1, 1)


def test_two_actions_on_one_item_are_refused(ddb):
    with pytest.raises(ClientError) as caught:
        ddb.transact_write_items(TransactItems=[_update("a"), _update("a")])
    assert caught.value.response["Error"]["Code"] == "ValidationException"
    assert _n(ddb, "a") == 1
