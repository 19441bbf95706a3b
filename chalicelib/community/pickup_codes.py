"""Handing an order for pickup over at the leader's point with its pickup code (提货码).

The leader scans (or types) the customer's code. Only an order waiting at the caller's own point is found (the
code's key names the leader), only once it has arrived (SHIPPED: its batch was delivered), only before its
``complete_by`` (the collection window: after it the delivery timer keeps or refunds it), and only once: the
code's ``handed_over_at`` and the order's completion are ONE transaction. Guessing is bounded strictly: before a
code is judged, the point takes one of its ``MAX_MISSES`` slots for the window under a condition, and a code that
turns out to be an order's gives the slot back, so concurrent guesses cannot exceed the limit.

DynamoDB requests (the caller's own GetItem apart): one BatchGetItem (the leader, the code), one UpdateItem (the
slot), then for a found code one GetItem of the order, ONE TransactWriteItems (the code, the order, the slot back)
and one GetItem of the order as completed.
"""
from __future__ import annotations

from datetime import datetime

from chalicelib.community import keys, keys_rounds
from chalicelib.community.models import LeaderItem
from chalicelib.community.models_rounds import PickupCodeItem, PickupMissesItem
from chalicelib.community.rules import LeaderState
from chalicelib.community.rules_pickup import (
    MAX_MISSES,
    MISS_WINDOW,
    NotArrived,
    TooManyWrongCodes,
    UnknownPickupCode,
    clean_code,
    miss_window,
)
from chalicelib.core.clock import CHINA, from_iso, iso
from chalicelib.core.errors import Forbidden
from chalicelib.core.observability import count
from chalicelib.core.principal import Principal, require_user
from chalicelib.core.table.batch import batch_get
from chalicelib.core.table.conditional import update_if
from chalicelib.core.table.transactions import Transaction
from chalicelib.fulfilment.published.completion import add_complete
from chalicelib.orders.published.items import get_order_item, view_of
from chalicelib.orders.published.kinds import OrderState, OrderView

FIELD = "code"
HANDING_OVER = (LeaderState.APPROVED.value, LeaderState.SUSPENDED.value)  # a suspended point still hands over


def hand_over(principal: Principal | None, code_text: object, now: datetime) -> OrderView:
    """The caller, a leader, hands over the order whose code the customer shows; the order as completed."""
    leader_id = require_user(principal).user_id
    code = clean_code(code_text)
    wanted = [(keys.leader_pk(leader_id), keys.LEADER_SK)]
    if code is not None:
        wanted.append((keys_rounds.pickup_code_pk(leader_id, code), keys_rounds.PICKUP_CODE_SK))
    found = {type(item): item for item in batch_get(wanted)}
    leader = found.get(LeaderItem)
    if leader is None or leader.state not in HANDING_OVER:
        raise Forbidden("only a community leader hands orders over, at their own point", FIELD)
    window = miss_window(now)
    if not _take_slot(leader_id, window):
        until = (window + MISS_WINDOW).astimezone(CHINA).strftime("%H:%M")
        raise TooManyWrongCodes(f"{MAX_MISSES} wrong codes in {MISS_WINDOW.seconds // 60} minutes: try again "
                                f"from {until}", FIELD)
    found_code = found.get(PickupCodeItem)
    if found_code is None:
        count("PickupCodeMisses")
        raise UnknownPickupCode("no order with this code waits at your point", FIELD)
    return _complete(leader_id, found_code, window, now)


def _complete(leader_id: str, code: PickupCodeItem, window: datetime, now: datetime) -> OrderView:
    order = get_order_item(code.order_id)
    why_not = _why_not(code, order, now)
    if why_not is not None:
        _give_slot_back(leader_id, window)
        raise NotArrived(why_not, FIELD)
    tx = Transaction()
    tx.refuse("code", NotArrived("this order was handed over already", FIELD))
    tx.refuse("order", NotArrived("this order is no longer waiting at your point", FIELD))
    tx.update("code", PickupCodeItem(code.PK, code.SK), [PickupCodeItem.handed_over_at.set(iso(now))],
              PickupCodeItem.handed_over_at.does_not_exist())
    add_complete(tx, "order", order, code.user_id, now)
    tx.update("slot", _slot_ref(leader_id, window), [PickupMissesItem.misses.add(-1)])
    try:
        tx.commit()
    except NotArrived:
        _give_slot_back(leader_id, window)
        raise
    count("PickupsHandedOver")
    completed = get_order_item(code.order_id)
    assert completed is not None
    return view_of(completed)


def _why_not(code: PickupCodeItem, order, now: datetime) -> str | None:
    """Why this order cannot be handed over now; None if it can (the transaction checks it again)."""
    if code.handed_over_at is not None:
        return "this order was handed over already"
    if order is not None and order.state in (OrderState.TO_SHIP.value, OrderState.AWAITING_PAYMENT.value):
        return "this order has not been delivered to your point yet"
    if order is None or order.state != OrderState.SHIPPED.value:
        return "this order is no longer waiting at your point"
    if order.after_sales_hold is not None:
        return "a refund of this order is asked or made: it cannot be handed over (unless the request is withdrawn)"
    if order.complete_by is None or from_iso(order.complete_by) <= now:
        return "the time to collect this order has passed (its round keeps or refunds it)"
    return None


def _slot_ref(leader_id: str, window: datetime) -> PickupMissesItem:
    return PickupMissesItem(keys.leader_pk(leader_id), keys_rounds.pickup_misses_sk(iso(window)))


def _take_slot(leader_id: str, window: datetime) -> bool:
    """One of the window's slots for judging a code, if any is left (the condition holds under concurrency)."""
    expires = int((window + 2 * MISS_WINDOW).timestamp())
    return update_if(_slot_ref(leader_id, window),
                     [PickupMissesItem.misses.add(1), PickupMissesItem.ttl.set(expires),
                      PickupMissesItem.type.set(PickupMissesItem)],
                     PickupMissesItem.misses.does_not_exist() | (PickupMissesItem.misses < MAX_MISSES))


def _give_slot_back(leader_id: str, window: datetime) -> None:
    """A code that was an order's, though not handed over now (not arrived, or handed over): not a guess."""
    update_if(_slot_ref(leader_id, window), [PickupMissesItem.misses.add(-1)], PickupMissesItem.misses > 0)
