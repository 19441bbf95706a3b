"""Distribution follows both order kinds carrying an ``attribution`` of kind DISTRIBUTOR (written at placing:
``{"kind": "DISTRIBUTOR", "ref": <the link's code>}``): paid (checkout AWAITING_PAYMENT → TO_SHIP, group-buy
AWAITING_PAYMENT → PAID_AWAITING_TEAM) → commissions accrue (earning.py); completed (SHIPPED → COMPLETED with
``returns_until``) → they settle when the window closes. Idempotent: see earning.py."""
from __future__ import annotations

from chalicelib.core.clock import from_iso, utc_now
from chalicelib.core.stream import Change, Image, on_change

PAID = {"ShopOrder": "TO_SHIP", "Order": "PAID_AWAITING_TEAM"}
DISTRIBUTOR = "DISTRIBUTOR"


def _lines(change: Change) -> list[tuple[str, int]]:
    new = change.new
    if change.item_type == "ShopOrder":
        return [(line["product_id"], line.number("paid")) for line in (Image(raw) for raw in new.get("lines") or [])]
    return [(new["product_id"], new.number("captured") or new.number("amount"))]


@on_change("ShopOrder", "Order")
def distributed_order_changed(change: Change) -> None:
    if not change.modified or not change.moved("state"):
        return
    attribution = change.new.get("attribution")
    if not attribution:
        return
    attribution = Image(attribution)
    if attribution.get("kind") != DISTRIBUTOR or not attribution.get("ref"):
        return
    from chalicelib.distribution import earning

    new, before = change.new, change.old.get("state")
    if before == "AWAITING_PAYMENT" and new.get("state") == PAID[change.item_type]:
        earning.on_paid(new["order_id"], new["user_id"], str(attribution["ref"]), _lines(change), utc_now())
    elif new.get("state") == "COMPLETED" and before == "SHIPPED" and new.get("returns_until"):
        earning.on_completed(new["order_id"], from_iso(new["returns_until"]))
