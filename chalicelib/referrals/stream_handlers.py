"""Referrals follow the table: a new user item carrying an invite code binds it (binding.py); the invitee's orders
of either kind move the referral (progress.py): paid (checkout AWAITING_PAYMENT → TO_SHIP, group-buy
AWAITING_PAYMENT → PAID_AWAITING_TEAM), completed (SHIPPED → COMPLETED, with ``returns_until``), refunded
(``after_sales_refunded`` up, or a refund or cancel state after payment). Idempotent: see store.py."""
from __future__ import annotations

from chalicelib.core.clock import from_iso
from chalicelib.core.stream import Change, on_change
from chalicelib.referrals.rules import is_refund

PAID = {"ShopOrder": "TO_SHIP", "Order": "PAID_AWAITING_TEAM"}


@on_change("User")
def user_created(change: Change) -> None:
    """Only an INSERT: the code is written with the account, never after (a new account only)."""
    if not change.inserted or not change.new.get("invite_code"):
        return
    from chalicelib.referrals import binding

    new = change.new
    binding.bind(new["user_id"], new["invite_code"], from_iso(new["created_at"]))


@on_change("ShopOrder", "Order")
def order_changed(change: Change) -> None:
    if not change.modified:
        return
    from chalicelib.referrals import progress

    new, old = change.new, change.old
    state, before = new.get("state"), old.get("state")
    if is_refund(before, state, old.number("after_sales_refunded"), new.number("after_sales_refunded")):
        progress.on_refunded(new["user_id"], new["order_id"])
    elif state != before and before == "AWAITING_PAYMENT" and state == PAID[change.item_type]:
        progress.on_paid(new["user_id"], new["order_id"])
    elif state == "COMPLETED" and before == "SHIPPED" and new.get("returns_until"):
        progress.on_completed(new["user_id"], new["order_id"], from_iso(new["returns_until"]))
