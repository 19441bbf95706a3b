"""Attribution follows payment: a regular order paid (AWAITING_PAYMENT → TO_SHIP) or a group-buy seat
paid (AWAITING_PAYMENT → PAID_AWAITING_TEAM) adds to its merchant's sales by source and, when a post led
to it, to the post's. Counted once per order (service.on_paid), so a redelivered record changes nothing."""
from __future__ import annotations

from chalicelib.core.clock import utc_now
from chalicelib.core.stream import Change, Image, on_change

_PAID = {"ShopOrder": "TO_SHIP", "Order": "PAID_AWAITING_TEAM"}


@on_change("ShopOrder", "Order")
def order_paid(change: Change) -> None:
    if not change.modified or not change.moved("state"):
        return
    new = change.new
    if change.old.get("state") != "AWAITING_PAYMENT" or new.get("state") != _PAID[change.item_type]:
        return
    from chalicelib.attribution import rules, service

    if change.item_type == "ShopOrder":
        amount = sum(Image(line).number("paid") for line in new.get("lines") or []) + new.number("shipping")
    else:
        amount = new.number("amount")
    kind, ref = rules.sales_kind(new.get("attribution"))
    service.on_paid(rules.PaidOrder(new["order_id"], new["user_id"], new.text("merchant_id"), kind, ref, amount,
                                    new.text("currency") or "CNY"), utc_now())
