"""Orders of any kind by id, batched per request (one BatchGetItem for a page's worth)."""
from __future__ import annotations

from typing import Any

from strawberry.dataloader import DataLoader

from chalicelib.core.graphql.context import Loaders, loader
from chalicelib.core.table.batch import batch_get
from chalicelib.orders import kinds, store


@loader("order")
def _order(loaders: Loaders) -> DataLoader[str, Any]:
    async def load(ids: list[str]) -> list[Any]:
        views = [kinds.view_of(item) for item in batch_get((store.order_pk(o), store.ORDER_SK) for o in ids)]
        found = {view.id: view for view in views if view is not None}
        return [found.get(i) for i in ids]

    return DataLoader(load_fn=load)
