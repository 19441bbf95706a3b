"""One page of one Query, on the table or one of its GSIs, in one request.

A listing is a range of sort keys in one partition. A page asks for ``limit + 1``
items after an exclusive position (the sort key of the last item the reader saw):
the extra item says whether there is a next page and is not returned. Every item
comes back with its own position, so a reader can resume after any of them (Relay
edges each carry their own cursor); ``end`` is where the next page starts.

When the listing is a prefix of the partition's sort keys (``prefix``), the
position bound and the prefix bound form one ``between`` key condition, which is
inclusive: the item at the position itself comes back and is dropped, so one more
item is asked for. Either way a page is one Query request.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

T = TypeVar("T")
U = TypeVar("U")

PREFIX_END = "\uffff"  # sorts after any character a key uses


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """Items in listing order, whether more follow, and what cursors need.

    ``positions[i]`` is the position of ``items[i]`` (resume after it), or None when
    the store cannot name one (a merged feed resumes only from its end). ``end`` is
    where the next page starts: the last position this page covered, which may lie
    past the last item shown when items were skipped (an entry of another type, a
    post no longer visible). ``after`` is the position the page was asked for after
    (None: the first page)."""

    items: list[T]
    has_more: bool
    positions: list[str | None] = field(default_factory=list)
    end: str | None = None
    after: str | None = None

    def __post_init__(self) -> None:
        if self.positions and len(self.positions) != len(self.items):
            raise ValueError("a page has one position per item")

    def position(self, index: int) -> str | None:
        return self.positions[index] if self.positions else None

    def map(self, convert: Callable[[T], U]) -> Page[U]:
        return Page([convert(i) for i in self.items], self.has_more, list(self.positions), self.end, self.after)

    def positions_as(self, convert: Callable[[str], str]) -> Page[T]:
        """The same page with its positions (sort keys) as the listing names them (an id)."""
        def named(position: str | None) -> str | None:
            return None if position is None else convert(position)

        return Page(list(self.items), self.has_more, [named(p) for p in self.positions], named(self.end),
                    self.after if self.after is None else named(self.after))

    def keep(self, wanted: Callable[[T], bool]) -> Page[T]:
        """The items ``wanted`` keeps, with their positions; ``end`` and ``has_more`` stay."""
        kept = [(i, self.position(n)) for n, i in enumerate(self.items) if wanted(i)]
        return Page([i for i, _ in kept], self.has_more, [p for _, p in kept] if self.positions else [], self.end,
                    self.after)

    def __len__(self) -> int:
        return len(self.items)


def _sort_key(source: Any) -> Any:
    """The range key attribute of a model class or of an index."""
    if hasattr(source, "_range_key_attribute"):
        return source._range_key_attribute()
    return next(a for a in source.Meta.attributes.values() if a.is_range_key)


def query_page(source: Any, hash_key: str, limit: int, after: str | None = None, *, forward: bool = False,
               prefix: str | None = None, kinds: type | tuple[type, ...] | None = None,
               consistent_read: bool = False) -> Page[Any]:
    """One page of ``source`` (a model class, ``TableItem.gsi1``, ``TableItem.gsi2``)
    in partition ``hash_key``: up to ``limit`` items strictly after ``after`` in the
    direction read (``forward``: ascending sort keys; else descending, newest first).

    ``prefix`` bounds the listing to sort keys that start with it. ``kinds`` keeps
    only items of those classes (other items of the range still count as read, so
    paging never stalls on them). An item's position is its sort key, which
    ``after`` takes back."""
    if limit < 1:
        raise ValueError("a page holds at least one item")
    sort_key = _sort_key(source)
    condition, fetch, exclude = None, limit + 1, None
    if prefix is None:
        if after is not None:
            condition = sort_key > after if forward else sort_key < after
    elif after is None:
        condition = sort_key.startswith(prefix)
    else:
        condition = sort_key.between(after, prefix + PREFIX_END) if forward else sort_key.between(prefix, after)
        fetch, exclude = limit + 2, after  # between is inclusive: the item at ``after`` comes back
    found = source.query(hash_key, condition, scan_index_forward=forward, limit=fetch, page_size=fetch,
                         consistent_read=consistent_read)
    name = sort_key.attr_name
    read = [item for item in found if exclude is None or getattr(item, name) != exclude]
    shown = read[:limit]
    kept = [item for item in shown if kinds is None or isinstance(item, kinds)]
    return Page(kept, len(read) > limit, [getattr(item, name) for item in kept],
                getattr(shown[-1], name) if shown else None, after)
