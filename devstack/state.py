"""Keep the local table's items across restarts of `python -m devstack`.

moto has no snapshot of all its services, so only the table's items are kept:
scanned to a JSON file on stop, written back on start. Step Functions
executions and stream positions are not; restored items are not delivered to
the stream consumer again (the previous run did that).
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from devstack.clients import emulator_client
from devstack.dynamodb_json import from_wire, to_wire

FORMAT = "tuanstack-devstack-items/1"
BATCH = 25  # BatchWriteItem's limit


def save_items(endpoint_url: str, region: str, table_name: str, path: Path) -> int:
    """Write every item of the table to `path` (atomically); returns the count."""
    dynamodb = emulator_client("dynamodb", endpoint_url, region)
    items: list[dict[str, Any]] = []
    for page in dynamodb.get_paginator("scan").paginate(TableName=table_name, ConsistentRead=True):
        items.extend(to_wire(item) for item in page["Items"])
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(path.suffix + ".partial")
    partial.write_text(json.dumps({"format": FORMAT, "table": table_name, "items": items}))
    os.replace(partial, path)
    return len(items)


def load_items(endpoint_url: str, region: str, table_name: str, path: Path) -> int:
    """Put the items saved in `path` into the table; returns the count."""
    saved = json.loads(Path(path).read_text())
    if saved.get("format") != FORMAT:
        raise ValueError(f"{path} is not a devstack state file ({saved.get('format')!r})")
    dynamodb = emulator_client("dynamodb", endpoint_url, region)
    items = [from_wire(item) for item in saved["items"]]
    for start in range(0, len(items), BATCH):
        pending = {table_name: [{"PutRequest": {"Item": item}} for item in items[start:start + BATCH]]}
        while pending:
            pending = dynamodb.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
    return len(items)
