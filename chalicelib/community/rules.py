"""Community leaders (团长) and their pickup points: what they are and the rules they follow. Pure.

A customer applies with a pickup point; operators approve or reject the application, and may suspend an
approved leader (and reinstate them). A leader's id is the applicant's user id: one leader per user.

The pickup point is public (neighbours walk there), so its name, address detail, opening hours and location
are shown to anyone; the contact mobile is personal data: only the leader and operators see it, it is never
logged (left out of reprs) and error messages never repeat it.

Coordinates are stored as integers in micro-degrees (1e-6°, about 0.1 m): a decimal given by a client is
converted exactly, never through a float, so what is stored is what was sent.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from enum import Enum

from chalicelib.addresses.published.regions import check_region, clean_mobile
from chalicelib.core.errors import (
    DomainError,
    ErrorCode,
    InvalidState,
    NotFound,
    ValidationFailed,
)
from chalicelib.core.text import clean_line

MAX_DISPLAY_NAME = 20
MAX_POINT_NAME = 30
MAX_DETAIL = 120
MAX_REASON = 200
MICRO = 1_000_000  # micro-degrees per degree
MAX_LATITUDE = 90 * MICRO
MAX_LONGITUDE = 180 * MICRO
MICRO_DIGITS = 6  # a decimal degree with more fraction digits than this cannot be stored exactly

_HOURS = re.compile(r"([0-9]{2}):([0-9]{2})-([0-9]{2}):([0-9]{2})")
_DECIMAL_DEGREES = re.compile(r"-?[0-9]{1,3}(\.[0-9]{1,6})?")


class LeaderState(Enum):
    PENDING = "PENDING"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"
    SUSPENDED = "SUSPENDED"


class LeaderAction(Enum):
    """What an operator does to a leader, the state it must be in, and the state it leaves it in."""

    APPROVE = ("APPROVED", "PENDING", "APPROVED")
    REJECT = ("REJECTED", "PENDING", "REJECTED")
    SUSPEND = ("SUSPENDED", "APPROVED", "SUSPENDED")
    REINSTATE = ("REINSTATED", "SUSPENDED", "APPROVED")

    def __init__(self, step: str, leaving: str, to: str) -> None:
        self.step = step
        self.leaving = LeaderState(leaving)
        self.to = LeaderState(to)

    @property
    def needs_reason(self) -> bool:
        return self in (LeaderAction.REJECT, LeaderAction.SUSPEND)


class AlreadyALeader(DomainError):
    code = ErrorCode.ALREADY_A_LEADER


class ApplicationPending(DomainError):
    code = ErrorCode.APPLICATION_PENDING


class LeaderNotApproved(DomainError):
    code = ErrorCode.LEADER_NOT_APPROVED


class LeaderNotFound(NotFound):
    """No such leader (or application), or not yours to see."""


class PointInvalid(ValidationFailed):
    """A field of a pickup point breaks its rule; the message never repeats the value."""


@dataclass(frozen=True, slots=True)
class Location:
    """WGS-84 (or GCJ-02, as the mini-program's map gives it) in micro-degrees."""

    latitude: int
    longitude: int


@dataclass(frozen=True, slots=True)
class PickupPoint:
    name: str
    province_code: str
    city_code: str
    district_code: str
    detail: str
    opening_hours: str  # "HH:MM-HH:MM"
    location: Location
    contact_mobile: str = field(repr=False)  # personal: the leader and operators only


@dataclass(frozen=True, slots=True)
class Application:
    """What a customer sends to become a leader (as given: ``clean_application`` checks it)."""

    display_name: object
    point_name: object
    province_code: object
    city_code: object
    district_code: object
    detail: object
    opening_hours: object
    latitude: object
    longitude: object
    contact_mobile: object = field(repr=False)


@dataclass(frozen=True, slots=True)
class Step:
    """One entry of a leader's audit trail: who did what, when and why."""

    action: str  # APPLIED, APPROVED, REJECTED, SUSPENDED, REINSTATED
    actor_id: str
    from_state: LeaderState | None
    to_state: LeaderState
    reason: str | None
    at: datetime


@dataclass(frozen=True, slots=True)
class Leader:
    id: str  # the applicant's user id
    display_name: str
    point: PickupPoint
    state: LeaderState
    applied_at: datetime
    updated_at: datetime
    code: str | None = None  # given on approval: the share card's scene, communityLeaderByCode
    decision_reason: str | None = None  # the last rejection's or suspension's reason
    history: tuple[Step, ...] = ()

    @property
    def is_public(self) -> bool:
        """Approved leaders (and suspended ones, shown as such) are public; an application is not."""
        return self.state in (LeaderState.APPROVED, LeaderState.SUSPENDED)


# ---------------------------------------------------------------- checks
def clean_hours(value: object, field: str = "openingHours") -> str:
    """``HH:MM-HH:MM``, 00:00 to 23:59, opening before closing (a point open overnight is not a pickup point)."""
    match = _HOURS.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise PointInvalid("must be HH:MM-HH:MM, e.g. 08:00-20:00", field)
    open_h, open_m, close_h, close_m = (int(g) for g in match.groups())
    if open_h > 23 or close_h > 23 or open_m > 59 or close_m > 59:
        raise PointInvalid("hours are 00 to 23 and minutes 00 to 59", field)
    if (open_h, open_m) >= (close_h, close_m):
        raise PointInvalid("must open before it closes, on the same day", field)
    return value


def micro_degrees(value: object, field: str, limit: int) -> int:
    """An integer of micro-degrees within ±``limit``, or a decimal (text or Decimal, at most 6 fraction digits)
    converted exactly. A float is refused: it cannot say which decimal it meant."""
    if isinstance(value, bool | float):
        raise PointInvalid("give micro-degrees as an integer, or degrees as decimal text", field)
    if isinstance(value, int):
        micro = value
    elif isinstance(value, str | Decimal):
        text = str(value).strip()
        if not _DECIMAL_DEGREES.fullmatch(text):
            raise PointInvalid(f"must be decimal degrees with at most {MICRO_DIGITS} fraction digits", field)
        try:
            micro = int(Decimal(text) * MICRO)  # exact: at most 6 fraction digits
        except InvalidOperation as error:  # pragma: no cover: the pattern admits only numbers
            raise PointInvalid("must be decimal degrees", field) from error
    else:
        raise PointInvalid("must be micro-degrees (integer) or decimal degrees (text)", field)
    if not -limit <= micro <= limit:
        raise PointInvalid(f"must be between -{limit // MICRO} and {limit // MICRO} degrees", field)
    return micro


def clean_location(latitude: object, longitude: object) -> Location:
    return Location(micro_degrees(latitude, "location.latitude", MAX_LATITUDE),
                    micro_degrees(longitude, "location.longitude", MAX_LONGITUDE))


def _text(value: object, field: str, max_length: int) -> str:
    try:
        return clean_line(value, field, max_length=max_length)
    except ValidationFailed as error:
        raise PointInvalid(error.message, field) from error


def clean_reason(value: object, field: str = "reason") -> str:
    return _text(value, field, MAX_REASON)


def clean_application(application: Application) -> tuple[str, PickupPoint]:
    """The display name and the pickup point as stored, or PointInvalid naming the first field at fault."""
    check_region(application.province_code, application.city_code, application.district_code)
    display_name = _text(application.display_name, "displayName", MAX_DISPLAY_NAME)
    point = PickupPoint(
        name=_text(application.point_name, "pointName", MAX_POINT_NAME),
        province_code=str(application.province_code), city_code=str(application.city_code),
        district_code=str(application.district_code),
        detail=_text(application.detail, "detail", MAX_DETAIL),
        opening_hours=clean_hours(application.opening_hours),
        location=clean_location(application.latitude, application.longitude),
        contact_mobile=clean_mobile(application.contact_mobile, "contactMobile"),
    )
    return display_name, point


# ---------------------------------------------------------------- states
def check_may_apply(existing: Leader | None) -> None:
    """One application per user: a rejected one may be replaced; a pending one waits; a leader stays one."""
    if existing is None or existing.state is LeaderState.REJECTED:
        return
    if existing.state is LeaderState.PENDING:
        raise ApplicationPending("your application is waiting for an operator")
    raise AlreadyALeader("you are a community leader already")


def check_may_act(leader: Leader, action: LeaderAction) -> None:
    if leader.state is not action.leaving:
        raise InvalidState(f"only a {action.leaving.value} leader can be {action.step.lower()}; "
                           f"this one is {leader.state.value}", "leaderId")


def check_choosable(leader: Leader | None, field: str = "code") -> Leader:
    if leader is None:
        raise LeaderNotFound("no such community leader", field)
    if leader.state is not LeaderState.APPROVED:
        raise LeaderNotApproved("this community leader is not taking orders", field)
    return leader


def may_see_private(viewer_id: str | None, is_operator: bool, leader: Leader) -> bool:
    """The contact mobile and the audit trail: the leader and operators."""
    return is_operator or viewer_id == leader.id

