"""Relay connection arguments: bounded page sizes, signed cursors.

Forward paging is `first`/`after`; a connection over one index Query also takes
`last`/`before` (the Relay Cursor Connections spec's backward arguments, as Apollo's
`relayStylePagination` sends them to prepend a page). Mixing the two directions in
one request is refused: `first` with `last`, `after` with `before`, `first` with
`before`.
"""
from __future__ import annotations

from typing import Annotated

import strawberry

from chalicelib.core.errors import PageSizeExceeded, ValidationFailed
from chalicelib.core.graphql.cursors import decode_cursor
from chalicelib.core.table.paging import PageRequest

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20

# A connection field's arguments, described once: `first: First = None, after: After = None`.
First = Annotated[int | None, strawberry.argument(
    description=f"Page size: 1 to {MAX_PAGE_SIZE}; {DEFAULT_PAGE_SIZE} when omitted.")]
After = Annotated[str | None, strawberry.argument(
    description="The previous page's `pageInfo.endCursor` (or an edge's cursor); omit for the first page.")]
# The sentence a connection field's description ends with when it takes `last`/`before` too.
BOTH_WAYS = " Pages both ways: `first`/`after` forward, `last`/`before` backward."
# One that pages forward only (a composite listing: no single index range to read backwards).
FORWARD_ONLY = " Forward only (`first`/`after`): no `last`/`before`."
# Backward paging, where the connection's description says it pages backwards.
Last = Annotated[int | None, strawberry.argument(
    description=f"Backward page size: 1 to {MAX_PAGE_SIZE}; the items just before `before` (without it, the "
                "last items of the listing), edges still in the listing's order. Not with `first`.")]
Before = Annotated[str | None, strawberry.argument(
    description="The next page's `pageInfo.startCursor` (or an edge's cursor): page backwards from it, with "
                f"`last` ({DEFAULT_PAGE_SIZE} when omitted). Not with `after` or `first`.")]


@strawberry.type
class PageInfo:
    has_next_page: bool = strawberry.field(
        description="Forward page (`first`/`after`): true exactly when items follow it. Backward page "
                    "(`last`/`before`): true exactly when it was requested with `before` (items follow).")
    has_previous_page: bool = strawberry.field(
        description="Backward page (`last`/`before`): true exactly when items come before it. Forward page: true "
                    "exactly when it was requested with `after` (the spec lets a forward page say only that).")
    start_cursor: str | None = strawberry.field(
        description="Where the previous page ends: pass it as `before` (connections that page backwards). "
                    "The first edge's cursor, or a position before it when items there were skipped; null "
                    "only on an empty page.")
    end_cursor: str | None = strawberry.field(
        description="Where the next page starts: pass it as `after`. Null only on an empty page.")


def page_size(first: int | None) -> int:
    size = DEFAULT_PAGE_SIZE if first is None else first
    if size < 1 or size > MAX_PAGE_SIZE:
        raise PageSizeExceeded(f"first must be between 1 and {MAX_PAGE_SIZE}", "first")
    return size


def after_position(scope: str, after: str | None) -> str | None:
    return decode_cursor(scope, after) if after else None


def page_request(scope: str, first: int | None, after: str | None, last: int | None = None,
                 before: str | None = None) -> PageRequest:
    """The page a connection's four arguments ask for, positions decoded from
    cursors of ``scope`` (another listing's cursor is an INVALID_CURSOR error)."""
    if first is not None and last is not None:
        raise ValidationFailed("give first or last, not both", "last")
    if after is not None and before is not None:
        raise ValidationFailed("give after or before, not both", "before")
    if first is not None and before is not None:
        raise ValidationFailed("before pages backwards: give last with it, not first", "before")
    if last is None and before is None:
        return PageRequest(page_size(first), after_position(scope, after))
    size = DEFAULT_PAGE_SIZE if last is None else last
    if size < 1 or size > MAX_PAGE_SIZE:
        raise PageSizeExceeded(f"last must be between 1 and {MAX_PAGE_SIZE}", "last")
    return PageRequest(size, None, decode_cursor(scope, before, "before") if before else None, backward=True)
