"""Stock counters and reservations, on any stock item (a SKU today, a deal's
allotment in the group-buy issue).

Invariants, each held by a condition DynamoDB checks atomically:
- ``available`` never goes below zero (reserve and adjust are conditional);
- a reservation leaves HELD once: released or committed, never both, never twice,
  so its units return to the counter exactly once.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from pynamodb.exceptions import DoesNotExist

from chalicelib.catalog import keys
from chalicelib.catalog.models import ReservationItem, SkuItem
from chalicelib.catalog.rules import Stock
from chalicelib.core.errors import InvalidState, NotFound, OutOfStock
from chalicelib.core.idempotency import IdempotentRequest
from chalicelib.core.table import idempotency
from chalicelib.core.table.conditional import update_if
from chalicelib.core.table.models import TableItem
from chalicelib.core.table.transactions import Transaction, TransactionCancelled


class ReservationState(Enum):
    HELD = "HELD"
    RELEASED = "RELEASED"
    COMMITTED = "COMMITTED"


@dataclass(frozen=True, slots=True)
class StockKey:
    pk: str
    sk: str

    @classmethod
    def of_sku(cls, product_id: str, sku_id: str) -> StockKey:
        return cls(keys.product_pk(product_id), keys.sku_sk(sku_id))


@dataclass(frozen=True, slots=True)
class Reservation:
    id: str
    stock: StockKey
    quantity: int
    state: ReservationState
    owner_id: str
    expires_at: str


def _counter(stock: StockKey) -> SkuItem:
    # Any stock item has these counters; SkuItem is the model that names them.
    return SkuItem(stock.pk, stock.sk)


def _counters(item: SkuItem) -> Stock:
    return Stock(int(item.available), int(item.reserved), int(item.sold))


def set_available(stock: StockKey, available: int) -> Stock:
    item = _counter(stock)
    if not update_if(item, [SkuItem.available.set(available)], TableItem.PK.exists()):
        raise NotFound("no such stock item", "skuId")
    return _counters(item)


def adjust_available(stock: StockKey, delta: int) -> Stock:
    """Add (or, negative, remove) units; refused if it would go below zero."""
    condition = TableItem.PK.exists()
    if delta < 0:
        condition &= SkuItem.available >= -delta
    item = _counter(stock)
    if not update_if(item, [SkuItem.available.add(delta)], condition):
        if not TableItem.count(stock.pk, TableItem.SK == stock.sk):
            raise NotFound("no such stock item", "skuId")
        raise OutOfStock("not enough available stock to remove", "delta")
    return _counters(item)


def adjust_available_once(stock: StockKey, delta: int, request: IdempotentRequest, now: datetime) -> bool:
    """``adjust_available`` guarded by an idempotency key, in one transaction.
    Returns False for a replay (nothing changed this time)."""
    condition = TableItem.PK.exists()
    if delta < 0:
        condition &= SkuItem.available >= -delta
    tx = Transaction()
    tx.update("stock", _counter(stock), [SkuItem.available.add(delta)], condition)
    idempotency.claim(tx, request, now)
    try:
        tx.commit()
    except TransactionCancelled as error:
        if idempotency.LABEL in error.failed:
            idempotency.check_replay(request)
            return False
        raise OutOfStock("not enough available stock to remove", "delta") from error
    return True


def reserve(reservation: Reservation, created_at: str) -> None:
    """Take units from ``available`` into ``reserved`` and record who holds them.

    Idempotent per reservation id: a retry of a request that did apply (a timeout
    after the write) finds its own reservation and succeeds without taking stock
    twice. On AWS the client request token does the same within ten minutes.
    """
    tx = Transaction(client_request_token=reservation.id)
    add_reserve(tx, reservation, created_at)
    try:
        tx.commit()
    except TransactionCancelled as error:
        if "reservation" in error.failed:
            existing = get_reservation(reservation.id)
            if (existing.stock, existing.quantity, existing.owner_id) == (
                reservation.stock, reservation.quantity, reservation.owner_id
            ):
                return
            raise InvalidState("this reservation id is taken", "reservationId") from error
        raise OutOfStock("not enough stock", "quantity") from error


def add_reserve(tx: Transaction, reservation: Reservation, created_at: str) -> None:
    """The writes of a reservation, for a caller's larger transaction (labels
    "stock" and "reservation")."""
    tx.update(
        "stock",
        _counter(reservation.stock),
        [SkuItem.available.add(-reservation.quantity), SkuItem.reserved.add(reservation.quantity)],
        TableItem.PK.exists() & (SkuItem.available >= reservation.quantity),
    )
    tx.put(
        "reservation",
        ReservationItem(
            keys.reservation_pk(reservation.id),
            keys.RESERVATION_SK,
            reservation_id=reservation.id,
            stock_pk=reservation.stock.pk,
            stock_sk=reservation.stock.sk,
            quantity=reservation.quantity,
            state=ReservationState.HELD.value,
            owner_id=reservation.owner_id,
            created_at=created_at,
            expires_at=reservation.expires_at,
        ),
        TableItem.PK.does_not_exist(),
    )


def add_resolve(tx: Transaction, reservation: Reservation, outcome: ReservationState, now: str) -> None:
    """Release or commit a HELD reservation inside a caller's transaction (labels
    "reservation" and "stock"); the reservation's state condition makes it once-only."""
    if outcome is ReservationState.HELD:
        raise ValueError("resolve to RELEASED or COMMITTED")
    q = reservation.quantity
    counter_actions = (
        [SkuItem.available.add(q), SkuItem.reserved.add(-q)]
        if outcome is ReservationState.RELEASED
        else [SkuItem.reserved.add(-q), SkuItem.sold.add(q)]
    )
    tx.update(
        "reservation",
        ReservationItem(keys.reservation_pk(reservation.id), keys.RESERVATION_SK),
        [ReservationItem.state.set(outcome.value), ReservationItem.resolved_at.set(now)],
        (ReservationItem.state == ReservationState.HELD.value) & (ReservationItem.quantity == q),
    )
    tx.update("stock", _counter(reservation.stock), counter_actions, SkuItem.reserved >= q)


def add_return_sold(tx: Transaction, stock: StockKey, quantity: int, label: str = "stock") -> None:
    """Units sold and then refunded go back on sale."""
    tx.update(label, _counter(stock), [SkuItem.sold.add(-quantity), SkuItem.available.add(quantity)],
              SkuItem.sold >= quantity)


def add_restock(tx: Transaction, stock: StockKey, quantity: int, label: str = "stock") -> None:
    """Units that come back from elsewhere (a group-buy order's return: sold from its deal's own
    stock, not this item's) go on sale here."""
    tx.update(label, _counter(stock), [SkuItem.available.add(quantity)], TableItem.PK.exists())


def get_reservation(reservation_id: str) -> Reservation:
    try:
        item = ReservationItem.get(keys.reservation_pk(reservation_id), keys.RESERVATION_SK, consistent_read=True)
    except DoesNotExist as error:
        raise NotFound("no such reservation", "reservationId") from error
    return Reservation(
        id=item.reservation_id,
        stock=StockKey(item.stock_pk, item.stock_sk),
        quantity=int(item.quantity),
        state=ReservationState(item.state),
        owner_id=item.owner_id,
        expires_at=item.expires_at,
    )


def resolve(reservation: Reservation, outcome: ReservationState, now: str) -> bool:
    """Release or commit a HELD reservation. Returns False if it was already
    resolved (by anyone): the caller's retry or a racing timer is a no-op."""
    tx = Transaction()
    add_resolve(tx, reservation, outcome, now)
    try:
        tx.commit()
    except TransactionCancelled as error:
        if "reservation" in error.failed:
            return False
        raise
    return True


# ---------------------------------------------------------------- holds guarded by the caller's item
# A checkout holds several SKUs for one payment; the payment's own state change (awaiting →
# paid or cancelled, once, by its condition) is what makes the units move once, so these
# write only the counters, each under the caller's label, within the caller's transaction.
def add_hold(tx: Transaction, stock: StockKey, quantity: int, label: str) -> None:
    """``available`` → ``reserved``, refused (``label``) when fewer than ``quantity`` are available."""
    tx.update(label, _counter(stock), [SkuItem.available.add(-quantity), SkuItem.reserved.add(quantity)],
              TableItem.PK.exists() & (SkuItem.available >= quantity))


def add_release_hold(tx: Transaction, stock: StockKey, quantity: int, label: str) -> None:
    """Held units back on sale (the payment was cancelled)."""
    tx.update(label, _counter(stock), [SkuItem.reserved.add(-quantity), SkuItem.available.add(quantity)],
              SkuItem.reserved >= quantity)


def add_sell_hold(tx: Transaction, stock: StockKey, quantity: int, label: str) -> None:
    """Held units sold (the payment was captured in time)."""
    tx.update(label, _counter(stock), [SkuItem.reserved.add(-quantity), SkuItem.sold.add(quantity)],
              SkuItem.reserved >= quantity)
