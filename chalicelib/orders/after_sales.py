"""After-sales' writes on an order of either kind, inside the caller's transaction. The order's
own feature owns its item; these touch only the shared after-payment attributes
(``DeliveryAttributes``) and read the shared ``state``, so they need no kind."""
from __future__ import annotations

from collections.abc import Iterable

from pynamodb.expressions.operand import Path

from chalicelib.core.table.models import TableItem
from chalicelib.core.table.transactions import Transaction
from chalicelib.orders import store
from chalicelib.orders.models import DeliveryAttributes

LABEL = "order"
_STATE = Path("state")


def _ref(order_id: str) -> TableItem:
    return TableItem(store.order_pk(order_id), store.ORDER_SK)


def add_check_state(tx: Transaction, order_id: str, states: Iterable[str], hold: str | None = None) -> None:
    """The order is still in one of ``states`` and not held by another request (label ``order``).
    With ``hold`` (a request id), the order is held by it: it must not ship until released."""
    condition = _STATE.is_in(*states) & DeliveryAttributes.after_sales_hold.does_not_exist()
    if hold is None:
        tx.condition_check(LABEL, TableItem, store.order_pk(order_id), store.ORDER_SK, condition)
    else:
        tx.update(LABEL, _ref(order_id), [DeliveryAttributes.after_sales_hold.set(hold)], condition)


def add_release_hold(tx: Transaction, order_id: str, request_id: str) -> None:
    """The request no longer holds the order (label ``order``); nothing if another holds it."""
    tx.update(LABEL, _ref(order_id), [DeliveryAttributes.after_sales_hold.remove()],
              DeliveryAttributes.after_sales_hold == request_id)


def add_refunded(tx: Transaction, order_id: str, amount: int, bound: int, *, release_hold_of: str | None = None) -> None:
    """``amount`` more fen refunded on the order (label ``order``), never past ``bound`` (what the
    order charged). ``release_hold_of``: the refunded request held it (a partial refund before
    shipping: the rest may ship now); a whole-order refund keeps its hold so it never ships."""
    refunded = DeliveryAttributes.after_sales_refunded
    actions = [refunded.add(amount)]
    condition = refunded.does_not_exist() | (refunded <= bound - amount)
    if release_hold_of is not None:
        actions.append(DeliveryAttributes.after_sales_hold.remove())
        condition &= DeliveryAttributes.after_sales_hold == release_hold_of
    tx.update(LABEL, _ref(order_id), actions, condition)
