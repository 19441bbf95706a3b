"""What every order kind's item carries after payment (issue 12), declared once: each kind's
item class (checkout's ShopOrderItem, group-buy's OrderItem) mixes it in, so fulfilment and
after-sales update either kind through the same attributes, conditioned on the shared ``state``.
"""
from __future__ import annotations

from pynamodb.attributes import AttributeContainer, MapAttribute, NumberAttribute, UnicodeAttribute

from chalicelib.core.clock import from_iso
from chalicelib.orders.attribution import Attribution, loaded, stored
from chalicelib.orders.rules import Delivery


class DeliveryAttributes:
    """Shipping, delivery and after-sales money on an order item (absent until they happen)."""

    shipped_at = UnicodeAttribute(null=True)
    carrier = UnicodeAttribute(null=True)  # a code of fulfilment's carrier list
    tracking_no = UnicodeAttribute(null=True)
    complete_by = UnicodeAttribute(null=True)  # shipped_at + the auto-complete time: the delivery timer's instant
    completed_at = UnicodeAttribute(null=True)  # receipt confirmed, or completed by the timer
    returns_until = UnicodeAttribute(null=True)  # completed_at + the no-reason return window (7 days)
    after_sales_until = UnicodeAttribute(null=True)  # completed_at + the window for quality reasons
    after_sales_refunded = NumberAttribute(default=0)  # fen refunded by after-sales requests (≤ what was paid)
    # A refund-only request on an order not shipped yet holds it: it must not ship while the
    # refund is decided (set with the request, removed when it ends without refunding everything).
    after_sales_hold = UnicodeAttribute(null=True)


def delivery_of(item: DeliveryAttributes) -> Delivery:
    def moment(value: str | None):
        return from_iso(value) if value else None

    return Delivery(
        shipped_at=moment(item.shipped_at), carrier=item.carrier, tracking_no=item.tracking_no,
        complete_by=moment(item.complete_by), completed_at=moment(item.completed_at),
        returns_until=moment(item.returns_until), after_sales_until=moment(item.after_sales_until),
        after_sales_refunded=int(item.after_sales_refunded or 0))


class AttributionMap(MapAttribute):
    """What led to the order (issue 14): ``kind`` (POST, TEAM, ASSIST, REFERRAL, DISTRIBUTOR, LEADER) and
    ``ref`` exactly as the client gave it (orders/attribution.py)."""

    kind = UnicodeAttribute()
    ref = UnicodeAttribute()


class AttributionAttributes(AttributeContainer):
    """Written with the order when it is placed (checkout's placing transaction, group-buy's seat);
    absent when the client gave no source. (An AttributeContainer, unlike DeliveryAttributes: a
    MapAttribute declared on a plain class is never made an attribute.)"""

    attribution = AttributionMap(null=True)


def attribution_map(attribution: Attribution | None) -> AttributionMap | None:
    value = stored(attribution)
    return None if value is None else AttributionMap(**value)


def attribution_from(item: AttributionAttributes) -> Attribution | None:
    return loaded(getattr(item, "attribution", None))
