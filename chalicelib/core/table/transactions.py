"""One DynamoDB transaction per command, with failures reported by label.

PynamoDB sends condition checks, deletes, puts and updates in that order, whatever
the call order, and DynamoDB's cancellation reasons follow the sent order. Keeping
our own labels in the same order lets a caller ask *which* condition failed
("stock" vs "reservation") instead of guessing from positions.

Whoever builds a transaction declares what each refused condition means
(``tx.refuse("stock", OutOfStock(...))``), most specific first: ``commit`` raises
the first declared refusal whose write failed, so callers (services) catch typed
errors and never match label strings. A failure nobody declared raises
``TransactionCancelled`` with the labels, for the store that built it.
"""
from __future__ import annotations

import random
import time
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.core.settings import settings
from chalicelib.core.table.models import TableItem

MAX_ITEMS = 100
CONFLICT_RETRIES = 4  # DynamoDB cancels a transaction that races another on the same item


class TransactionCancelled(Exception):
    def __init__(self, failed: set[str]) -> None:
        super().__init__(f"transaction cancelled by conditions on: {sorted(failed)}")
        self.failed = failed


# What a refused write means: an exception, or a function of the failed labels that makes
# one (it may read the table first, e.g. to tell a full team from an expired one).
Refusal = BaseException | Callable[[frozenset[str]], BaseException]


@lru_cache(maxsize=1)
def _connection() -> Connection:
    s = settings()
    return Connection(region=s.region, host=s.dynamodb_endpoint, max_retry_attempts=3,
                      read_timeout_seconds=s.dynamodb_read_timeout_seconds,
                      connect_timeout_seconds=s.dynamodb_connect_timeout_seconds, max_pool_connections=32)


class Transaction:
    def __init__(self, client_request_token: str | None = None) -> None:
        self._token = client_request_token
        self._ops: dict[str, list[tuple[str, str, tuple[Any, ...], dict[str, Any]]]] = {
            "condition_check": [], "delete": [], "save": [], "update": []
        }
        self._refusals: list[tuple[str, bool, Refusal]] = []

    def refuse(self, label: str, refusal: Refusal, *, prefix: bool = False) -> None:
        """If the write labelled ``label`` (with ``prefix``: any label starting with it) is
        refused, ``commit`` raises ``refusal``. The first declared refusal that applies wins."""
        self._refusals.append((label, prefix, refusal))

    def _refusal_for(self, failed: set[str]) -> BaseException | None:
        for label, prefix, refusal in self._refusals:
            if any(f.startswith(label) if prefix else f == label for f in failed):
                return refusal if isinstance(refusal, BaseException) else refusal(frozenset(failed))
        return None

    def condition_check(self, label: str, model_cls: type[TableItem], pk: str, sk: str, condition: Any) -> None:
        self._ops["condition_check"].append((label, "condition_check", (model_cls, pk, sk), {"condition": condition}))

    def delete(self, label: str, item: TableItem, condition: Any = None) -> None:
        self._ops["delete"].append((label, "delete", (item,), {"condition": condition}))

    def put(self, label: str, item: TableItem, condition: Any = None) -> None:
        self._ops["save"].append((label, "save", (item,), {"condition": condition}))

    def update(self, label: str, item: TableItem, actions: list[Any], condition: Any = None) -> None:
        self._ops["update"].append((label, "update", (item, actions), {"condition": condition}))

    def __len__(self) -> int:
        return sum(len(ops) for ops in self._ops.values())

    def commit(self) -> None:
        if len(self) > MAX_ITEMS:
            raise ValueError(f"a transaction holds at most {MAX_ITEMS} items, not {len(self)}")
        ordered = [op for kind in ("condition_check", "delete", "save", "update") for op in self._ops[kind]]
        for attempt in range(CONFLICT_RETRIES + 1):
            try:
                self._send(ordered)
                return
            except TransactWriteError as error:
                reasons = error.cancellation_reasons if error.cause_response_code == "TransactionCanceledException" else []
                failed = {
                    label
                    for (label, *_), reason in zip(ordered, reasons, strict=False)
                    if reason is not None and reason.code == "ConditionalCheckFailed"
                }
                if failed:
                    declared = self._refusal_for(failed)
                    raise (declared or TransactionCancelled(failed)) from error
                conflicted = any(reason is not None and reason.code == "TransactionConflict" for reason in reasons)
                # A cancelled transaction wrote nothing, so sending it again is safe. Not with a
                # client request token: DynamoDB ties the token to its first outcome, and those
                # callers (seats, stock reserves) decide on retries themselves.
                if not conflicted or self._token is not None or attempt == CONFLICT_RETRIES:
                    raise
                time.sleep(random.uniform(0, 0.01 * 2**attempt))

    def _send(self, ordered: list) -> None:
        with TransactWrite(connection=_connection(), client_request_token=self._token) as tx:
            for _label, method, args, kwargs in ordered:
                getattr(tx, method)(*args, **kwargs)
