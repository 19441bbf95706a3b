"""Relay connection arguments: bounded page sizes, signed cursors."""
from __future__ import annotations

from typing import Annotated

import strawberry

from chalicelib.core.errors import PageSizeExceeded
from chalicelib.core.graphql.cursors import decode_cursor

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20

# A connection field's arguments, described once: `first: First = None, after: After = None`.
First = Annotated[int | None, strawberry.argument(
    description=f"Page size: 1 to {MAX_PAGE_SIZE}; {DEFAULT_PAGE_SIZE} when omitted.")]
After = Annotated[str | None, strawberry.argument(
    description="The previous page's `pageInfo.endCursor` (or an edge's cursor); omit for the first page.")]


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool = strawberry.field(
        description="True exactly when this page was requested with `after` (paging is forward only).")
    start_cursor: str | None
    end_cursor: str | None


def page_size(first: int | None) -> int:
    size = DEFAULT_PAGE_SIZE if first is None else first
    if size < 1 or size > MAX_PAGE_SIZE:
        raise PageSizeExceeded(f"first must be between 1 and {MAX_PAGE_SIZE}", "first")
    return size


def after_position(scope: str, after: str | None) -> str | None:
    return decode_cursor(scope, after) if after else None
