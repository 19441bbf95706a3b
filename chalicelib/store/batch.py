"""BatchGetItem that keeps asking for UnprocessedKeys, with backoff, until done.

PynamoDB's own batch_get retries unprocessed keys in a tight loop; under
throttling that only burns more capacity, so this waits between attempts.
"""
from __future__ import annotations

import random
import time
from collections.abc import Iterable, Sequence

from .models import TableItem

PAGE = 100  # DynamoDB's limit of keys per BatchGetItem
MAX_ATTEMPTS = 8


class UnprocessedKeysRemain(Exception):
    pass


def batch_get(keys: Iterable[tuple[str, str]], *, sleep=time.sleep) -> list[TableItem]:
    """Items for (PK, SK) pairs, in no particular order; missing items are absent."""
    unique = list(dict.fromkeys(keys))
    connection = TableItem._get_connection()
    items: list[TableItem] = []
    for start in range(0, len(unique), PAGE):
        pending: Sequence[dict] = [
            {"PK": pk, "SK": sk} for pk, sk in unique[start : start + PAGE]
        ]
        attempt = 0
        while pending:
            if attempt:
                if attempt >= MAX_ATTEMPTS:
                    raise UnprocessedKeysRemain(f"{len(pending)} keys still unprocessed")
                sleep(min(1.0, 0.025 * 2**attempt) * random.uniform(0.5, 1.0))
            data = connection.batch_get_item(pending)
            table = TableItem.Meta.table_name
            items.extend(TableItem.from_raw_data(raw) for raw in data.get("Responses", {}).get(table, []))
            unprocessed = data.get("UnprocessedKeys", {}).get(table, {}).get("Keys", [])
            pending = [{"PK": key["PK"]["S"], "SK": key["SK"]["S"]} for key in unprocessed]
            attempt += 1
    return items
