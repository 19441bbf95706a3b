"""An order that is paid joins its buyer's purchases; one that turns REFUNDING (or is
refunded) leaves them; a partial refund of a paid order keeps it for what was kept.
Each order counts once, however often its record comes."""
from __future__ import annotations

from chalicelib.core.clock import from_iso
from chalicelib.core.stream import Change, Image, on_change

# Paid and not (being) refunded: a refund here is partial.
KEPT_STATES = frozenset({"PAID_AWAITING_TEAM", "TO_SHIP", "SHIPPED", "COMPLETED"})


@on_change("Order")
def order_changed(change: Change) -> None:
    if not (change.inserted or change.modified):
        return
    from chalicelib.purchases import service

    new, state, before = change.new, change.new.get("state"), change.old.get("state")
    if not change.moved("state"):
        if change.moved("refunded") and state in KEPT_STATES:
            service.on_order_partly_refunded(new["user_id"], new["order_id"], _kept(change))
        return
    if state == "PAID_AWAITING_TEAM" and before == "AWAITING_PAYMENT":
        service.on_order_paid(new["user_id"], new["order_id"], new["product_id"], from_iso(new["paid_at"]),
                              _kept(change))
    elif state in ("REFUNDING", "REFUNDED") and before not in ("REFUNDING", "REFUNDED", "REFUND_FAILED"):
        service.on_order_refunded(new["user_id"], new["order_id"], new["product_id"])


def _kept(change: Change) -> int:
    """What the customer paid for the order, net of refunds (fen)."""
    captured = change.new.number("captured")
    if captured:
        return max(0, captured - change.new.number("refunded"))
    return change.new.number("amount")


@on_change("ShopOrder")
def regular_order_changed(change: Change) -> None:
    """A regular order paid (AWAITING_PAYMENT → TO_SHIP): its products are bought, for what
    its lines paid (shipping apart)."""
    if not change.modified or not change.moved("state"):
        return
    new = change.new
    if new.get("state") == "TO_SHIP" and change.old.get("state") == "AWAITING_PAYMENT":
        from chalicelib.purchases import service

        lines = [Image(line) for line in new.get("lines") or []]
        if lines:
            service.on_order_of_products_paid(new["user_id"], new["order_id"], [ln["product_id"] for ln in lines],
                                              from_iso(new["paid_at"]), sum(ln.number("paid") for ln in lines))
