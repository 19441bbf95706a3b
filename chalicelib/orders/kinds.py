"""The registry the order kinds fill: which table item is which kind, and how it reads as an
``OrderView``. Orders know no kind; each kind registers itself (group-buy's and checkout's
GraphQL modules, imported by the root schema), so the dependency points from the kinds here."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chalicelib.orders.rules import OrderView

_mappers: dict[type, Callable[[Any], OrderView]] = {}


def register_kind(item_type: type, to_view: Callable[[Any], OrderView]) -> None:
    """``item_type`` (a TableItem subclass under ``ORDER#<id>``/``ORDER`` and in GSI1
    ``USER#<u>#ORDERS``) reads as an order through ``to_view``."""
    if _mappers.get(item_type, to_view) is not to_view:
        raise RuntimeError(f"{item_type.__name__} is registered as an order kind already")
    _mappers[item_type] = to_view


def item_types() -> tuple[type, ...]:
    return tuple(_mappers)


def view_of(item: object) -> OrderView | None:
    """The item as an order; None when it is no registered kind."""
    to_view = _mappers.get(type(item))
    return None if to_view is None else to_view(item)
