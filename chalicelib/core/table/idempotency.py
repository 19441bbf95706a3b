"""Idempotency records written in the same transaction as the effect they guard.

Because record and effect commit together, there is no "in progress" state to
expire and no window where the effect happened but the record did not (the gap
Powertools' idempotency leaves for effects it cannot enlist). Records expire by
TTL after a day.
"""
from __future__ import annotations

from datetime import datetime

from pynamodb.exceptions import DoesNotExist

from chalicelib.core.clock import iso
from chalicelib.core.errors import IdempotencyKeyReused
from chalicelib.core.idempotency import RETENTION_SECONDS, IdempotentRequest
from chalicelib.core.table import keys
from chalicelib.core.table.models import IdempotencyItem, TableItem
from chalicelib.core.table.transactions import Transaction

LABEL = "idempotency"


def claim(tx: Transaction, request: IdempotentRequest, now: datetime, result_id: str | None = None) -> None:
    tx.put(
        LABEL,
        IdempotencyItem(
            keys.idempotency_pk(request.scope, request.key),
            keys.IDEMPOTENCY_SK,
            fingerprint=request.fingerprint,
            result_id=result_id,
            created_at=iso(now),
            ttl=int(now.timestamp()) + RETENTION_SECONDS,
        ),
        TableItem.PK.does_not_exist(),
    )


class Replayed(Exception):
    """The request was made before with this key: here is the first one's result."""

    def __init__(self, result_id: str | None) -> None:
        super().__init__(f"replay of {result_id}")
        self.result_id = result_id


def refuse_as_replay(tx: Transaction, request: IdempotentRequest) -> None:
    """Declare the claim's refusal: a replay of the same request raises Replayed (with the
    first result's id), the key reused for another request IdempotencyKeyReused."""
    tx.refuse(LABEL, lambda failed: Replayed(check_replay(request)))


def check_replay(request: IdempotentRequest) -> str | None:
    """After a claim failed: a replay of the same request is fine, anything else is refused."""
    try:
        item = IdempotencyItem.get(keys.idempotency_pk(request.scope, request.key), keys.IDEMPOTENCY_SK,
                                   consistent_read=True)
    except DoesNotExist:
        raise RuntimeError("idempotency claim failed but no record exists") from None
    if item.fingerprint != request.fingerprint:
        raise IdempotencyKeyReused("this idempotency key was used for a different request", "idempotencyKey")
    return item.result_id


class NotClaimed(Exception):
    """No request was made with this key yet."""


def previous_result(request: IdempotentRequest) -> str | None:
    """Before doing the work: the id the first request with this key made (one GetItem).
    NotClaimed when the key is new; IdempotencyKeyReused when it was used for another request.
    For work whose reads would fail on a replay (the cart lines an order bought are gone)."""
    try:
        item = IdempotencyItem.get(keys.idempotency_pk(request.scope, request.key), keys.IDEMPOTENCY_SK,
                                   consistent_read=True)
    except DoesNotExist:
        raise NotClaimed() from None
    if item.fingerprint != request.fingerprint:
        raise IdempotencyKeyReused("this idempotency key was used for a different request", "idempotencyKey")
    return item.result_id
