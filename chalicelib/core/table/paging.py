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

Backward paging (Relay's ``last``/``before``) is the same Query read the other way
(``ScanIndexForward`` flipped), starting exclusively at ``before``: the ``limit``
items just before it, or the listing's last ``limit`` when there is no ``before``.
The items are turned back into listing order, so a page reads the same whichever
way it was fetched; ``has_more`` then says whether items come before it and
``start`` is where the previous page ends. Still one Query request.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, Generic, TypeVar

from chalicelib.core.errors import InvalidCursor, PageSizeExceeded

T = TypeVar("T")
U = TypeVar("U")

PREFIX_END = "\uffff"  # sorts after any character a key uses


@dataclass(frozen=True, slots=True)
class PageRequest:
    """What a reader asks for: ``size`` items after the position ``after`` (forward,
    None: from the start), or, ``backward``, the ``size`` items just before the
    position ``before`` (None: the last ``size`` of the listing)."""

    size: int
    after: str | None = None
    before: str | None = None
    backward: bool = False

    def __post_init__(self) -> None:
        if self.after is not None and self.backward:
            raise ValueError("a backward page is asked for before a position, not after one")
        if self.before is not None and not self.backward:
            raise ValueError("a page before a position is a backward page")

    def positions_as(self, convert: Callable[[str], str]) -> PageRequest:
        """The same request with its positions as the store names them (a sort key)."""
        return replace(self, after=None if self.after is None else convert(self.after),
                       before=None if self.before is None else convert(self.before))


def as_request(limit: int | PageRequest, after: str | None = None) -> PageRequest:
    """A listing's ``(limit, after)`` or its ``PageRequest`` (then without ``after``) as one request."""
    if isinstance(limit, PageRequest):
        if after is not None:
            raise ValueError("give the position in the PageRequest")
        return limit
    return PageRequest(limit, after)


def checked_request(limit: int | PageRequest, after: str | None, max_size: int,
                    is_position: Callable[[str], bool]) -> PageRequest:
    """``as_request``, refused with a typed error when a service is called with a page
    size outside 1..``max_size`` or a position that ``is_position`` does not accept."""
    request = as_request(limit, after)
    size = request.size
    if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= max_size:
        word = "last" if request.backward else "first"
        raise PageSizeExceeded(f"{word} must be between 1 and {max_size}", word)
    for word, position in (("after", request.after), ("before", request.before)):
        if position is not None and (not isinstance(position, str) or not is_position(position)):
            raise InvalidCursor("this cursor is not valid", word)
    return request


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """Items in listing order, whether more follow, and what cursors need.

    ``positions[i]`` is the position of ``items[i]`` (resume after it), or None when
    the store cannot name one (a merged feed resumes only from its end). ``end`` is
    where the next page starts: the last position this page covered, which may lie
    past the last item shown when items were skipped (an entry of another type, a
    post no longer visible). ``after`` is the position the page was asked for after
    (None: the first page).

    A ``backward`` page (asked for ``before`` a position, or the listing's last
    items) holds its items in listing order too; its ``has_more`` says items come
    before it, ``start`` is the first position it covered (the previous page ends
    there) and ``before`` the position it was asked for before (None: the end)."""

    items: list[T]
    has_more: bool
    positions: list[str | None] = field(default_factory=list)
    end: str | None = None
    after: str | None = None
    backward: bool = False
    start: str | None = None
    before: str | None = None

    def __post_init__(self) -> None:
        if self.positions and len(self.positions) != len(self.items):
            raise ValueError("a page has one position per item")

    def position(self, index: int) -> str | None:
        return self.positions[index] if self.positions else None

    def map(self, convert: Callable[[T], U]) -> Page[U]:
        return replace(self, items=[convert(i) for i in self.items], positions=list(self.positions))

    def positions_as(self, convert: Callable[[str], str]) -> Page[T]:
        """The same page with its positions (sort keys) as the listing names them (an id)."""
        def named(position: str | None) -> str | None:
            return None if position is None else convert(position)

        return replace(self, items=list(self.items), positions=[named(p) for p in self.positions],
                       end=named(self.end), after=named(self.after), start=named(self.start),
                       before=named(self.before))

    def keep(self, wanted: Callable[[T], bool]) -> Page[T]:
        """The items ``wanted`` keeps, with their positions; ``end``, ``start`` and ``has_more`` stay."""
        kept = [(i, self.position(n)) for n, i in enumerate(self.items) if wanted(i)]
        return replace(self, items=[i for i, _ in kept], positions=[p for _, p in kept] if self.positions else [])

    def __len__(self) -> int:
        return len(self.items)


def _sort_key(source: Any) -> Any:
    """The range key attribute of a model class or of an index."""
    if hasattr(source, "_range_key_attribute"):
        return source._range_key_attribute()
    return next(a for a in source.Meta.attributes.values() if a.is_range_key)


def query_page(source: Any, hash_key: str, limit: int | PageRequest, after: str | None = None, *,
               forward: bool = False, prefix: str | None = None, kinds: type | tuple[type, ...] | None = None,
               consistent_read: bool = False, bounds: tuple[str, str] | None = None) -> Page[Any]:
    """One page of ``source`` (a model class, ``TableItem.gsi1``, ``TableItem.gsi2``)
    in partition ``hash_key``: up to ``limit`` items strictly after ``after`` in the
    listing's order (``forward``: ascending sort keys; else descending, newest
    first). ``limit`` may be a ``PageRequest`` instead (then without ``after``): a
    backward one reads the items just before its ``before``, the Query flipped.

    ``prefix`` bounds the listing to sort keys that start with it; ``bounds`` (lowest, highest:
    inclusive) to a range of them, in the key condition too, so a page costs one Query however
    narrow the range (a position outside it reads an empty page). ``kinds`` keeps
    only items of those classes (other items of the range still count as read, so
    paging never stalls on them). An item's position is its sort key, which
    ``after`` and ``before`` take back."""
    request = as_request(limit, after)
    if request.size < 1:
        raise ValueError("a page holds at least one item")
    size, backward = request.size, request.backward
    start_at = request.before if backward else request.after  # exclusive, in the direction read
    ascending = forward != backward
    sort_key = _sort_key(source)
    condition, fetch, exclude = None, size + 1, None
    if bounds is not None:
        if prefix is not None:
            raise ValueError("give a prefix or bounds, not both")
        low, high = bounds
        if start_at is not None:  # the position narrows the range on the side read towards
            low, high = (max(low, start_at), high) if ascending else (low, min(high, start_at))
            fetch, exclude = size + 2, start_at
        if low > high:  # a position past the range: nothing to read, not an invalid key condition
            return Page([], False, [], None, request.after, backward=backward, before=request.before)
        condition = sort_key.between(low, high)
    elif prefix is None:
        if start_at is not None:
            condition = sort_key > start_at if ascending else sort_key < start_at
    elif start_at is None:
        condition = sort_key.startswith(prefix)
    else:
        condition = sort_key.between(start_at, prefix + PREFIX_END) if ascending else sort_key.between(prefix,
                                                                                                       start_at)
        fetch, exclude = size + 2, start_at  # between is inclusive: the item at the position comes back
    found = source.query(hash_key, condition, scan_index_forward=ascending, limit=fetch, page_size=fetch,
                         consistent_read=consistent_read)
    name = sort_key.attr_name
    read = [item for item in found if exclude is None or getattr(item, name) != exclude]
    shown = read[:size]
    covered = getattr(shown[-1], name) if shown else None  # the farthest position read, in the direction read
    if backward:
        shown.reverse()  # back into listing order
    kept = [item for item in shown if kinds is None or isinstance(item, kinds)]
    positions = [getattr(item, name) for item in kept]
    if backward:
        return Page(kept, len(read) > size, positions, None, None, backward=True, start=covered,
                    before=request.before)
    return Page(kept, len(read) > size, positions, covered, request.after)
