"""Adding a paid order to the counters, once; reading them (one Query)."""
from __future__ import annotations

from datetime import datetime

from chalicelib.attribution import keys
from chalicelib.attribution.models import CountedOrderItem, SourceSalesItem
from chalicelib.attribution.rules import POST, PaidOrder
from chalicelib.core.clock import iso
from chalicelib.core.table.models import TableItem
from chalicelib.core.table.paging import query_page
from chalicelib.core.table.transactions import Transaction, TransactionCancelled

MAX_ROWS = 100  # (kind, currency) pairs: 7 kinds × 3 currencies fit one page


def _add(tx: Transaction, label: str, pk: str, kind: str, order: PaidOrder) -> None:
    tx.update(label, SourceSalesItem(pk, keys.sales_sk(kind, order.currency)),
              [SourceSalesItem.type.set(SourceSalesItem), SourceSalesItem.kind.set(kind), SourceSalesItem.currency.set(order.currency),
               SourceSalesItem.orders.add(1), SourceSalesItem.amount.add(order.amount)])


def count(order: PaidOrder, post_id: str | None, now: datetime) -> bool:
    """ONE transaction: the order's marker put if absent, its merchant's counter (and the post's) ADDed.
    False when it was counted already (a redelivered record): nothing changes."""
    tx = Transaction()
    tx.put("counted", CountedOrderItem(keys.counted_pk(order.order_id), keys.COUNTED_SK, order_id=order.order_id,
                                       kind=order.kind, post_id=post_id, counted_at=iso(now)),
           TableItem.PK.does_not_exist())
    if order.merchant_id is not None:
        _add(tx, "merchant", keys.merchant_sales_pk(order.merchant_id), order.kind, order)
    if post_id is not None:
        _add(tx, "post", keys.post_sales_pk(post_id), POST, order)
    try:
        tx.commit()
    except TransactionCancelled as error:
        if "counted" in error.failed:
            return False
        raise
    return True


def sales(pk: str) -> list[SourceSalesItem]:
    return list(query_page(SourceSalesItem, pk, MAX_ROWS, forward=True).items)


def merchant_sales(merchant_id: str) -> list[SourceSalesItem]:
    return sales(keys.merchant_sales_pk(merchant_id))


def post_sales(post_id: str) -> list[SourceSalesItem]:
    return sales(keys.post_sales_pk(post_id))
