"""The typed failures the domain can report.

Each error carries a stable ``code`` (the GraphQL ``ErrorCode`` enum is this
enum, exposed as is) and optionally the input ``field`` path it concerns, so the
API maps errors by type, never by matching message text.
"""
from __future__ import annotations

from enum import Enum


class ErrorCode(Enum):
    INVALID = "INVALID"
    REQUIRED = "REQUIRED"
    NOT_FOUND = "NOT_FOUND"
    INVALID_ID = "INVALID_ID"
    INVALID_CURSOR = "INVALID_CURSOR"
    PAGE_SIZE_EXCEEDED = "PAGE_SIZE_EXCEEDED"
    QUERY_TOO_COSTLY = "QUERY_TOO_COSTLY"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    OUT_OF_STOCK = "OUT_OF_STOCK"
    CONFLICT = "CONFLICT"
    INVALID_STATE = "INVALID_STATE"
    LOGIN_FAILED = "LOGIN_FAILED"
    IDEMPOTENCY_KEY_REUSED = "IDEMPOTENCY_KEY_REUSED"
    DEAL_NOT_ACTIVE = "DEAL_NOT_ACTIVE"
    TEAM_FULL = "TEAM_FULL"
    TEAM_EXPIRED = "TEAM_EXPIRED"
    TEAM_CLOSED = "TEAM_CLOSED"
    ALREADY_IN_TEAM = "ALREADY_IN_TEAM"
    LIMIT_REACHED = "LIMIT_REACHED"
    PAYMENT_WINDOW_PASSED = "PAYMENT_WINDOW_PASSED"
    NOT_ENOUGH_POINTS = "NOT_ENOUGH_POINTS"
    POINTS_OVER_CAP = "POINTS_OVER_CAP"
    POINTS_WRONG_UNIT = "POINTS_WRONG_UNIT"
    ALREADY_CHECKED_IN = "ALREADY_CHECKED_IN"
    MALL_ITEM_GONE = "MALL_ITEM_GONE"
    CONTENT_REJECTED = "CONTENT_REJECTED"
    POST_NOT_VISIBLE = "POST_NOT_VISIBLE"
    CANNOT_FOLLOW_SELF = "CANNOT_FOLLOW_SELF"
    PRODUCT_NOT_AVAILABLE = "PRODUCT_NOT_AVAILABLE"
    CHECKOUT_TOO_LARGE = "CHECKOUT_TOO_LARGE"
    CART_FULL = "CART_FULL"
    CART_CHANGED = "CART_CHANGED"
    COUPON_UNAVAILABLE = "COUPON_UNAVAILABLE"
    COUPONS_GONE = "COUPONS_GONE"
    NEW_CUSTOMERS_ONLY = "NEW_CUSTOMERS_ONLY"
    AFTER_SALES_WINDOW_CLOSED = "AFTER_SALES_WINDOW_CLOSED"
    AFTER_SALES_IN_PROGRESS = "AFTER_SALES_IN_PROGRESS"
    NOTHING_LEFT_TO_REFUND = "NOTHING_LEFT_TO_REFUND"
    UNKNOWN_CARRIER = "UNKNOWN_CARRIER"
    INVALID_TRACKING_NUMBER = "INVALID_TRACKING_NUMBER"
    ADDRESS_REQUIRED = "ADDRESS_REQUIRED"
    LEADER_NOT_APPROVED = "LEADER_NOT_APPROVED"
    COMMUNITY_ROUND_CLOSED = "COMMUNITY_ROUND_CLOSED"
    ALREADY_A_LEADER = "ALREADY_A_LEADER"
    APPLICATION_PENDING = "APPLICATION_PENDING"
    LEADER_NOT_SERVING = "LEADER_NOT_SERVING"
    NOT_ENOUGH_COMMISSION = "NOT_ENOUGH_COMMISSION"
    ALREADY_ASSISTED = "ALREADY_ASSISTED"
    CANNOT_ASSIST_SELF = "CANNOT_ASSIST_SELF"
    ASSIST_CLOSED = "ASSIST_CLOSED"
    NOT_A_NEW_USER = "NOT_A_NEW_USER"


class DomainError(Exception):
    code: ErrorCode = ErrorCode.INVALID

    def __init__(self, message: str, field: str | tuple[str, ...] | None = None) -> None:
        super().__init__(message)
        self.message = message
        if isinstance(field, str):
            field = tuple(field.split("."))
        self.field: tuple[str, ...] | None = field


class ValidationFailed(DomainError):
    code = ErrorCode.INVALID


class Required(DomainError):
    code = ErrorCode.REQUIRED


class NotFound(DomainError):
    code = ErrorCode.NOT_FOUND


class InvalidId(DomainError):
    code = ErrorCode.INVALID_ID


class InvalidCursor(DomainError):
    code = ErrorCode.INVALID_CURSOR


class PageSizeExceeded(DomainError):
    code = ErrorCode.PAGE_SIZE_EXCEEDED


class QueryTooCostly(DomainError):
    """The operation's priced reads are over the per-request budget (core/graphql/cost.py)."""

    code = ErrorCode.QUERY_TOO_COSTLY


class Unauthenticated(DomainError):
    code = ErrorCode.UNAUTHENTICATED


class Forbidden(DomainError):
    code = ErrorCode.FORBIDDEN


class OutOfStock(DomainError):
    code = ErrorCode.OUT_OF_STOCK


class Conflict(DomainError):
    code = ErrorCode.CONFLICT


class InvalidState(DomainError):
    code = ErrorCode.INVALID_STATE


class LoginFailed(DomainError):
    code = ErrorCode.LOGIN_FAILED


class IdempotencyKeyReused(DomainError):
    code = ErrorCode.IDEMPOTENCY_KEY_REUSED


class DealNotActive(DomainError):
    code = ErrorCode.DEAL_NOT_ACTIVE


class TeamFull(DomainError):
    code = ErrorCode.TEAM_FULL


class TeamExpired(DomainError):
    code = ErrorCode.TEAM_EXPIRED


class TeamClosed(DomainError):
    code = ErrorCode.TEAM_CLOSED


class AlreadyInTeam(DomainError):
    code = ErrorCode.ALREADY_IN_TEAM


class LimitReached(DomainError):
    code = ErrorCode.LIMIT_REACHED


class PaymentWindowPassed(DomainError):
    code = ErrorCode.PAYMENT_WINDOW_PASSED
