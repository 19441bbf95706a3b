"""One Relay connection builder: a store's ``Page`` to Connection, Edge and PageInfo.

- Every edge carries the cursor of its own position, so paging resumes after any
  edge (Apollo's ``relayStylePagination`` merges by edge cursor: edges sharing a
  cursor are dropped, silently). A page without a position for each item is a
  programming error, refused.
- ``endCursor`` is the page's end: where the next page starts (past the last edge
  when the store skipped items after it); on a last page without an end, the last
  edge's cursor (Relay's definition; Apollo merges the next page after it); null
  only on an empty page.
- Forward page: ``hasNextPage`` is the store's ``has_more``; ``hasPreviousPage`` is
  true exactly when the page was requested with ``after`` (``Page.after``: there is
  always a page before one asked for after a cursor, and none before the first).
- Backward page (``last``/``before``, ``Page.backward``): the mirror image.
  ``hasPreviousPage`` is ``has_more``; ``hasNextPage`` is true exactly when it was
  requested with ``before``; ``startCursor`` is the page's start (``Page.start``,
  before the first edge when the store skipped items there), ``endCursor`` the
  last edge's cursor. Edges are in the listing's order either way.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from chalicelib.core.graphql.cursors import encode_cursor
from chalicelib.core.graphql.pagination import PageInfo
from chalicelib.core.table.paging import Page

C = TypeVar("C")

def page_info(scope: str, page: Page[Any], edges: list[Any]) -> PageInfo:
    if page.backward:
        return PageInfo(
            has_next_page=page.before is not None,
            has_previous_page=page.has_more,
            start_cursor=encode_cursor(scope, page.start) if page.start is not None else None,
            end_cursor=edges[-1].cursor if edges else None,
        )
    return PageInfo(
        has_next_page=page.has_more,
        has_previous_page=page.after is not None,
        start_cursor=edges[0].cursor if edges else None,
        end_cursor=encode_cursor(scope, page.end) if page.end is not None else (edges[-1].cursor if edges else None),
    )


def connection(connection_type: Callable[..., C], edge_type: Callable[..., Any], scope: str, page: Page[Any],
               node: Callable[[Any], Any]) -> C:
    """``connection_type(edges=[edge_type(node=node(item), cursor=…)], page_info=…)``
    for ``page``, its cursors in ``scope``."""
    edges = []
    for index, item in enumerate(page.items):
        position = page.position(index)
        if position is None:
            raise ValueError("every edge needs its own position: give the page one per item")
        edges.append(edge_type(node=node(item), cursor=encode_cursor(scope, position)))
    return connection_type(edges=edges, page_info=page_info(scope, page, edges))
