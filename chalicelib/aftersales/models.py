"""After-sales items: the request (with its audit trail), each order line's ledger, the operators' queues."""
from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, ListAttribute, MapAttribute, NumberAttribute, UnicodeAttribute

from chalicelib.core.table.models import TableItem


class RequestLineMap(MapAttribute):
    index = NumberAttribute()
    product_id = UnicodeAttribute()
    sku_id = UnicodeAttribute()
    quantity = NumberAttribute()
    amount = NumberAttribute()  # fen refunded for these units
    points = NumberAttribute(default=0)  # checkout points these units spent


class StepMap(MapAttribute):
    """One transition of the request: its audit trail, appended in the transition's own write."""

    actor = UnicodeAttribute()  # CUSTOMER, MERCHANT, OPERATOR, SYSTEM
    actor_id = UnicodeAttribute(null=True)
    action = UnicodeAttribute()
    from_state = UnicodeAttribute(null=True)
    to_state = UnicodeAttribute()
    reason = UnicodeAttribute(null=True)
    at = UnicodeAttribute()


class AfterSalesRequestItem(TableItem, discriminator="AfterSalesRequest"):
    """``AFTERSALES#<id>`` / ``REQUEST``, with its history (a request has a handful of steps, so the
    audit trail is read with it, and a page of requests costs no more for showing it)."""

    request_id = UnicodeAttribute()
    order_id = UnicodeAttribute()
    order_kind = UnicodeAttribute()
    user_id = UnicodeAttribute()
    merchant_id = UnicodeAttribute(null=True)
    kind = UnicodeAttribute()
    reason = UnicodeAttribute()
    description = UnicodeAttribute(default="")
    photos = ListAttribute(of=UnicodeAttribute, default=list)
    lines = ListAttribute(of=RequestLineMap, default=list)
    shipping = NumberAttribute(default=0)
    currency = UnicodeAttribute(default="CNY")
    state = UnicodeAttribute()
    created_at = UnicodeAttribute()
    decide_by = UnicodeAttribute(null=True)
    send_by = UnicodeAttribute(null=True)
    receive_by = UnicodeAttribute(null=True)
    return_carrier = UnicodeAttribute(null=True)
    return_tracking_no = UnicodeAttribute(null=True)
    decision_reason = UnicodeAttribute(null=True)
    platform_pays = BooleanAttribute(default=False)
    refund_attempt = NumberAttribute(default=0)
    refund_error = UnicodeAttribute(null=True)
    refunded_at = UnicodeAttribute(null=True)
    trade_no = UnicodeAttribute(null=True)
    captured_total = NumberAttribute(default=0)
    order_total = NumberAttribute(default=0)  # the order's paid lines + shipping: its refunds' bound
    whole_order = BooleanAttribute(default=False)  # these units were all the order had left
    coupon_id = UnicodeAttribute(null=True)
    history = ListAttribute(of=StepMap, default=list)
    holds_order = BooleanAttribute(default=False)  # a refund only asked before shipping: the order must not ship


class AfterSalesLineItem(TableItem, discriminator="AfterSalesLine"):
    """``ORDER#<order>`` / ``AFTERSALES#LINE#<index>``: what a line's requests hold or refunded.
    ``units``/``amount``/``points`` count every request not released (open or refunded);
    ``refunded`` what was actually paid back; ``open_request`` the one request open on it."""

    order_id = UnicodeAttribute()
    index = NumberAttribute()
    units = NumberAttribute(default=0)
    amount = NumberAttribute(default=0)
    points = NumberAttribute(default=0)
    refunded = NumberAttribute(default=0)
    refunded_units = NumberAttribute(default=0)  # units of those actually paid back
    open_request = UnicodeAttribute(null=True)


class AfterSalesQueueItem(TableItem, discriminator="AfterSalesQueue"):
    """``AFTERSALES#<id>`` / ``QUEUE``: the request waits for operators (GSI1 ``AFTERSALES#DISPUTED``
    or ``AFTERSALES#REFUND_FAILED`` / ``<since>#<id>``, oldest first); deleted when it leaves."""

    request_id = UnicodeAttribute()
    since = UnicodeAttribute()
