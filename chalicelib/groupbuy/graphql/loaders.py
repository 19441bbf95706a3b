"""Group-buy loaders: deals, teams with their seats, a deal's stock, deals' open teams, batched per request."""
from __future__ import annotations

from typing import Any

from strawberry.dataloader import DataLoader

from chalicelib.core.clock import utc_now
from chalicelib.core.graphql.context import Loaders, loader
from chalicelib.core.table.paging import PageRequest
from chalicelib.groupbuy import store as groupbuy_store


@loader("deal")
def _deal(loaders: Loaders) -> DataLoader[str, Any]:
    async def load(ids: list[str]) -> list[Any]:
        found = groupbuy_store.deals_by_id(ids)
        return [found.get(i) for i in ids]

    return DataLoader(load_fn=load)


@loader("team_view")
def _team_view(loaders: Loaders) -> DataLoader[str, Any]:
    async def load(ids: list[str]) -> list[Any]:
        return [groupbuy_store.team_with_seats(i) for i in ids]

    return DataLoader(load_fn=load)


@loader("deal_stock")
def _deal_stock(loaders: Loaders) -> DataLoader[Any, dict]:
    async def load(deals: list[Any]) -> list[dict]:
        found = groupbuy_store.deal_stocks(deals)
        return [found.get(d.id, {}) for d in deals]

    return DataLoader(load_fn=load, cache_key_fn=lambda d: d.id)


@loader("deal_open_teams")
def _deal_open_teams(loaders: Loaders) -> DataLoader[tuple[str, PageRequest], Any]:
    """Deals' ``openTeams`` their items cannot answer (``after``, ``last``/``before``, or more
    than they list): their Queries at once rather than one after another."""

    async def load(listings: list[tuple[str, PageRequest]]) -> list[Any]:
        return groupbuy_store.open_teams_of_deals(listings, utc_now())

    return DataLoader(load_fn=load)
