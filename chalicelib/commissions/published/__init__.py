"""The commission ledger for the features that earn commissions (community leaders, distribution).

Amounts in fen, rates in basis points. ``accrue`` once per (order, beneficiary) when
the order is paid; ``reverse_refunded`` on every refund (cumulative per line);
``hold`` when the return window is extended; ``settle_order`` from the order's timer
(the hourly ``settle-commissions`` job settles whatever a timer did not).
"""
from chalicelib.commissions.ledger import Accrual, Reversal, accrue, hold, reverse_refunded, settle_order
from chalicelib.commissions.rules import Kind, Line

__all__ = ["Accrual", "Kind", "Line", "Reversal", "accrue", "hold", "reverse_refunded", "settle_order"]
