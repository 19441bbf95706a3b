"""The purchase history in the table: recorded and cancelled in one transaction each."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from chalicelib.core.clock import from_iso, iso
from chalicelib.core.table.conditional import update_if
from chalicelib.core.table.models import TableItem
from chalicelib.core.table.paging import Page, query_page
from chalicelib.core.table.transactions import Transaction, TransactionCancelled
from chalicelib.purchases import keys
from chalicelib.purchases.models import PurchaseItem, PurchaseOrderItem


@dataclass(frozen=True, slots=True)
class PaidOrder:
    order_id: str
    product_id: str
    paid_at: datetime
    amount: int  # fen


def _commit(tx: Transaction) -> bool:
    """False when the order's guard refused (counted already, or never counted)."""
    try:
        tx.commit()
    except TransactionCancelled as error:
        if error.failed == {"order"}:
            return False
        raise
    return True


def record_purchase(user_id: str, order_id: str, product_id: str, paid_at: datetime, amount: int) -> bool:
    """An order of one product (a group-buy seat): ``record_purchase_of_products``."""
    return record_purchase_of_products(user_id, order_id, [product_id], paid_at, amount)


def record_purchase_of_products(user_id: str, order_id: str, product_ids: Sequence[str], paid_at: datetime,
                                amount: int) -> bool:
    """ONE transaction: the order's entry if absent (named after its first product) and each
    of its products' count + 1. False if this order was counted already (a redelivered record)."""
    products = list(dict.fromkeys(product_ids))
    tx = Transaction()
    tx.put("order", PurchaseOrderItem(keys.purchases_pk(user_id), keys.purchase_order_sk(order_id),
                                      product_id=products[0], created_at=iso(paid_at), amount=amount),
           TableItem.PK.does_not_exist())
    for i, product_id in enumerate(products):
        tx.update(f"purchase:{i}", PurchaseItem(keys.purchases_pk(user_id), keys.purchase_sk(product_id)),
                  [PurchaseItem.paid_orders.add(1), PurchaseItem.type.set(PurchaseItem)])
    return _commit(tx)


def cancel_purchase(user_id: str, order_id: str, product_id: str) -> bool:
    """The refund's side: the entry deleted, if present, and the count − 1. False if
    the order was not counted (never paid, or refunded already)."""
    tx = Transaction()
    tx.delete("order", PurchaseOrderItem(keys.purchases_pk(user_id), keys.purchase_order_sk(order_id)),
              TableItem.PK.exists())
    tx.update("purchase", PurchaseItem(keys.purchases_pk(user_id), keys.purchase_sk(product_id)),
              [PurchaseItem.paid_orders.add(-1), PurchaseItem.type.set(PurchaseItem)])
    return _commit(tx)


def keep_amount(user_id: str, order_id: str, amount: int) -> bool:
    """A partial refund: the order stays bought, for what was kept. False if the
    order is not in the history (never paid, or refunded in full already)."""
    item = PurchaseOrderItem(keys.purchases_pk(user_id), keys.purchase_order_sk(order_id))
    return update_if(item, [PurchaseOrderItem.amount.set(amount)], TableItem.PK.exists())


def paid_orders_page(user_id: str, limit: int, after: str | None = None) -> Page[PaidOrder]:
    """Paid orders not refunded, newest first (by order id, which sorts by creation); a position is a sort key."""
    page = query_page(TableItem, keys.purchases_pk(user_id), limit, after, prefix=keys.ORDER_PREFIX,
                      kinds=PurchaseOrderItem)
    return page.map(lambda item: PaidOrder(item.SK[len(keys.ORDER_PREFIX):], item.product_id,
                                           from_iso(item.created_at), int(item.amount or 0)))


def purchase_key(user_id: str, product_id: str) -> tuple[str, str]:
    return keys.purchases_pk(user_id), keys.purchase_sk(product_id)


def is_purchase(item: TableItem) -> bool:
    """A PurchaseItem saying the product was paid for and not refunded."""
    return isinstance(item, PurchaseItem) and int(item.paid_orders or 0) > 0
