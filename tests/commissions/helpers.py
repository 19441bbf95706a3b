"""Shared by the commission tests: ledger readings, and a thread race against the serialised emulator
(tests/concurrency/race.py)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chalicelib.commissions import ledger
from tests.concurrency.race import together as race  # noqa: F401 - the commission tests' name for it

NOW = datetime(2026, 3, 1, 4, 0, tzinfo=UTC)
LATER = NOW + timedelta(days=8)
LEADER = "01J00000000000000000LEADER"
DISTRIBUTOR = "01J000000000000000000DISTR"
UPSTREAM = "01J00000000000000000000UPS"
ORDER = "01J00000000000000000ORDER1"


def totals(beneficiary_id: str) -> tuple[int, int, int, int]:
    a = ledger.get_account(beneficiary_id)
    return int(a.pending), int(a.available), int(a.withdrawing), int(a.paid_out)


def beneficiary(name: str = "lily"):
    """A registered user (with a WeChat openid to be paid to) as a Principal."""
    from chalicelib.accounts.service import register_user
    from chalicelib.core.principal import Principal, Role
    from chalicelib.core.settings import settings

    user = register_user(settings(), f"openid-of-{name}", Role.CUSTOMER, name.title(), NOW)
    return Principal(user.id, Role.CUSTOMER)


def settled(user_id: str, fen: int, order: str = ORDER) -> None:
    """``fen`` of settled commission for ``user_id`` (one line at 100 %)."""
    from chalicelib.commissions.published import Kind, accrue, settle_order

    accrue(user_id, Kind.LEADER, order, [(1, fen, 10_000)], NOW, NOW)
    settle_order(order, NOW)
