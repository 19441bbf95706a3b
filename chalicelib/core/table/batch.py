"""BatchGetItem and BatchWriteItem that keep asking for what DynamoDB left
unprocessed, with capped, jittered exponential backoff, until done.

PynamoDB's own batch calls retry in a tight loop; under throttling that only
burns more capacity, so these wait between attempts.
"""
from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable, Sequence

from chalicelib.core.table.models import TableItem

PAGE = 100  # DynamoDB's limit of keys per BatchGetItem
WRITE_CHUNK = 25  # and of requests per BatchWriteItem
MAX_ATTEMPTS = 8


class UnprocessedKeysRemain(Exception):
    pass


class UnprocessedItemsRemain(Exception):
    pass


def _wait(attempt: int, sleep) -> None:
    sleep(min(1.0, 0.025 * 2**attempt) * random.uniform(0.5, 1.0))


def batch_get(keys: Iterable[tuple[str, str]], *, consistent: bool = False, sleep=time.sleep) -> list[TableItem]:
    """Items for (PK, SK) pairs, in no particular order; missing items are absent.
    ``consistent``: strongly consistent reads (twice the read units), for a writer
    that must not act on a value older than the change it is reacting to."""
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
                _wait(attempt, sleep)
            data = connection.batch_get_item(pending, consistent_read=consistent)
            table = TableItem.Meta.table_name
            items.extend(TableItem.from_raw_data(raw) for raw in data.get("Responses", {}).get(table, []))
            unprocessed = data.get("UnprocessedKeys", {}).get(table, {}).get("Keys", [])
            pending = [{"PK": key["PK"]["S"], "SK": key["SK"]["S"]} for key in unprocessed]
            attempt += 1
    return items


def batch_write(puts: Iterable[TableItem] = (), deletes: Iterable[tuple[str, str]] = (), *,
                sleep: Callable[[float], None] = time.sleep) -> int:
    """Put and delete items with BatchWriteItem, 25 a request, each chunk finished
    (its unprocessed items retried with backoff) before the next. Returns the number
    of chunks. Not atomic: a failure leaves earlier chunks written, which is why every
    caller writes idempotent puts and deletes and simply runs again."""
    requests = [{"PutRequest": {"Item": item.serialize()}} for item in puts]
    requests += [{"DeleteRequest": {"Key": {"PK": {"S": pk}, "SK": {"S": sk}}}} for pk, sk in deletes]
    chunks = 0
    for start in range(0, len(requests), WRITE_CHUNK):
        write_chunk(requests[start:start + WRITE_CHUNK], sleep=sleep)
        chunks += 1
    return chunks


def write_chunk(requests: Sequence[dict], *, sleep: Callable[[float], None] = time.sleep) -> None:
    """One BatchWriteItem of at most 25 requests, retrying UnprocessedItems with
    capped, jittered exponential backoff (throttling: asking again at once only
    burns more capacity)."""
    connection = TableItem._get_connection()
    table = TableItem.Meta.table_name
    pending = list(requests)
    attempt = 0
    while pending:
        if attempt:
            if attempt >= MAX_ATTEMPTS:
                raise UnprocessedItemsRemain(f"{len(pending)} writes still unprocessed")
            _wait(attempt, sleep)
        data = connection.batch_write_item(
            put_items=[r["PutRequest"]["Item"] for r in pending if "PutRequest" in r],
            delete_items=[r["DeleteRequest"]["Key"] for r in pending if "DeleteRequest" in r],
        ) or {}
        pending = list((data.get("UnprocessedItems") or {}).get(table, []))
        attempt += 1
