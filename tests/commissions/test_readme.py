"""What the README's "Commissions (佣金): the ledger" section says is true: its numbers are read from README.md
(not copied here), then checked against the rules and the emulator's log."""
from __future__ import annotations

import re
from pathlib import Path

from chalicelib.adapters.payments.simulated import SimulatedPayments
from chalicelib.commissions import reads, rules
from chalicelib.commissions.published import Kind, accrue
from chalicelib.commissions.withdrawals import request_withdrawal
from devstack.jobs import JOBS
from tests.commissions.helpers import LEADER, NOW, ORDER, beneficiary, settled

README = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
SECTION = README.split("## Commissions (佣金): the ledger", 1)[1].split("\n## ", 1)[0]


def said(pattern: str) -> tuple[str, ...]:
    match = re.search(pattern.replace(" ", r"\s+"), SECTION, re.S)
    assert match, f"the README no longer says {pattern!r}: update this test with it"
    return match.groups()


def test_the_withdrawal_limits_are_the_rules():
    low, yuan, high, ceiling = said(r"from (\d+), ¥(\d+), to (\d+), below ¥([\d ]+) where")
    assert (int(low), int(yuan) * 100, int(high), int(ceiling.replace(" ", "")) * 100 - 1) == (
        rules.MIN_WITHDRAWAL, rules.MIN_WITHDRAWAL, rules.MAX_WITHDRAWAL, rules.MAX_WITHDRAWAL)
    (job,) = said(r"`make job JOB=([a-z-]+)")
    assert job in JOBS
    # "10 concurrent ¥1 withdrawals from ¥5 pay 5": tests/commissions/test_withdrawals.py races exactly that
    assert said(r"(\d+) concurrent ¥1 withdrawals from ¥(\d+) pay (\d+)") == ("10", "5", "5")


def test_the_request_counts_the_readme_states(emulator):
    (accruing,) = map(int, said(r"Accruing is (\d+) DynamoDB request"))
    totals, page, withdrawal = map(int, said(r"the totals (\d+) GetItem, a page of entries or withdrawals (\d+) "
                                             r"Query each; a withdrawal (\d+) \(plus"))
    emulator.clear_log()
    accrue(LEADER, Kind.LEADER, ORDER, [(1, 100, 100)], NOW, NOW)
    assert len(emulator.dynamodb_operations()) == accruing
    emulator.clear_log()
    reads.account(LEADER)
    assert emulator.dynamodb_operations() == ["GetItem"] * totals
    emulator.clear_log()
    reads.entries_page(LEADER, 20)
    assert emulator.dynamodb_operations() == ["Query"] * page
    lily = beneficiary()
    settled(lily.user_id, 500, order="01J00000000000000000ORDER9")
    emulator.clear_log()
    request_withdrawal(lily, 100, "readme-withdrawal", SimulatedPayments("k" * 16), NOW)
    assert len(emulator.dynamodb_operations()) == withdrawal
