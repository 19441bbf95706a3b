"""Task of the reservation_expiry state machine: release an unpaid reservation."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from ..domain.errors import NotFound
from ..observability import flush_metrics, logger, metrics
from ..services import catalog
from ..services.clock import utc_now


def release_expired(event: dict[str, Any], now: datetime | None = None) -> dict[str, Any]:
    reservation_id = event["reservationId"]
    moment = now or utc_now()
    expires = datetime.strptime(event["expiresAt"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    if moment < expires:
        # A timer that fires early must not take someone's paid-for window away; Step
        # Functions retries the task (the state machine's Retry) after its interval.
        raise RuntimeError("reservation has not expired yet")
    try:
        released = catalog.release_reservation(reservation_id, moment)
    except NotFound:
        logger.warning("expiry timer for an unknown reservation", extra={"reservation_id": reservation_id})
        return {"reservationId": reservation_id, "released": False}
    if released:
        metrics.add_metric(name="ReservationsExpired", unit="Count", value=1)
        flush_metrics()
    return {"reservationId": reservation_id, "released": released}
