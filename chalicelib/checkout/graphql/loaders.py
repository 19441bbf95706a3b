"""Checkout loaders: payments and regular order items, batched per request."""
from __future__ import annotations

from typing import Any

from strawberry.dataloader import DataLoader

from chalicelib.checkout import keys
from chalicelib.checkout.models import PaymentItem, ShopOrderItem
from chalicelib.checkout.store import to_payment
from chalicelib.core.graphql.context import Loaders, loader
from chalicelib.core.table.batch import batch_get


@loader("checkout_payment")
def _payment(loaders: Loaders) -> DataLoader[str, Any]:
    async def load(ids: list[str]) -> list[Any]:
        found = {i.payment_id: to_payment(i) for i in batch_get((keys.payment_pk(p), keys.PAYMENT_SK) for p in ids)
                 if isinstance(i, PaymentItem)}
        return [found.get(i) for i in ids]

    return DataLoader(load_fn=load)


@loader("shop_order_item")
def _shop_order_item(loaders: Loaders) -> DataLoader[str, Any]:
    async def load(ids: list[str]) -> list[Any]:
        found = {i.order_id: i for i in batch_get((keys.order_pk(o), keys.ORDER_SK) for o in ids)
                 if isinstance(i, ShopOrderItem)}
        return [found.get(i) for i in ids]

    return DataLoader(load_fn=load)
