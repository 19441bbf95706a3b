"""Shipping and completing an order: the carriers, a tracking number's shape, and the instants
each step sets (after the shared order terms). Pure."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from chalicelib.core.errors import DomainError, ErrorCode

# The carriers a merchant ships with, by code (what a tracking lookup takes): fixed, so a client
# offers a list rather than free text, and a typo is refused instead of stored.
CARRIERS: dict[str, str] = {
    "SF": "顺丰速运",
    "ZTO": "中通快递",
    "YTO": "圆通速递",
    "YD": "韵达快递",
    "STO": "申通快递",
    "JD": "京东物流",
    "EMS": "中国邮政 EMS",
    "JTSD": "极兔速递",
    "DBL": "德邦快递",
    "YZPY": "邮政快递包裹",
}

TRACKING_MIN, TRACKING_MAX = 6, 32
_TRACKING_NO = re.compile(rf"^[A-Za-z0-9-]{{{TRACKING_MIN},{TRACKING_MAX}}}$")


class UnknownCarrier(DomainError):
    code = ErrorCode.UNKNOWN_CARRIER


class InvalidTrackingNumber(DomainError):
    code = ErrorCode.INVALID_TRACKING_NUMBER


class AddressRequired(DomainError):
    code = ErrorCode.ADDRESS_REQUIRED


@dataclass(frozen=True, slots=True)
class Shipment:
    carrier: str
    tracking_no: str
    shipped_at: datetime
    complete_by: datetime


@dataclass(frozen=True, slots=True)
class Completion:
    completed_at: datetime
    returns_until: datetime
    after_sales_until: datetime


def checked_carrier(code: str) -> str:
    if code not in CARRIERS:
        raise UnknownCarrier(f"unknown carrier code; one of {', '.join(CARRIERS)}", "carrier")
    return code


def checked_tracking_no(tracking_no: str) -> str:
    """As typed: no surrounding or inner spaces are tidied away (a number with them is refused)."""
    if not isinstance(tracking_no, str) or not _TRACKING_NO.match(tracking_no):
        raise InvalidTrackingNumber(f"a tracking number is {TRACKING_MIN} to {TRACKING_MAX} of A-Z, a-z, 0-9 and -",
                                    "trackingNo")
    return tracking_no


def shipment(carrier: str, tracking_no: str, now: datetime, auto_complete_seconds: int) -> Shipment:
    """Whole seconds, as stored: the timer waits for exactly the instant the rules compare with."""
    shipped_at = now.replace(microsecond=0)
    return Shipment(checked_carrier(carrier), checked_tracking_no(tracking_no), shipped_at,
                    shipped_at + timedelta(seconds=auto_complete_seconds))


def completion(now: datetime, no_reason_return_seconds: int, quality_return_seconds: int) -> Completion:
    completed_at = now.replace(microsecond=0)
    return Completion(completed_at, completed_at + timedelta(seconds=no_reason_return_seconds),
                      completed_at + timedelta(seconds=quality_return_seconds))


def is_due(complete_by: datetime | None, now: datetime) -> bool:
    """Time decides: a shipped order completes by itself once its complete_by has come."""
    return complete_by is not None and now >= complete_by
