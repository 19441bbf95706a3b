"""Routing the table's change stream to the features that care, by item type.

A feature registers a handler for the item types it reacts to::

    @on_change("Team")
    def team_changed(change: Change) -> None: ...

Every handler of a type runs for each of its records (in registration order, on
which no handler may depend). Handlers must be idempotent: a record whose handler raises is reported back to
Lambda and delivered again, with every handler of its type. Records are processed
one by one with Powertools' batch processor, which reports only the failed ones.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import (
    DynamoDBRecord,
    DynamoDBRecordEventName,
)

from chalicelib.core.observability import flush_metrics


class Image(Mapping[str, Any]):
    """One side of a change (the item before or after), with typed reads."""

    def __init__(self, values: Mapping[str, Any] | None) -> None:
        self._values = dict(values or {})

    def __getitem__(self, name: str) -> Any:
        return self._values[name]

    def __iter__(self):
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def text(self, name: str) -> str | None:
        value = self._values.get(name)
        return None if value is None else str(value)

    def number(self, name: str, default: int = 0) -> int:
        """An integer attribute (stream numbers arrive as Decimal); ``default`` when absent."""
        value = self._values.get(name)
        if value is None or value == "":
            return default
        return int(Decimal(str(value)))

    def raw(self) -> dict[str, Any]:
        return dict(self._values)


@dataclass(frozen=True)
class Change:
    item_type: str
    event: DynamoDBRecordEventName
    new: Image
    old: Image

    @property
    def inserted(self) -> bool:
        return self.event is DynamoDBRecordEventName.INSERT

    @property
    def modified(self) -> bool:
        return self.event is DynamoDBRecordEventName.MODIFY

    @property
    def removed(self) -> bool:
        return self.event is DynamoDBRecordEventName.REMOVE

    def moved(self, field: str) -> bool:
        """Whether ``field`` differs between the old and the new image."""
        return self.new.get(field) != self.old.get(field)


ChangeHandler = Callable[[Change], None]

_handlers: dict[str, list[ChangeHandler]] = {}


def on_change(*item_types: str) -> Callable[[ChangeHandler], ChangeHandler]:
    """Register ``handler`` for every record of these item types (the ``type`` discriminator)."""

    def register(handler: ChangeHandler) -> ChangeHandler:
        for item_type in item_types:
            registered = _handlers.setdefault(item_type, [])
            if handler not in registered:
                registered.append(handler)
        return handler

    return register


def handlers_of(item_type: str) -> list[ChangeHandler]:
    return list(_handlers.get(item_type, ()))


def change_of(record: DynamoDBRecord) -> Change | None:
    new = Image(record.dynamodb.new_image if record.dynamodb else None)
    old = Image(record.dynamodb.old_image if record.dynamodb else None)
    item_type = new.text("type") or old.text("type")
    if item_type is None:
        return None
    return Change(item_type, record.event_name, new, old)


def handle_record(record: DynamoDBRecord) -> None:
    change = change_of(record)
    if change is None:
        return
    for handler in _handlers.get(change.item_type, ()):
        handler(change)


_processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


def handle_batch(event: dict[str, Any], context: Any) -> dict[str, Any]:
    try:
        return process_partial_response(event=event, record_handler=handle_record, processor=_processor,
                                        context=context)
    finally:
        flush_metrics()
