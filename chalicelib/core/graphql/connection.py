"""One Relay connection builder: a store's ``Page`` to Connection, Edge and PageInfo.

- Every edge carries the cursor of its own position, so paging resumes after any
  edge (Apollo's ``relayStylePagination`` merges by edge cursor: edges sharing a
  cursor are dropped). Where the store cannot name an item's position (a merged
  feed resumes only from its end), the edge carries ``fallback`` (default: the
  page's end).
- ``endCursor`` is the page's end: where the next page starts (past the last edge
  when the store skipped items after it); null where nothing follows to resume
  from (an empty page, the end of a merged feed).
- ``hasNextPage`` is the store's ``has_more``; ``hasPreviousPage`` is true exactly
  when the page was requested with ``after`` (``Page.after``; forward paging only: there is always
  a page before one that was asked for after a cursor, and none before the first).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from chalicelib.core.graphql.cursors import encode_cursor
from chalicelib.core.graphql.pagination import PageInfo
from chalicelib.core.table.paging import Page

C = TypeVar("C")

HAS_PREVIOUS_PAGE = "True exactly when this page was requested with `after`."


def page_info(scope: str, page: Page[Any], edges: list[Any]) -> PageInfo:
    return PageInfo(
        has_next_page=page.has_more,
        has_previous_page=page.after is not None,
        start_cursor=edges[0].cursor if edges else None,
        end_cursor=encode_cursor(scope, page.end) if page.end is not None else None,
    )


def connection(connection_type: Callable[..., C], edge_type: Callable[..., Any], scope: str, page: Page[Any],
               node: Callable[[Any], Any], *, fallback: str | None = None) -> C:
    """``connection_type(edges=[edge_type(node=node(item), cursor=…)], page_info=…)``
    for ``page``, its cursors in ``scope``."""
    default = fallback if fallback is not None else page.end
    edges = []
    for index, item in enumerate(page.items):
        position = page.position(index)
        if position is None:
            position = default
        if position is None:
            raise ValueError("an edge needs a position: give the page positions, an end or a fallback")
        edges.append(edge_type(node=node(item), cursor=encode_cursor(scope, position)))
    return connection_type(edges=edges, page_info=page_info(scope, page, edges))
