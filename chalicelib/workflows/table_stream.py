"""The table's change stream: what happens *because* an item changed.

Today: a new HELD reservation starts its expiry timer; a SKU that runs out of
stock is counted. Records are processed one by one with Powertools' batch
processor, which reports only the failed ones back to Lambda for redelivery.
"""
from __future__ import annotations

import os
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import (
    DynamoDBRecord,
    DynamoDBRecordEventName,
)

from ..observability import flush_metrics, logger, metrics
from .executions import start_once

_processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


def _new_image(record: DynamoDBRecord) -> dict[str, Any]:
    return (record.dynamodb.new_image if record.dynamodb else None) or {}


def _old_image(record: DynamoDBRecord) -> dict[str, Any]:
    return (record.dynamodb.old_image if record.dynamodb else None) or {}


def handle_record(record: DynamoDBRecord) -> None:
    new, old = _new_image(record), _old_image(record)
    kind = new.get("type") or old.get("type")
    if kind == "Reservation" and record.event_name is DynamoDBRecordEventName.INSERT and new.get("state") == "HELD":
        arn = os.environ["TUANSTACK_RESERVATION_EXPIRY_SFN_ARN"]
        started = start_once(arn, new["reservation_id"],
                             {"reservationId": new["reservation_id"], "expiresAt": new["expires_at"]})
        logger.debug("reservation expiry timer", extra={"started": started})
    elif kind == "Sku" and old and new and int(old.get("available", 0)) > 0 and int(new.get("available", 0)) == 0:
        metrics.add_metric(name="SkuSoldOut", unit="Count", value=1)


def handle_batch(event: dict[str, Any], context: Any) -> dict[str, Any]:
    try:
        return process_partial_response(event=event, record_handler=handle_record, processor=_processor,
                                        context=context)
    finally:
        flush_metrics()
