"""Points follow an order's state (chalicelib/points/hooks.py): paid → pending points
earned; an unpaid order cancelled → the points it took at checkout return; turning
REFUNDING → pending points (and growth) cancelled and checkout points returned.
The ledger posts each source once, so a redelivered record changes nothing."""
from __future__ import annotations

from chalicelib.core.clock import from_iso
from chalicelib.core.stream import Change, on_change


@on_change("Order")
def order_changed(change: Change) -> None:
    if not (change.inserted or change.modified) or not change.moved("state"):
        return
    from chalicelib.points import hooks as points_hooks

    new, state, before = change.new, change.new.get("state"), change.old.get("state")
    if state == "PAID_AWAITING_TEAM" and before == "AWAITING_PAYMENT":
        points_hooks.on_order_paid(new["user_id"], new["order_id"], new["product_id"], new.number("captured"),
                                   from_iso(new["paid_at"]))
    elif state == "CANCELLED" and new.number("points_used"):
        points_hooks.on_order_cancelled(new["user_id"], new["order_id"])
    elif state in ("REFUNDING", "REFUNDED") and before not in ("REFUNDING", "REFUNDED", "REFUND_FAILED"):
        # From the moment the refund is decided: its points must not reach the end of the
        # return window while the refund is still being retried (REFUNDING, REFUND_FAILED).
        points_hooks.on_order_refunded(new["user_id"], new["order_id"])
