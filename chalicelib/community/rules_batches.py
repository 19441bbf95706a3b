"""Delivery batches (配送批次): one per leader's point of a closed round, what the merchant brings there. Pure.

AWAITING_DELIVERY when the cutoff timer puts it; DELIVERED once, by the round's merchant or an operator, after
the cutoff. Delivering a batch moves its paid orders to SHIPPED (arrived at the point), to be collected within
the orders' pickup_collect term.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from chalicelib.community.rules_rounds import Round, RoundStatus
from chalicelib.core.errors import InvalidState, NotFound
from chalicelib.core.principal import Principal, Role


class BatchState(Enum):
    AWAITING_DELIVERY = "AWAITING_DELIVERY"
    DELIVERED = "DELIVERED"


@dataclass(frozen=True, slots=True)
class DeliveryBatch:
    round_id: str
    leader_id: str
    merchant_id: str
    state: BatchState
    units: int
    orders: int
    created_at: datetime
    delivered_at: datetime | None = None
    delivered_by: str | None = None


class RoundStillOpen(InvalidState):
    """The round takes orders until its cutoff: nothing is delivered before it."""


def check_merchant_side(caller: Principal, found: Round | None) -> Round:
    """The round's merchant or an operator; for anyone else the round's batches do not exist."""
    if found is None or (caller.role is not Role.OPERATOR and caller.user_id != found.merchant_id):
        raise NotFound("no such round", "roundId")
    return found


def check_deliverable(found: Round, now: datetime) -> None:
    status = found.status(now)
    if status is RoundStatus.OPEN:
        raise RoundStillOpen("the round takes orders until its cutoff: deliver after it", "roundId")
    if status is RoundStatus.CANCELLED:
        raise InvalidState("the round was cancelled: its paid orders are refunded, nothing is delivered", "roundId")
