"""Access patterns of referrals (老带新), one function per row of docs/data-model.md;
test_access_patterns.py runs them. Helpers start with "_"."""
from __future__ import annotations

from chalicelib.core.table.paging import PageRequest
from chalicelib.referrals import binding, codes, jobs, progress, reads, store
from chalicelib.referrals.keys import DUE_SHARDS
from chalicelib.referrals.rules import Binding, RewardRule
from tests.referrals.support import CLOSES, NOW, first_order_completes, sign_in


def _referred(n: int = 0) -> tuple[str, str]:
    inviter, invitee = sign_in("alice").user.id, sign_in(f"friend{n}").user.id
    binding.bind(invitee, codes.invite_code(inviter, NOW), NOW)
    return inviter, invitee


def a_customer_s_invite_code(emulator, category):
    alice = sign_in("alice").user.id
    emulator.clear_log()
    code = codes.invite_code(alice, NOW)
    assert emulator.dynamodb_operations() == ["GetItem", "TransactWriteItems"]
    emulator.clear_log()
    assert codes.invite_code(alice, NOW) == code
    assert emulator.dynamodb_operations() == ["GetItem"]


def bind_a_new_account_to_its_inviter(emulator, category):
    alice, dave = sign_in("alice").user.id, sign_in("dave").user.id
    code = codes.invite_code(alice, NOW)
    emulator.clear_log()
    assert binding.bind(dave, code, NOW) is Binding.BOUND
    assert emulator.dynamodb_operations() == ["GetItem", "PutItem"]


def follow_a_referral_s_first_paid_order(emulator, category):
    _, invitee = _referred()
    emulator.clear_log()
    assert progress.on_paid(invitee, "01J0000000000000000ORDER01")
    assert emulator.dynamodb_operations() == ["GetItem", "UpdateItem"]
    bob = sign_in("bob").user.id
    emulator.clear_log()
    assert not progress.on_paid(bob, "01J0000000000000000ORDER02")  # nobody invited bob
    assert emulator.dynamodb_operations() == ["GetItem"]


def referrals_due_for_a_reward(emulator, category):
    for n in range(2):
        _, invitee = _referred(n)
        first_order_completes(invitee, f"01J0000000000000000ORDER{n:02d}")
    emulator.clear_log()
    assert jobs.reward_due(CLOSES)["referralsRewarded"] == 2
    assert emulator.dynamodb_counts() == {"GetItem": 1, "Query": DUE_SHARDS, "TransactWriteItems": 2}


def an_inviter_s_referrals_newest_first(emulator, category):
    for n in range(3):
        inviter, _ = _referred(n)
    emulator.clear_log()
    page = reads.referrals_page(inviter, PageRequest(2))
    assert [p.display_name for p in page.items] == ["", ""] and page.has_more
    assert emulator.dynamodb_operations() == ["Query", "BatchGetItem"]


def the_referral_rule(emulator, category):
    emulator.clear_log()
    assert store.get_rule().monthly_cap == 10
    store.put_rule(RewardRule(monthly_cap=3), "operator", NOW)
    assert store.get_rule().monthly_cap == 3
    assert emulator.dynamodb_operations() == ["GetItem", "PutItem", "GetItem"]
