"""Points follow an order's state (chalicelib/points/hooks.py): paid → pending points
earned; an unpaid order cancelled → the points it took at checkout return; turning
REFUNDING → pending points (and growth) cancelled and checkout points returned; an
order of either kind completed (SHIPPED → COMPLETED) → its pending points held until
its return window (``returns_until``) closes.
The ledger posts each source once, so a redelivered record changes nothing."""
from __future__ import annotations

from chalicelib.core.clock import from_iso
from chalicelib.core.stream import Change, Image, on_change


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


@on_change("ShopOrder")
def regular_order_paid(change: Change) -> None:
    """A regular order paid (AWAITING_PAYMENT → TO_SHIP) earns its pending points. Points it
    spent at checkout belong to its payment, which gives them back if it is cancelled."""
    if not change.modified or not change.moved("state"):
        return
    new = change.new
    if new.get("state") == "TO_SHIP" and change.old.get("state") == "AWAITING_PAYMENT":
        from chalicelib.points import hooks as points_hooks

        paid: dict[str, int] = {}
        for line in (Image(raw) for raw in new.get("lines") or []):
            paid[line["product_id"]] = paid.get(line["product_id"], 0) + line.number("paid")
        if paid:
            points_hooks.on_order_of_products_paid(new["user_id"], new["order_id"], paid, from_iso(new["paid_at"]))


@on_change("ShopOrder", "Order")
def order_completed(change: Change) -> None:
    """Completion opens the return window, which may close after paid_at + 7 days: the
    order's pending points wait for it (``points.refunds.hold_until``)."""
    if not change.modified or not change.moved("state"):
        return
    new = change.new
    if new.get("state") == "COMPLETED" and change.old.get("state") == "SHIPPED" and new.get("returns_until"):
        from chalicelib.points import hooks as points_hooks

        points_hooks.on_order_completed(new["user_id"], new["order_id"], from_iso(new["returns_until"]))
