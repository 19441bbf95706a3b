"""The emulator's DynamoDB item responses (devstack/fast_responses.py) are the JSON
moto's own shape serialiser gives, for every attribute type and response member."""
from __future__ import annotations

import json
import os
from collections import Counter

import pytest
from moto.dynamodb.responses import DynamoHandler
from moto.dynamodbstreams.responses import DynamoDBStreamsHandler

from devstack import fast_responses
from devstack.clients import emulator_client

ITEM = {
    "PK": {"S": "FAST#1"}, "SK": {"S": "A"},
    "s": {"S": "拼团 ✓"}, "n": {"N": "-12.50"}, "b": {"B": b"\x00\xffbytes"},
    "ss": {"SS": ["a", "b"]}, "ns": {"NS": ["1", "2.5"]}, "bs": {"BS": [b"\x01", b"\x02"]},
    "null": {"NULL": True}, "yes": {"BOOL": True}, "no": {"BOOL": False},
    "m": {"M": {"deeper": {"L": [{"S": "x"}, {"N": "1"}, {"M": {"deep": {"B": b"\x03"}}}, {"NULL": True}]}}},
    "empty_m": {"M": {}}, "empty_l": {"L": []}, "empty_s": {"S": ""},
}


@pytest.fixture
def both_serialisers(monkeypatch):
    """Every DynamoDB answer computed both ways; the fast one is sent."""
    pairs: list[tuple[str, tuple, tuple]] = []

    def serialised(self, action_result):
        fast = fast_responses._serialized(self, action_result)
        shape = fast_responses._shape_serialised(self, action_result)
        # Copies: moto's decorators add the request id to the headers of the answer sent.
        pairs.append((self._get_action(), (fast[0], dict(fast[1]), fast[2]), shape))
        return fast

    monkeypatch.setattr(DynamoHandler, "serialized", serialised)
    return pairs


def test_item_operations_answer_what_the_shape_serialiser_would(emulator, both_serialisers):
    ddb = emulator_client("dynamodb", emulator.endpoint_url, os.environ["AWS_REGION"])
    table = os.environ["TUANSTACK_TABLE"]
    capacity = {"ReturnConsumedCapacity": "INDEXES", "ReturnItemCollectionMetrics": "SIZE"}
    key = {"PK": ITEM["PK"], "SK": ITEM["SK"]}
    ddb.put_item(TableName=table, Item=ITEM, **capacity)
    ddb.put_item(TableName=table, Item=ITEM, ReturnValues="ALL_OLD", ReturnConsumedCapacity="TOTAL")
    for sk in "BCD":
        ddb.put_item(TableName=table, Item={**ITEM, "SK": {"S": sk}})
    ddb.get_item(TableName=table, Key=key, ReturnConsumedCapacity="TOTAL")
    ddb.get_item(TableName=table, Key={"PK": {"S": "NONE"}, "SK": {"S": "A"}})
    ddb.get_item(TableName=table, Key=key, ProjectionExpression="m.deeper[2], ss")
    ddb.update_item(TableName=table, Key=key, UpdateExpression="SET n = n + :one, m.deeper[0] = :x ADD ss :more REMOVE #null",
                    ExpressionAttributeNames={"#null": "null"},
                    ExpressionAttributeValues={":one": {"N": "1"}, ":x": {"S": "y"}, ":more": {"SS": ["c"]}},
                    ReturnValues="ALL_NEW", **capacity)
    ddb.update_item(TableName=table, Key=key, UpdateExpression="SET s = :s", ExpressionAttributeValues={":s": {"S": "z"}},
                    ReturnValues="UPDATED_OLD")
    ddb.update_item(TableName=table, Key=key, UpdateExpression="SET s = :s", ExpressionAttributeValues={":s": {"S": "w"}})
    query = {"TableName": table, "KeyConditionExpression": "PK = :pk", "ExpressionAttributeValues": {":pk": ITEM["PK"]}}
    ddb.query(**query, Limit=2, ReturnConsumedCapacity="TOTAL")
    ddb.query(**query, Select="COUNT")
    ddb.query(**query, ScanIndexForward=False, FilterExpression="attribute_exists(nothing)")
    ddb.scan(TableName=table, Limit=3)
    ddb.scan(TableName=table)
    ddb.batch_get_item(RequestItems={table: {"Keys": [key, {"PK": {"S": "NONE"}, "SK": {"S": "A"}}]}},
                       ReturnConsumedCapacity="TOTAL")
    ddb.batch_write_item(RequestItems={table: [{"PutRequest": {"Item": {**ITEM, "SK": {"S": "E"}}}},
                                               {"DeleteRequest": {"Key": {"PK": ITEM["PK"], "SK": {"S": "D"}}}}]},
                         **capacity)
    ddb.transact_get_items(TransactItems=[{"Get": {"TableName": table, "Key": key}},
                                          {"Get": {"TableName": table, "Key": {"PK": {"S": "NONE"}, "SK": {"S": "A"}}}}],
                           ReturnConsumedCapacity="TOTAL")
    ddb.transact_write_items(TransactItems=[{"Put": {"TableName": table, "Item": {**ITEM, "SK": {"S": "F"}}}},
                                            {"Delete": {"TableName": table, "Key": {"PK": ITEM["PK"], "SK": {"S": "E"}}}}],
                             **capacity)
    with pytest.raises(ddb.exceptions.TransactionCanceledException):
        ddb.transact_write_items(TransactItems=[{"ConditionCheck": {
            "TableName": table, "Key": key, "ConditionExpression": "attribute_not_exists(PK)"}}])
    with pytest.raises(ddb.exceptions.ConditionalCheckFailedException):
        ddb.put_item(TableName=table, Item=ITEM, ConditionExpression="attribute_not_exists(PK)")
    ddb.delete_item(TableName=table, Key=key, ReturnValues="ALL_OLD", **capacity)
    ddb.delete_item(TableName=table, Key=key)

    assert Counter(operation for operation, _, _ in both_serialisers) >= Counter(
        dict.fromkeys(fast_responses.ITEM_OPERATIONS, 1))
    for operation, (fast_status, fast_headers, fast_body), (status, headers, body) in both_serialisers:
        assert (fast_status, json.loads(fast_body or "null")) == (status, json.loads(body or "null")), operation
        assert {k.lower(): v for k, v in fast_headers.items()} == {k.lower(): v for k, v in headers.items()}, operation


def test_the_batch_get_answer_carries_every_item_back_unchanged(emulator):
    ddb = emulator_client("dynamodb", emulator.endpoint_url, os.environ["AWS_REGION"])
    table = os.environ["TUANSTACK_TABLE"]
    ddb.put_item(TableName=table, Item=ITEM)
    got = ddb.batch_get_item(RequestItems={table: {"Keys": [{"PK": ITEM["PK"], "SK": ITEM["SK"]}]}})
    (item,) = got["Responses"][table]
    expected = {**ITEM, "ss": {"SS": ["a", "b"]}}
    assert item == expected


@pytest.fixture
def both_stream_serialisers(monkeypatch):
    """Every stream answer computed both ways; the fast one is sent."""
    pairs: list[tuple[str, tuple, tuple]] = []

    def serialised(self, action_result):
        fast = fast_responses._stream_serialized(self, action_result)
        shape = fast_responses._stream_shape_serialised(self, action_result)
        pairs.append((self._get_action(), (fast[0], dict(fast[1]), fast[2]), shape))
        return fast

    monkeypatch.setattr(DynamoDBStreamsHandler, "serialized", serialised)
    return pairs


def test_stream_records_answer_what_the_shape_serialiser_would(emulator, both_stream_serialisers):
    region = os.environ["AWS_REGION"]
    ddb = emulator_client("dynamodb", emulator.endpoint_url, region)
    streams = emulator_client("dynamodbstreams", emulator.endpoint_url, region)
    table = os.environ["TUANSTACK_TABLE"]
    key = {"PK": ITEM["PK"], "SK": ITEM["SK"]}
    arn = streams.list_streams(TableName=table)["Streams"][0]["StreamArn"]
    (shard,) = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard["ShardId"],
                                          ShardIteratorType="LATEST")["ShardIterator"]
    empty = streams.get_records(ShardIterator=iterator)  # nothing written yet: no records
    ddb.put_item(TableName=table, Item=ITEM)  # INSERT
    ddb.update_item(TableName=table, Key=key, UpdateExpression="SET s = :s, b = :b",
                    ExpressionAttributeValues={":s": {"S": "改"}, ":b": {"B": b"\x10"}})  # MODIFY
    ddb.delete_item(TableName=table, Key=key)  # REMOVE
    page = streams.get_records(ShardIterator=empty["NextShardIterator"], Limit=2)
    rest = streams.get_records(ShardIterator=page["NextShardIterator"])
    records = page["Records"] + rest["Records"]

    assert [r["eventName"] for r in records] == ["INSERT", "MODIFY", "REMOVE"]
    assert records[0]["dynamodb"]["NewImage"] == {**ITEM, "ss": {"SS": ["a", "b"]}}
    assert records[2]["dynamodb"]["OldImage"]["b"] == {"B": b"\x10"}
    assert Counter(operation for operation, _, _ in both_stream_serialisers)["GetRecords"] >= 3
    for operation, (fast_status, fast_headers, fast_body), (status, headers, body) in both_stream_serialisers:
        assert (fast_status, json.loads(fast_body or "null")) == (status, json.loads(body or "null")), operation
        assert {k.lower(): v for k, v in fast_headers.items()} == {k.lower(): v for k, v in headers.items()}, operation
