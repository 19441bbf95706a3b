"""Two costs moto pays on every request, cut without changing an answer.

- moto 5.2 serialises every response by walking the operation's output shape
  attribute by attribute (for each `AttributeValue`, ten members looked up through
  alias providers). A DynamoDB item result is already in its wire form (moto's
  `DynamoResult` converted it), so for item operations the walk only drops the
  members that are `None` and the top-level keys the shape does not define: a `BatchGetItem` of 100 posts spent 90% of its time there.
  `json_item_results()` answers those operations with `json.dumps` of the same
  result, `None`s dropped. tests/devstack/test_fast_responses.py compares both
  serialisers' JSON on every attribute type and response member the item
  operations produce; errors and every other operation keep moto's serialiser.
- Stream reads (`GetRecords`) walk the same shape over every image of every record:
  the feed and points consumers read thousands of records a run, ~20 ms a page.
  The records are wire-form already but for the creation time (a `datetime`, sent
  as epoch seconds, moto's own conversion) and blobs; the same test compares both.
- moto lists a response class's methods (`inspect.getmembers`) on every request
  to find the action's handler: a pure function of the class, remembered.

Both patch moto internals: moto is pinned (requirements-dev.txt) and the tests pin
the behaviour.
"""
from __future__ import annotations

import base64
import functools
import json
from typing import Any

from moto.core import responses as moto_responses
from moto.core.serialize import TimestampSerializer
from moto.dynamodb.responses import DynamoHandler
from moto.dynamodbstreams.responses import DynamoDBStreamsHandler

ITEM_OPERATIONS = frozenset({
    "GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "Scan",
    "BatchGetItem", "BatchWriteItem", "TransactGetItems", "TransactWriteItems",
})
CONTENT_TYPE = "application/x-amz-json-1.0"  # DynamoDB's protocol: json, jsonVersion 1.0

_shape_serialised = DynamoHandler.serialized
_stream_shape_serialised = DynamoDBStreamsHandler.serialized


def install() -> None:
    """Idempotent; lasts for the process."""
    if not hasattr(moto_responses.method_names_from_class, "cache_info"):
        moto_responses.method_names_from_class = functools.cache(moto_responses.method_names_from_class)
    DynamoHandler.serialized = _serialized  # type: ignore[method-assign]
    DynamoDBStreamsHandler.serialized = _stream_serialized  # type: ignore[method-assign]


def uninstall() -> None:
    DynamoHandler.serialized = _shape_serialised  # type: ignore[method-assign]
    DynamoDBStreamsHandler.serialized = _stream_shape_serialised  # type: ignore[method-assign]


def _serialized(self: DynamoHandler, action_result: Any) -> tuple[int, dict[str, str], str]:
    result = action_result.result
    if isinstance(result, Exception) or self._get_action() not in ITEM_OPERATIONS:
        return _shape_serialised(self, action_result)
    headers = {"Content-Type": CONTENT_TYPE}
    headers.update(self.response_headers)
    members = _output_members(self._get_action())
    body = {key: _without_none(value) for key, value in result.items() if key in members and value is not None}
    return 200, headers, json.dumps(body)


def _stream_serialized(self: DynamoDBStreamsHandler, action_result: Any) -> tuple[int, dict[str, str], str]:
    result = action_result.result
    if isinstance(result, Exception) or self._get_action() != "GetRecords":
        return _stream_shape_serialised(self, action_result)
    headers = {"Content-Type": CONTENT_TYPE}
    headers.update(self.response_headers)
    members, record_members, change_members = _record_members()
    body = {key: value for key, value in result.items() if key in members and value is not None}
    if "Records" in body:
        body["Records"] = [_record(record, record_members, change_members) for record in body["Records"]]
    return 200, headers, json.dumps(body)


def _record(record: dict[str, Any], members: frozenset[str], change_members: frozenset[str]) -> dict[str, Any]:
    wire = {key: _without_none(value) for key, value in record.items()
            if key in members and key != "dynamodb" and value is not None}
    change = record.get("dynamodb")
    if change is not None:
        wire["dynamodb"] = {
            key: _epoch_seconds(value) if key == "ApproximateCreationDateTime" else _without_none(value)
            for key, value in change.items() if key in change_members and value is not None
        }
    return wire


def _epoch_seconds(value: Any) -> Any:
    return value if isinstance(value, (int, float)) else TimestampSerializer._timestamp_unixtimestamp(value)


@functools.cache
def _record_members() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """GetRecords' response members, a Record's, and its StreamRecord's (``dynamodb``)."""
    output = moto_responses.get_service_model("dynamodbstreams").operation_model("GetRecords").output_shape
    record = output.members["Records"].member
    return frozenset(output.members), frozenset(record.members), frozenset(record.members["dynamodb"].members)


@functools.cache
def _output_members(operation: str) -> frozenset[str]:
    """The response members DynamoDB defines for `operation`: moto adds others
    (DeleteItem's legacy `ConsumedCapacityUnits`) that the shape walk drops."""
    return frozenset(moto_responses.get_service_model("dynamodb").operation_model(operation).output_shape.members)


def _without_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _without_none(member) for key, member in value.items() if member is not None}
    if isinstance(value, list):
        return [_without_none(member) for member in value]
    if isinstance(value, bytes):  # B and BS values, as the shape's blob members encode them
        return base64.b64encode(value).decode()
    return value
