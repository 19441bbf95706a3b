"""The commission ledger for the features that earn commissions (community leaders, distribution).

Amounts in fen, rates in basis points. ``accrue`` once per (order, beneficiary) when
the order is paid; ``reverse_refunded`` on every refund (cumulative per line);
``hold`` when the return window is extended, ``settle_at`` when it becomes known (an order
accrued with ``NOT_YET_KNOWN`` completes); ``settle_order`` from the order's timer
(the hourly ``settle-commissions`` job settles whatever a timer did not).
"""
from chalicelib.commissions.ledger import (
    NOT_YET_KNOWN,
    WAIT_LABEL,
    Accrual,
    Reversal,
    accrue,
    beneficiaries_of,
    entries_of_order,
    hold,
    reverse_in_full,
    reverse_refunded,
    settle_at,
    settle_order,
)
from chalicelib.commissions.rules import Kind, Line

__all__ = ["NOT_YET_KNOWN", "WAIT_LABEL", "Accrual", "Kind", "Line", "Reversal", "accrue", "beneficiaries_of",
           "entries_of_order", "has_commissions", "hold", "reverse_in_full", "reverse_refunded", "settle_at",
           "settle_order"]


def has_commissions(order_id: str) -> bool:
    """Whether anyone earned a commission on the order: one GetItem of its beneficiaries (not their entries, which
    a reversal reads itself)."""
    return bool(beneficiaries_of(order_id))
