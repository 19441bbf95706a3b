"""Task of the reservation_expiry state machine: release an unpaid reservation.

A group-buy seat's reservation (owner ``order:<order id>``) is given back with its
seat: the order is cancelled, the seat released, the team gets the seat again
(groupbuy.service.expire_seat). Any other reservation is released on its own.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.catalog.published import stock as catalog
from chalicelib.core.clock import NotYet, from_iso, utc_now
from chalicelib.core.errors import NotFound
from chalicelib.core.observability import flush_metrics, logger, metrics

ORDER_OWNER_PREFIX = "order:"


def release_expired(event: dict[str, Any], now: datetime | None = None) -> dict[str, Any]:
    reservation_id = event["reservationId"]
    moment = now or utc_now()
    expires = from_iso(event["expiresAt"])
    if moment < expires:
        # A timer that fires early must not take someone's paid-for window away; Step
        # Functions retries the task (the state machine's Retry) after its interval.
        raise NotYet("reservation has not expired yet")
    try:
        owner = event.get("ownerId") or _owner_of(reservation_id)
        if owner.startswith(ORDER_OWNER_PREFIX):
            from chalicelib.groupbuy import service as groupbuy

            released = groupbuy.expire_seat(owner[len(ORDER_OWNER_PREFIX):], moment, _payment_provider())
        else:
            released = catalog.release_reservation(reservation_id, moment)
    except NotFound:
        logger.warning("expiry timer for an unknown reservation", extra={"reservation_id": reservation_id})
        return {"reservationId": reservation_id, "released": False}
    if released:
        metrics.add_metric(name="ReservationsExpired", unit="Count", value=1)
    flush_metrics()
    return {"reservationId": reservation_id, "released": released}


def _owner_of(reservation_id: str) -> str:
    """For executions started before the stream passed ``ownerId`` in their input."""
    from chalicelib.catalog.published import stock as stock_store

    return stock_store.get_reservation(reservation_id).owner_id


def _payment_provider() -> Any:
    """The configured provider (the simulated one locally): asked whether a seat was paid in time."""
    from chalicelib.adapters.payments.factory import payment_provider_for
    from chalicelib.core.settings import settings

    return payment_provider_for(settings())
