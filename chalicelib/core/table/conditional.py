"""One conditional write on one item, answered as applied or refused.

DynamoDB refuses a write whose condition does not hold with
``ConditionalCheckFailedException``; PynamoDB raises it as ``PutError``,
``UpdateError`` or ``DeleteError`` with that ``cause_response_code``. A refused
condition is an expected answer (someone else moved first, the item is not in the
state the caller expected), so it is returned as ``False``; any other failure
(throttling, validation, the network) is raised as it came.

One request each, as the hand-written ``try/except`` blocks were: nothing is read
first and nothing retried here. On success PynamoDB has refreshed ``item`` from
the response (``update``: every attribute as the write left it).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from pynamodb.exceptions import DeleteError, PutError, UpdateError
from pynamodb.models import Model

CONDITION_FAILED = "ConditionalCheckFailedException"


def applied(write: Callable[[], Any]) -> bool:
    """Run one conditional write: True if it was applied, False if its condition refused it."""
    try:
        write()
    except (PutError, UpdateError, DeleteError) as error:
        if error.cause_response_code == CONDITION_FAILED:
            return False
        raise
    return True


def put_if(item: Model, condition: Any) -> bool:
    return applied(lambda: item.save(condition=condition))


def update_if(item: Model, actions: Sequence[Any], condition: Any) -> bool:
    return applied(lambda: item.update(actions=list(actions), condition=condition))


def delete_if(item: Model, condition: Any) -> bool:
    return applied(lambda: item.delete(condition=condition))
