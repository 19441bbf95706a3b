"""Commission items: the account, its entries and withdrawals under ``COMMISSION#<user>``; an order's beneficiaries."""
from __future__ import annotations

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute, UnicodeSetAttribute

from chalicelib.core.table.models import TableItem


class CommissionAccountItem(TableItem, discriminator="CommissionAccount"):
    """Totals in fen. pending = the PENDING entries' amounts; available + withdrawing +
    paid_out = the SETTLED entries' amounts + their unrecovered (tests/commissions hold it)."""

    pending = NumberAttribute(default=0)
    available = NumberAttribute(default=0)
    withdrawing = NumberAttribute(default=0)
    paid_out = NumberAttribute(default=0)


class CommissionEntryItem(TableItem, discriminator="CommissionEntry"):
    beneficiary_id = UnicodeAttribute()
    order_id = UnicodeAttribute()
    kind = UnicodeAttribute()
    state = UnicodeAttribute()
    lines = JSONAttribute()  # [[line_no, paid fen, rate bp], ...] as accrued
    refunded = JSONAttribute(default=dict)  # {line_no: cumulative fen refunded}
    accrued = NumberAttribute()  # what the lines earned at accrual
    amount = NumberAttribute()  # what they earn now (accrued - reversed)
    unrecovered = NumberAttribute(default=0)  # reversed after settlement but withdrawn already: written off
    hold_until = UnicodeAttribute()
    accrued_at = UnicodeAttribute()
    settled_at = UnicodeAttribute(null=True)
    source = JSONAttribute(default=dict)  # what the accrual came from, e.g. {"roundId": ...}
    # Every write conditions on the version it read and bumps it: a reversal, the
    # settlement job, the timer and a hold racing each other apply one at a time.
    version = NumberAttribute(default=0)


class CommissionOrderItem(TableItem, discriminator="CommissionOrder"):
    beneficiaries = UnicodeSetAttribute(default=set)


class CommissionWithdrawalItem(TableItem, discriminator="CommissionWithdrawal"):
    withdrawal_id = UnicodeAttribute()
    beneficiary_id = UnicodeAttribute()
    amount = NumberAttribute()
    state = UnicodeAttribute()
    attempt = NumberAttribute(default=1)  # a retried FAILED withdrawal asks under a new transfer number
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    failure = UnicodeAttribute(null=True)  # the provider's code, never personal data
