"""Community's reactions to its orders for pickup (checkout ShopOrder items carrying ``pickup``): the leader's
commission accrues when one is paid and is timed to settle when it completes (community/earning.py). Both are
idempotent, so a redelivered record changes nothing."""
from __future__ import annotations

from chalicelib.core.clock import from_iso, utc_now
from chalicelib.core.stream import Change, Image, on_change


@on_change("ShopOrder")
def pickup_order_changed(change: Change) -> None:
    if not change.modified or not change.moved("state") or not change.new.get("pickup"):
        return
    from chalicelib.community import earning

    new, before = change.new, change.old.get("state")
    pickup = Image(new["pickup"])
    if new.get("state") == "TO_SHIP" and before == "AWAITING_PAYMENT":
        lines = [(line["product_id"], line["sku_id"], line.number("paid"))
                 for line in (Image(raw) for raw in new.get("lines") or [])]
        earning.on_paid(new["order_id"], pickup["leader_id"], pickup["round_id"], lines, from_iso(new["paid_at"]),
                        utc_now())
    elif new.get("state") == "COMPLETED" and before == "SHIPPED" and new.get("returns_until"):
        earning.on_completed(new["order_id"], from_iso(new["returns_until"]))
