"""Invite codes and bindings: a code made once per customer; a new account bound to its inviter once, never
rebound, never to itself; an existing account never bound; exact request counts."""
from __future__ import annotations

import pytest

from chalicelib.accounts import store as accounts_store
from chalicelib.core.errors import ValidationFailed
from chalicelib.core.ids import is_share_code
from chalicelib.referrals import binding, codes, store
from chalicelib.referrals.rules import Binding, ReferralState
from tests.commissions.helpers import race
from tests.referrals.support import NOW, deliver, inserted_user, sign_in
from tests.referrals.support import stream_handlers as handlers


def test_an_invite_code_is_made_on_first_ask_and_costs_one_get_item_after(emulator):
    alice = sign_in("alice").user.id
    emulator.clear_log()
    code = codes.invite_code(alice, NOW)
    assert emulator.dynamodb_operations() == ["GetItem", "TransactWriteItems"]
    assert is_share_code(code) and len(code) == 16  # fits a mini-program `scene`
    emulator.clear_log()
    assert codes.invite_code(alice, NOW) == code
    assert emulator.dynamodb_operations() == ["GetItem"]
    assert store.owner_of(code) == alice


def test_racing_first_asks_get_one_code():
    bob = sign_in("bob").user.id
    assert len(set(race([lambda: codes.invite_code(bob, NOW)] * 6))) == 1


def test_ten_racing_first_sign_ins_with_two_codes_bind_once_to_the_created_account_s_code(emulator):
    alice, bob = sign_in("alice").user.id, sign_in("bob").user.id
    code_a, code_b = codes.invite_code(alice, NOW), codes.invite_code(bob, NOW)
    sessions = race([lambda c=(code_a if n % 2 else code_b): sign_in("dave", c) for n in range(10)])
    assert len({s.user.id for s in sessions}) == 1 and sum(s.created for s in sessions) == 1
    dave = sessions[0].user.id
    deliver(emulator)
    referral = store.get_referral(dave, consistent=True)
    kept = accounts_store.UserItem.get(accounts_store.keys.user_pk(dave), "USER").invite_code
    assert referral.state is ReferralState.BOUND
    assert referral.inviter_id == {code_a: alice, code_b: bob}[kept]
    # The record redelivered, and a forged one with the other code: never rebound.
    other = code_b if kept == code_a else code_a
    handlers.user_created(inserted_user(dave, kept))
    handlers.user_created(inserted_user(dave, other))
    assert store.get_referral(dave, consistent=True).inviter_id == referral.inviter_id


def test_ten_racing_binds_of_one_invitee_with_two_codes_make_one_binding():
    alice, bob, erin = (sign_in(n).user.id for n in ("alice", "bob", "erin"))
    code_a, code_b = codes.invite_code(alice, NOW), codes.invite_code(bob, NOW)
    outcomes = race([lambda c=(code_a if n % 2 else code_b): binding.bind(erin, c, NOW) for n in range(10)])
    assert sorted(o.value for o in outcomes).count("BOUND") == 1
    assert set(outcomes) == {Binding.BOUND, Binding.ALREADY_BOUND}
    assert store.get_referral(erin, consistent=True).inviter_id in (alice, bob)


def test_never_bound_to_oneself_nor_through_an_unknown_code(emulator):
    alice = sign_in("alice").user.id
    own = codes.invite_code(alice, NOW)
    assert binding.bind(alice, own, NOW) is Binding.SELF
    assert binding.bind(alice, "0000000000000000", NOW) is Binding.UNKNOWN_CODE
    assert binding.bind(alice, "not a code", NOW) is Binding.UNKNOWN_CODE
    assert store.get_referral(alice, consistent=True) is None


def test_an_existing_account_signing_in_through_a_code_is_not_bound(emulator):
    alice, frank = sign_in("alice").user.id, sign_in("frank").user.id
    code = codes.invite_code(alice, NOW)
    again = sign_in("frank", code)
    assert again.user.id == frank and not again.created
    deliver(emulator)
    assert store.get_referral(frank, consistent=True) is None


def test_a_malformed_invite_code_is_refused_and_creates_nothing():
    with pytest.raises(ValidationFailed) as refused:
        sign_in("gina", "abc")
    assert refused.value.field == ("inviteCode",)
    from chalicelib.accounts.service import WECHAT, openid_digest
    from chalicelib.adapters.wechat_login import LocalDemoLogin
    from chalicelib.core.settings import settings

    digest = openid_digest(settings().wechat_app_id, LocalDemoLogin().exchange("demo:gina").openid)
    assert accounts_store.user_for_identity(WECHAT, digest) is None


def test_binding_costs_one_get_item_and_one_put_item(emulator):
    alice, hank = sign_in("alice").user.id, sign_in("hank").user.id
    code = codes.invite_code(alice, NOW)
    emulator.clear_log()
    assert binding.bind(hank, code, NOW) is Binding.BOUND
    assert emulator.dynamodb_counts() == {"GetItem": 1, "PutItem": 1}
    emulator.clear_log()
    handlers.user_created(inserted_user(hank, code))  # redelivered: refused by its condition, nothing written
    assert emulator.dynamodb_counts() == {"GetItem": 1, "PutItem": 1}
