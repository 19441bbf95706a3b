"""Fulfilment commands and the merchant's listing. Each command checks its input before it reads
(a refused input changes nothing and costs no request), reads the order once, and writes ONE
conditional update whose condition decides under concurrency; a refused write is read again so
the caller hears the order as it is (a retry of the same shipment answers it, not an error)."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from chalicelib.addresses.published.checkout import address_for_checkout
from chalicelib.core.clock import NotYet, accept
from chalicelib.core.errors import InvalidState, NotFound, ValidationFailed
from chalicelib.core.ids import first_id_at, last_id_at
from chalicelib.core.observability import count
from chalicelib.core.principal import Principal, Role, require_role, require_self, require_user
from chalicelib.core.table.paging import Page, PageRequest
from chalicelib.fulfilment import rules, store
from chalicelib.fulfilment.rules import AddressRequired
from chalicelib.orders.published.kinds import OrderState, OrderView
from chalicelib.orders.published.terms import order_terms

NO_ORDER = "no such order"
LOWEST_ID, HIGHEST_ID = "0" * 26, "Z" * 26


def sales_orders(principal: Principal | None, merchant_id: str, request: PageRequest,
                 states: frozenset[OrderState] | None = None, created_from: datetime | None = None,
                 created_to: datetime | None = None) -> Page[OrderView]:
    """``me.salesOrders``: the merchant's own orders of every kind, newest first. The creation
    range is inclusive, to the second."""
    require_self(principal, merchant_id, "your own sales")
    require_role(principal, Role.MERCHANT)
    bounds = None
    if created_from is not None or created_to is not None:
        low = LOWEST_ID if created_from is None else first_id_at(accept(created_from, "createdFrom"))
        high = HIGHEST_ID if created_to is None else last_id_at(accept(created_to, "createdTo")
                                                                + timedelta(milliseconds=999))
        if low > high:
            raise ValidationFailed("createdFrom is after createdTo", "createdFrom")
        bounds = (low, high)
    return store.merchant_orders_page(merchant_id, request, bounds, states)


def _merchant_item(caller: Principal, order_id: str):
    """The order if the caller may ship it (its merchant, or an operator); another merchant's
    order is as missing as an unknown one."""
    item = store.get_order_item(order_id)
    if item is None or (caller.role is not Role.OPERATOR and getattr(item, "merchant_id", None) != caller.user_id):
        raise NotFound(NO_ORDER, "orderId")
    return item


def ship_order(principal: Principal | None, order_id: str, carrier: str, tracking_no: str,
               now: datetime) -> OrderView:
    caller = require_role(principal, Role.MERCHANT, Role.OPERATOR)
    shipment = rules.shipment(carrier, tracking_no, now, order_terms().auto_complete_seconds)
    item = _merchant_item(caller, order_id)
    merchant = None if caller.role is Role.OPERATOR else caller.user_id
    if getattr(item, "pickup", None) is not None:
        raise InvalidState("an order for pickup travels with its round's batch to the leader's point, not on its own",
                           "orderId")
    if OrderState(item.state) is OrderState.TO_SHIP:
        if item.address is None:
            raise AddressRequired("the buyer has not given a shipping address yet", "orderId")
        if item.after_sales_hold is not None:
            raise InvalidState("the buyer asked for a refund before shipping: decide that request first "
                               "(afterSalesToDecide)", "orderId")
        if store.ship(item, shipment, merchant):
            count("OrdersShipped")
            return store.view_of(item)
        item = _merchant_item(caller, order_id)  # moved meanwhile: answer as it is now
    if item.shipped_at is not None and (item.carrier, item.tracking_no) == (carrier, tracking_no):
        return store.view_of(item)  # the same shipment again (a retry, even after completion): the order as it is
    if OrderState(item.state) is OrderState.TO_SHIP and item.address is None:
        raise AddressRequired("the buyer has not given a shipping address yet", "orderId")
    raise InvalidState(f"this order is {item.state.lower()}, not to ship", "orderId")


def _own_item(caller: Principal, order_id: str):
    item = store.get_order_item(order_id)
    if item is None or item.user_id != caller.user_id:
        raise NotFound(NO_ORDER, "orderId")
    return item


def _completion(now: datetime) -> rules.Completion:
    terms = order_terms()
    return rules.completion(now, terms.no_reason_return_seconds, terms.quality_return_seconds)


def confirm_receipt(principal: Principal | None, order_id: str, now: datetime) -> OrderView:
    """The buyer has the parcel: SHIPPED → COMPLETED (the return windows start). Confirming a
    completed order again answers it as it is."""
    caller = require_user(principal)
    item = _own_item(caller, order_id)
    if getattr(item, "pickup", None) is not None:  # set when placed, never changed: no race to guard
        raise InvalidState("an order for pickup is received at the leader's point, with its pickup code", "orderId")
    if OrderState(item.state) is OrderState.SHIPPED:
        if store.complete(item, _completion(now), buyer_id=caller.user_id):
            count("OrdersCompleted")
            return store.view_of(item)
        item = _own_item(caller, order_id)  # the timer completed it meanwhile
    if OrderState(item.state) is OrderState.COMPLETED:
        return store.view_of(item)
    raise InvalidState(f"this order is {item.state.lower()}, not shipped", "orderId")


def complete_when_due(order_id: str, now: datetime, refund_uncollected: Callable[[str, datetime], str] | None = None,
                      ) -> str:
    """The delivery timer's task: "completed" (by this run), "already" (completed, by its buyer
    or an earlier run), "not_shipped" (never shipped, or moved on), "unknown". Raises ``NotYet``
    if it woke before complete_by (retried)."""
    item = store.get_order_item(order_id)
    if item is None:
        return "unknown"
    state = OrderState(item.state)
    if state is OrderState.COMPLETED:
        return "already"
    if state is not OrderState.SHIPPED:
        return "not_shipped"
    if not rules.is_due(store.view_of(item).delivery.complete_by, now):
        raise NotYet("the order's complete_by has not come yet")
    if _refunds_when_uncollected(item):
        if refund_uncollected is None:  # never complete an order its round refunds: fail loudly, the timer retries
            raise RuntimeError("an uncollected order to refund needs after-sales' refund (chalicelib/deliveries.py)")
        return refund_uncollected(order_id, now)
    if store.complete(item, _completion(now), due_at=now):
        count("OrdersCompletedByTimer")
        return "completed"
    current = store.get_order_item(order_id)
    return "already" if current is not None and current.state == OrderState.COMPLETED.value else "not_shipped"


def set_order_address(principal: Principal | None, order_id: str, address_id: str) -> OrderView:
    """The buyer gives (or changes) where an order ships, from their book, until it is shipped."""
    caller = require_user(principal)
    item = _own_item(caller, order_id)
    if getattr(item, "pickup", None) is not None:  # set when placed, never changed: no race to guard
        raise InvalidState("an order for pickup is collected at the leader's point: it takes no address", "orderId")
    address = address_for_checkout(caller.user_id, address_id)
    if OrderState(item.state) not in store.ADDRESSABLE or not store.set_address(item, address, caller.user_id):
        current = _own_item(caller, order_id)
        raise InvalidState(f"this order is {current.state.lower()}: its address can no longer change", "orderId")
    return store.view_of(item)


def _refunds_when_uncollected(item) -> bool:
    """An order for pickup whose round refunds it when nobody collects it by complete_by."""
    pickup = getattr(item, "pickup", None)
    return pickup is not None and pickup.uncollected == "REFUND"
