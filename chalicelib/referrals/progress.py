"""A referral follows its invitee's first paid order (from the orders' stream records, stream_handlers.py):
paid → ORDERED; completed → DUE at its ``returns_until``; refunded or cancelled after payment → VOID.
Each costs one GetItem of the invitee's binding (most buyers have none: nothing more) and, when it moves, one
conditional UpdateItem; a redelivered record finds it moved and writes nothing."""
from __future__ import annotations

from datetime import datetime

from chalicelib.core.observability import count
from chalicelib.referrals import store
from chalicelib.referrals.rules import ReferralState


def on_paid(user_id: str, order_id: str) -> bool:
    referral = store.get_referral(user_id)
    if referral is None or referral.state is not ReferralState.BOUND:
        return False
    return store.mark_ordered(user_id, order_id)


def on_completed(user_id: str, order_id: str, returns_until: datetime) -> bool:
    referral = store.get_referral(user_id)
    if referral is None or referral.first_order_id != order_id or referral.state not in (
            ReferralState.ORDERED, ReferralState.DUE) or referral.due_at == returns_until:
        return False
    return store.mark_due(user_id, order_id, returns_until)


def on_refunded(user_id: str, order_id: str) -> bool:
    referral = store.get_referral(user_id)
    if referral is None or referral.first_order_id != order_id or referral.state not in (
            ReferralState.ORDERED, ReferralState.DUE):
        return False
    voided = store.void(user_id, order_id)
    if voided:
        count("ReferralsVoided")
    return voided
