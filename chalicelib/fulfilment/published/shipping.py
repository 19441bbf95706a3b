"""For after-sales: a return parcel's carrier and tracking number, checked as a shipment's are."""
from __future__ import annotations

from chalicelib.fulfilment.rules import CARRIERS, checked_carrier, checked_tracking_no


def clean_shipment(carrier: str, tracking_no: str) -> tuple[str, str]:
    """(carrier code, tracking number), or UNKNOWN_CARRIER / INVALID_TRACKING_NUMBER."""
    return checked_carrier(carrier), checked_tracking_no(tracking_no)


__all__ = ["CARRIERS", "clean_shipment"]
