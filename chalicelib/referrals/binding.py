"""Binding a new account to its inviter, from the new user item's INSERT record (stream_handlers.py).

The account feature keeps the sign-in's invite code on the user item only when that sign-in creates the account
(format-checked, not looked up: accounts does not know referrals); an account is created once, and the binding is
written only if absent, so ten racing first sign-ins with two codes bind once, to the code of the account that was
created. Costs one GetItem (the code's owner) and one conditional PutItem.
"""
from __future__ import annotations

from datetime import datetime

from chalicelib.core.ids import is_share_code
from chalicelib.core.observability import count
from chalicelib.referrals import store
from chalicelib.referrals.rules import Binding, binding_of


def bind(invitee_id: str, code: str, now: datetime) -> Binding:
    inviter_id = store.owner_of(code) if is_share_code(code) else None
    refused = binding_of(invitee_id, inviter_id)
    if refused is not None:
        count("ReferralCodeUnknown" if refused is Binding.UNKNOWN_CODE else "ReferralSelfInvite")
        return refused
    assert inviter_id is not None
    if not store.bind(invitee_id, inviter_id, now):
        return Binding.ALREADY_BOUND  # a redelivered record, or bound meanwhile: never rebound
    count("ReferralsBound")
    return Binding.BOUND
