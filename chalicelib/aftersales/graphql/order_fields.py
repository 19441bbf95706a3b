"""After-sales' fields on an order's lines: what was refunded of each (a merchant ships the rest)."""
from __future__ import annotations

from typing import Any

import strawberry
from strawberry.dataloader import DataLoader

from chalicelib.aftersales import keys
from chalicelib.aftersales.models import AfterSalesLineItem
from chalicelib.core.graphql.context import Ctx, Loaders, loader
from chalicelib.core.graphql.extend import extends
from chalicelib.core.graphql.money import Money
from chalicelib.core.table.batch import batch_get
from chalicelib.orders.published.graphql import OrderLine


@loader("after_sales_line")
def _after_sales_line(loaders: Loaders) -> DataLoader[tuple[str, int], Any]:
    """Lines' ledgers by (order id, line index): one BatchGetItem for a page of orders' lines."""
    async def load(wanted: list[tuple[str, int]]) -> list[Any]:
        found = {(item.order_id, int(item.index)): item
                 for item in batch_get((keys.order_pk(o), keys.line_sk(i)) for o, i in wanted)
                 if isinstance(item, AfterSalesLineItem)}
        return [found.get(key) for key in wanted]

    return DataLoader(load_fn=load)


@extends(OrderLine)
@strawberry.type
class AfterSalesLineFields:
    @strawberry.field(description="Units of this line refunded by after-sales (the rest is what ships or was kept); "
                                  "read with the page's other lines in one request.")
    async def refunded_quantity(self, info: Ctx) -> int:
        ledger = await info.context.loaders.after_sales_line.load((self.order_id, self.index))
        return 0 if ledger is None else int(ledger.refunded_units or 0)

    @strawberry.field(description="Money refunded on this line by after-sales.")
    async def refunded(self, info: Ctx) -> Money:
        ledger = await info.context.loaders.after_sales_line.load((self.order_id, self.index))
        return Money(amount=int(ledger.refunded) if ledger else 0, currency=self.currency)  # type: ignore[arg-type]

