"""What the README's "Referral (老带新)" section says is true: its numbers are read from README.md (not copied
here), then checked against the rules, the code and the emulator's log; the races it states are in
test_binding.py and test_rewards.py with exactly these numbers."""
from __future__ import annotations

import inspect
import re
from pathlib import Path

from chalicelib.core.ids import SHARE_CODE_LENGTH
from chalicelib.core.table.paging import PageRequest
from chalicelib.referrals import binding, codes, reads
from chalicelib.referrals.rules import DEFAULT_RULE, ReferralState
from devstack.jobs import JOBS
from tests.referrals import test_binding, test_rewards
from tests.referrals.support import NOW, sign_in

README = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
SECTION = README.split("## Referral (老带新)", 1)[1].split("\n## ", 1)[0]


def said(pattern: str) -> tuple[str, ...]:
    match = re.search(pattern.replace(" ", r"\s+"), SECTION, re.S)
    assert match, f"the README no longer says {pattern!r}: update this test with it"
    return match.groups()


def test_the_rule_s_numbers_are_the_defaults():
    (length,) = said(r"`me { inviteCode }`, (\d+) characters")
    assert int(length) == SHARE_CODE_LENGTH
    yuan, days = said(r"each side a ¥(\d+) no-threshold coupon valid (\d+) days")
    assert (int(yuan) * 100, int(yuan) * 100, int(days)) == (DEFAULT_RULE.invitee_fen, DEFAULT_RULE.inviter_fen,
                                                             DEFAULT_RULE.valid_days)
    (cap,) = said(r"at most (\d+) referrals per China calendar month")
    assert int(cap) == DEFAULT_RULE.monthly_cap
    (job,) = said(r"`make job JOB=([a-z-]+)`")
    assert job in JOBS
    states = said(r"\((BOUND), (ORDERED), (DUE), (REWARDED), (VOID)\)")
    assert list(states) == [s.value for s in ReferralState]


def test_the_races_it_states_are_the_tests_races():
    sign_ins, bindings = said(r"(\d+) racing first sign-ins of one friend with two codes make (\d+) binding")
    source = inspect.getsource(test_binding.test_ten_racing_first_sign_ins_with_two_codes_bind_once_to_the_created_account_s_code)
    assert f"range({sign_ins})" in source and "== 1" in source and bindings == "1"
    cap, many, got = said(r"cap (\d+) and (\d+) referrals rewarded at once: the inviter gets (\d+) coupons")
    source = inspect.getsource(test_rewards.test_the_monthly_cap_holds_under_concurrency_and_the_invitees_are_still_rewarded)
    assert f"monthly_cap={cap}" in source and f"range({many})" in source and f"len(coupons(alice)) == {got}" in source


def test_the_request_counts_it_states(emulator):
    gets, puts = map(int, said(r"Binding costs (\d+) GetItem and (\d+) PutItem"))
    (page,) = map(int, said(r"(\d+) requests a page"))
    alice, dave = sign_in("alice").user.id, sign_in("dave").user.id
    code = codes.invite_code(alice, NOW)
    emulator.clear_log()
    binding.bind(dave, code, NOW)
    assert emulator.dynamodb_counts() == {"GetItem": gets, "PutItem": puts}
    emulator.clear_log()
    assert len(reads.referrals_page(alice, PageRequest(20)).items) == 1
    assert len(emulator.dynamodb_operations()) == page
