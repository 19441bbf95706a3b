"""Commission rules, pure: what an order's lines earn a beneficiary, what a refund takes back.

Amounts are whole fen, rates basis points (1 bp = 0.01 %). Each line earns
``paid * rate_bp // 10000``: rounded down per line, so an entry never holds more
than rate × paid, and the sum over lines is never above the order's rate × paid.
A refund is cumulative per line: the entry's amount is always what the lines still
paid earn, ``(paid - refunded) * rate_bp // 10000`` summed, so two partial refunds
take exactly what one refund of their sum would.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum

from chalicelib.core.errors import Conflict, DomainError, ErrorCode, ValidationFailed
from chalicelib.core.money import require_whole

BASIS_POINTS = 10_000
MAX_LINES = 100  # an order's lines; a checkout places at most 20
MIN_WITHDRAWAL = 100  # ¥1: WeChat's transfer to a wallet (商家转账) takes no less (in fen)
MAX_WITHDRAWAL = 199_999  # below ¥2 000: from there WeChat wants the payee's real name, which we do not keep


class Kind(Enum):
    LEADER = "LEADER"  # community leader (团长) of the order's pickup point
    DISTRIBUTOR = "DISTRIBUTOR"  # the distributor (分销) whose link the order came through
    UPSTREAM = "UPSTREAM"  # that distributor's inviter: one level, never more (deeper is pyramid selling)


class EntryState(Enum):
    PENDING = "PENDING"  # the order's return window is open
    SETTLED = "SETTLED"  # available to withdraw


class WithdrawalState(Enum):
    REQUESTED = "REQUESTED"  # taken from available into withdrawing; the transfer is asked for
    PAID = "PAID"  # the transfer succeeded: paid out
    FAILED = "FAILED"  # the provider refused it: the money is available again; an operator may retry


class NotEnoughCommission(DomainError):
    code = ErrorCode.NOT_ENOUGH_COMMISSION


class CommissionBusy(Conflict):
    """Optimistic retries ran out (only under heavy contention on one entry or account)."""


@dataclass(frozen=True, slots=True)
class Line:
    line_no: int
    paid: int  # fen the buyer paid for the line
    rate_bp: int


def earned(line: Line, refunded: int = 0) -> int:
    return (line.paid - min(refunded, line.paid)) * line.rate_bp // BASIS_POINTS


def amount_of(lines: Iterable[Line], refunded: Mapping[int, int] | None = None) -> int:
    refunded = refunded or {}
    return sum(earned(line, refunded.get(line.line_no, 0)) for line in lines)


def checked_lines(lines: Iterable[tuple[int, int, int] | Line]) -> list[Line]:
    """The lines, refused with a typed error before anything is read or written."""
    checked: list[Line] = []
    for index, value in enumerate(lines):
        line_no, paid, rate = (value.line_no, value.paid, value.rate_bp) if isinstance(value, Line) else value
        field = f"lines.{index}"
        checked.append(Line(require_whole(line_no, f"{field}.lineNo", maximum=10**6),
                            require_whole(paid, f"{field}.paid"),
                            require_whole(rate, f"{field}.rateBp", maximum=BASIS_POINTS)))
    if not checked or len(checked) > MAX_LINES:
        raise ValidationFailed(f"1 to {MAX_LINES} lines", "lines")
    if len({line.line_no for line in checked}) != len(checked):
        raise ValidationFailed("each line number once", "lines")
    return checked


def checked_refunds(refunded_by_line: Mapping[int, int]) -> dict[int, int]:
    if not isinstance(refunded_by_line, Mapping) or len(refunded_by_line) > MAX_LINES:
        raise ValidationFailed(f"at most {MAX_LINES} lines", "refundedByLine")
    return {require_whole(line_no, "refundedByLine.lineNo", maximum=10**6):
            require_whole(fen, "refundedByLine.refunded") for line_no, fen in refunded_by_line.items()}


def merged_refunds(stored: Mapping[int, int], reported: Mapping[int, int], lines: Iterable[Line]) -> dict[int, int]:
    """Cumulative refunded per line: the larger of what was stored and what is reported
    (a redelivered or late older event never lowers it), capped at what the line paid."""
    paid = {line.line_no: line.paid for line in lines}
    merged = dict(stored)
    for line_no, fen in reported.items():
        if line_no in paid:
            merged[line_no] = min(max(merged.get(line_no, 0), fen), paid[line_no])
    return merged


def check_withdrawal(amount: int) -> int:
    return require_whole(amount, "amount", minimum=MIN_WITHDRAWAL, maximum=MAX_WITHDRAWAL)
