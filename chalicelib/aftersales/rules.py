"""After-sales (售后) rules: which request an order allows when, what a line refunds, and how a
request moves. Pure: no AWS, no GraphQL.

A request is for units of an order's lines. Its money is what those units actually paid
(the line's ``paid``: price less every apportioned discount and points), never more: a line's
requests together refund at most its ``paid``, and the last units take exactly what is left,
so refunding a whole line in parts refunds exactly its ``paid``.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from chalicelib.core.errors import DomainError, ErrorCode, InvalidState, ValidationFailed
from chalicelib.core.media import clean_media_url
from chalicelib.core.text import clean_line

MAX_PHOTOS = 9
MAX_DESCRIPTION = 500
MAX_DECISION_REASON = 200
MAX_LINES = 20  # an order has at most 20 lines (checkout's MAX_LINES)


class RequestKind(Enum):
    REFUND_ONLY = "REFUND_ONLY"  # 仅退款: not shipped yet, or shipped and not received
    RETURN_AND_REFUND = "RETURN_AND_REFUND"  # 退货退款: the goods come back, then the money
    COMPENSATION = "COMPENSATION"  # an operator's full refund after a fault (赔付), with a coupon


class Reason(Enum):
    NO_REASON = "NO_REASON"  # 七天无理由 / changed my mind
    NOT_RECEIVED = "NOT_RECEIVED"
    QUALITY = "QUALITY"
    DAMAGED = "DAMAGED"
    WRONG_ITEM = "WRONG_ITEM"
    NOT_AS_DESCRIBED = "NOT_AS_DESCRIBED"
    PLATFORM_FAULT = "PLATFORM_FAULT"  # compensation only
    NOT_COLLECTED = "NOT_COLLECTED"  # an order for pickup not collected in time, its round refunding it (system only)
    ROUND_CANCELLED = "ROUND_CANCELLED"  # an order for pickup whose round was cancelled (system only)


SYSTEM_REASONS = frozenset({Reason.PLATFORM_FAULT, Reason.NOT_COLLECTED, Reason.ROUND_CANCELLED})
QUALITY_REASONS = frozenset({Reason.QUALITY, Reason.DAMAGED, Reason.WRONG_ITEM, Reason.NOT_AS_DESCRIBED})


class RequestState(Enum):
    AWAITING_DECISION = "AWAITING_DECISION"  # the merchant approves or rejects by decide_by, or it is approved
    AWAITING_RETURN = "AWAITING_RETURN"  # approved return: the customer sends it back by send_by
    RETURNING = "RETURNING"  # sent back: the merchant confirms receipt by receive_by, or it is confirmed
    REFUNDING = "REFUNDING"  # the refund runs (same refund id on every attempt)
    REFUNDED = "REFUNDED"
    REFUND_FAILED = "REFUND_FAILED"  # the provider kept refusing: operators retry
    REJECTED = "REJECTED"  # the merchant said no: the customer may escalate (or withdraw)
    DISPUTED = "DISPUTED"  # escalated: an operator decides
    CLOSED = "CLOSED"  # ended without a refund (rejection upheld, not sent back in time)
    WITHDRAWN = "WITHDRAWN"  # the customer withdrew it


# A request in one of these holds its line (one open request per line at a time).
OPEN_STATES = frozenset({RequestState.AWAITING_DECISION, RequestState.AWAITING_RETURN, RequestState.RETURNING,
                         RequestState.REFUNDING, RequestState.REFUND_FAILED, RequestState.REJECTED,
                         RequestState.DISPUTED})
# Ended without money: its units and amount go back to the line (another request may take them).
RELEASED_STATES = frozenset({RequestState.CLOSED, RequestState.WITHDRAWN})
WITHDRAWABLE = frozenset({RequestState.AWAITING_DECISION, RequestState.AWAITING_RETURN, RequestState.REJECTED})


class Actor(Enum):
    CUSTOMER = "CUSTOMER"
    MERCHANT = "MERCHANT"
    OPERATOR = "OPERATOR"
    SYSTEM = "SYSTEM"  # a deadline passed


class AfterSalesWindowClosed(DomainError):
    code = ErrorCode.AFTER_SALES_WINDOW_CLOSED


class AfterSalesInProgress(DomainError):
    code = ErrorCode.AFTER_SALES_IN_PROGRESS


class NothingLeftToRefund(DomainError):
    code = ErrorCode.NOTHING_LEFT_TO_REFUND


@dataclass(frozen=True, slots=True)
class LineOfOrder:
    """What after-sales needs of one order line (from the order of either kind)."""

    index: int
    product_id: str
    sku_id: str
    quantity: int
    paid: int  # fen this line paid after every discount and points
    points: int  # points spent on this line at checkout (1 point = 1 fen off)


@dataclass(frozen=True, slots=True)
class LineTaken:
    """What a line's requests hold or refunded so far: the line's after-sales ledger."""

    units: int = 0
    amount: int = 0
    points: int = 0
    open_request: str | None = None
    refunded: int = 0  # fen actually paid back on this line


@dataclass(frozen=True, slots=True)
class RequestLine:
    index: int
    product_id: str
    sku_id: str
    quantity: int
    amount: int  # fen refunded for these units
    points: int  # checkout points these units spent, given back with the refund


@dataclass(frozen=True, slots=True)
class Step:
    """One transition: who (actor; their id is kept for operators' audits), what, why, when."""

    action: str
    actor: Actor
    actor_id: str | None
    from_state: RequestState | None
    to_state: RequestState
    reason: str | None
    at: datetime


@dataclass(frozen=True, slots=True)
class AfterSalesRequest:
    id: str
    order_id: str
    user_id: str
    merchant_id: str | None
    kind: RequestKind
    reason: Reason
    description: str
    photos: tuple[str, ...]
    lines: tuple[RequestLine, ...]
    shipping: int  # the order's shipping fee, refunded when the whole order is refunded before it shipped
    currency: str
    state: RequestState
    created_at: datetime
    decide_by: datetime | None = None
    send_by: datetime | None = None
    receive_by: datetime | None = None
    return_carrier: str | None = None
    return_tracking_no: str | None = None
    decision_reason: str | None = None
    platform_pays: bool = False  # a dispute the platform refunded first (先行赔付)
    refund_attempt: int = 0
    refund_error: str | None = None
    refunded_at: datetime | None = None
    trade_no: str | None = None
    captured_total: int = 0
    coupon_id: str | None = None  # compensation: the coupon granted with it
    holds_order: bool = False  # asked before the order shipped: it must not ship while this is open
    order_kind: str = "REGULAR"  # the order's kind (orders' OrderKind value): where returned stock goes
    history: tuple[Step, ...] = ()

    @property
    def amount(self) -> int:
        """Fen this request refunds: its lines and, if it carries it, the shipping fee."""
        return sum(line.amount for line in self.lines) + self.shipping

    @property
    def points(self) -> int:
        return sum(line.points for line in self.lines)

    @property
    def needs_return(self) -> bool:
        return self.kind is RequestKind.RETURN_AND_REFUND


# ---------------------------------------------------------------- may this order have this request?
def check_allowed(kind: RequestKind, reason: Reason, order_state: str, now: datetime,
                  returns_until: datetime | None, after_sales_until: datetime | None) -> None:
    """Refund only: before shipping, or shipped and not received. Return and refund: once
    shipped; after completion within the no-reason window for any reason, then until the
    after-sales window closes for a quality reason only. Raises a typed error; None when allowed."""
    if kind is RequestKind.COMPENSATION or reason in SYSTEM_REASONS:
        raise ValidationFailed("compensation is an operator's act (compensateOrder)", "kind")
    if order_state in ("REFUNDING", "REFUNDED", "REFUND_FAILED"):
        raise NothingLeftToRefund("this order was refunded in full", "orderId")
    if order_state not in ("TO_SHIP", "SHIPPED", "COMPLETED"):
        raise InvalidState("only a paid order has after-sales", "orderId")
    if kind is RequestKind.REFUND_ONLY:
        if order_state == "COMPLETED":
            raise AfterSalesWindowClosed("the order was received: ask to return it for a refund", "kind")
        return
    if order_state == "TO_SHIP":
        raise InvalidState("nothing was shipped yet: ask for a refund only", "kind")
    if order_state == "SHIPPED":
        return  # the return window starts at delivery
    if returns_until is not None and now < returns_until:
        return
    if reason in QUALITY_REASONS and after_sales_until is not None and now < after_sales_until:
        return
    if after_sales_until is not None and now < after_sales_until:
        raise AfterSalesWindowClosed("the 7-day no-reason return has ended: only a quality reason is accepted now",
                                     "reason")
    raise AfterSalesWindowClosed("the after-sales window for this order has closed", "orderId")


def share(total: int, quantity: int, taken: int, taken_units: int, units: int) -> int:
    """What ``units`` more of a line take of its ``total`` (money or points) when ``taken_units``
    have taken ``taken`` already: in proportion, and the last units take exactly the rest."""
    if units == quantity - taken_units:
        return total - taken
    return min(total * units // quantity, total - taken)


def request_line(line: LineOfOrder, taken: LineTaken, units: int, field: str) -> RequestLine:
    if taken.open_request is not None:
        raise AfterSalesInProgress("this line has an after-sales request open", field)
    left = line.quantity - taken.units
    if units > left:
        raise NothingLeftToRefund(f"{left} of this line's {line.quantity} units are left to refund", field)
    return RequestLine(line.index, line.product_id, line.sku_id, units,
                       share(line.paid, line.quantity, taken.amount, taken.units, units),
                       share(line.points, line.quantity, taken.points, taken.units, units))


def whole_order(lines: Sequence[LineOfOrder], taken: Sequence[LineTaken], asked: Sequence[RequestLine]) -> bool:
    """True when these units are every unit of the order still untaken: with them nothing is left."""
    asked_units = {line.index: line.quantity for line in asked}
    return all(t.units + asked_units.get(line.index, 0) == line.quantity for line, t in zip(lines, taken, strict=True))


# ---------------------------------------------------------------- what a customer writes
def clean_description(text: str | None) -> str:
    """Optional: empty is fine."""
    return "" if text is None or not text.strip() else clean_line(text, "description", max_length=MAX_DESCRIPTION)


def clean_photos(urls: Sequence[str], media_hosts: Sequence[str] | None = None) -> tuple[str, ...]:
    if len(urls) > MAX_PHOTOS:
        raise ValidationFailed(f"at most {MAX_PHOTOS} photos", "photos")
    return tuple(clean_media_url(url, f"photos.{i}", media_hosts) for i, url in enumerate(urls))


def clean_decision_reason(text: str | None) -> str:
    """A rejection, an operator's decision or a compensation says why, for the audit trail."""
    return clean_line(text, "reason", max_length=MAX_DECISION_REASON)


def deadline(now: datetime, seconds: int) -> datetime:
    return (now + timedelta(seconds=seconds)).replace(microsecond=0)
