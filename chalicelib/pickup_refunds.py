"""Orders for pickup and after-sales across features (root assembly: community knows the round, after-sales refunds;
after-sales sits above community, so neither may import the other for this).

A refund of an order for pickup takes its units off the leader's pick list and gives them back to the customer's
per-customer limit (community/published/refunds.py, exactly once), from the order's own stream record.

A cancelled round's orders for pickup are refunded in full.

Two stream handlers, so no paid order is missed whatever the order of events: the round turning CANCELLED refunds
every order already paid in it, and an order paid in it later (a capture made in time, notified after the cancel)
is refunded when its paid-order item is written. Both are idempotent: a refund takes what is left of an order, and
nothing is left the second time.
"""
from __future__ import annotations

from chalicelib.core.clock import utc_now
from chalicelib.core.observability import count, logger
from chalicelib.core.stream import Change, Image, on_change

WHY = "its sale round was cancelled"


@on_change("CommunityRound")
def round_cancelled(change: Change) -> None:
    if not change.modified or not change.moved("state") or change.new.get("state") != "CANCELLED":
        return
    from chalicelib.community.published.refunds import paid_order_ids

    for order_id in paid_order_ids(change.new["round_id"]):
        _refund(order_id)


@on_change("CommunityRoundPaidOrder")
def paid_in_a_cancelled_round(change: Change) -> None:
    if not change.inserted:
        return
    from chalicelib.community.published.refunds import is_cancelled, round_id_of

    if is_cancelled(round_id_of(change.new["PK"])):
        _refund(change.new["order_id"])


def _refund(order_id: str) -> None:
    from chalicelib.aftersales.published.uncollected import AfterSalesInProgress, Reason, refund_pickup

    try:
        refunded = refund_pickup(order_id, Reason.ROUND_CANCELLED, WHY, utc_now())
    except AfterSalesInProgress:  # the customer's own request holds the order: it goes its way
        count("PickupRefundsDeferred")
        logger.warning("a cancelled round's order is in after-sales", extra={"order_id": order_id})
        return
    if refunded is not None:
        count("CancelledRoundRefunds")


@on_change("ShopOrder")
def pickup_order_refunded(change: Change) -> None:
    if not change.modified or not change.moved("after_sales_refunded") or not change.new.get("pickup"):
        return
    from chalicelib.aftersales.published.ledgers import refunded_units_by_line
    from chalicelib.community.published.refunds import follow_refunded_units

    new = change.new
    lines = [Image(raw) for raw in new.get("lines") or []]
    refunded: dict[tuple[str, str], int] = {}
    for index, units in refunded_units_by_line(new["order_id"]).items():
        if index < len(lines):
            key = (lines[index]["product_id"], lines[index]["sku_id"])
            refunded[key] = refunded.get(key, 0) + units
    pickup = Image(new["pickup"])
    follow_refunded_units(pickup["round_id"], pickup["leader_id"], new["order_id"], refunded)
