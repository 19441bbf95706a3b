"""core.table.paging (one page of one Query) and core.graphql.connection (one Relay builder)."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from chalicelib.catalog.models import CategoryItem, ProductTagItem
from chalicelib.core.graphql.connection import connection
from chalicelib.core.graphql.cursors import decode_cursor
from chalicelib.core.table.models import TableItem
from chalicelib.core.table.paging import Page, query_page

PK = "TEST#P"


def _put(ids: list[str], *, sk_prefix: str = "C#", gsi: bool = True) -> None:
    for i in ids:
        CategoryItem(PK, f"{sk_prefix}{i}", category_id=i, name=i,
                     GSI1PK="TEST#G" if gsi else None, GSI1SK=i if gsi else None).save()


def _read_all(read, limit: int) -> tuple[list[str], list[int]]:
    """Every page after the previous page's end; the ids and the page sizes."""
    seen, sizes, after = [], [], None
    while True:
        page = read(limit, after)
        seen += [i.category_id for i in page.items]
        sizes.append(len(page))
        if not page.has_more:
            return seen, sizes
        after = page.end


@pytest.mark.parametrize("limit", [1, 2, 3, 5, 6])
@pytest.mark.parametrize("forward", [False, True])
def test_an_index_pages_exactly_one_query_a_page(emulator, limit, forward):
    ids = [f"{n:02d}" for n in range(5)]
    _put(ids)
    emulator.clear_log()
    seen, sizes = _read_all(lambda n, a: query_page(TableItem.gsi1, "TEST#G", n, a, forward=forward), limit)
    assert seen == (ids if forward else ids[::-1])
    assert sizes[-1] > 0 and sum(sizes) == 5  # has_more is exact: no empty last page
    assert emulator.dynamodb_counts() == {"Query": len(sizes)}


@pytest.mark.parametrize("forward", [False, True])
def test_a_prefix_of_the_table_pages_within_it(emulator, forward):
    ids = [f"{n:02d}" for n in range(5)]
    _put(ids, gsi=False)
    _put(["x"], sk_prefix="A#", gsi=False)  # sorts before the prefix
    _put(["y"], sk_prefix="D#", gsi=False)  # and after it
    emulator.clear_log()
    seen, sizes = _read_all(lambda n, a: query_page(TableItem, PK, n, a, forward=forward, prefix="C#"), 2)
    assert seen == (ids if forward else ids[::-1]) and sizes == [2, 2, 1]
    assert emulator.dynamodb_counts() == {"Query": 3}


def test_each_item_has_its_own_position_and_after_is_kept(emulator):
    _put(["a", "b", "c"])
    first = query_page(TableItem.gsi1, "TEST#G", 2)
    assert first.positions == ["c", "b"] and first.end == "b" and first.has_more and first.after is None
    rest = query_page(TableItem.gsi1, "TEST#G", 2, "c")  # resume after any item, not only the end
    assert rest.positions == ["b", "a"] and not rest.has_more and rest.after == "c"
    assert query_page(TableItem.gsi1, "TEST#G", 2, "a") == Page([], False, [], None, "a")


def test_items_of_other_kinds_are_skipped_but_paging_moves_past_them(emulator):
    _put(["a", "c"])
    ProductTagItem(PK, "C#b", product_id="p", tag="t", GSI1PK="TEST#G", GSI1SK="b").save()
    page = query_page(TableItem.gsi1, "TEST#G", 2, forward=True, kinds=CategoryItem)
    assert [i.category_id for i in page.items] == ["a"] and page.end == "b" and page.has_more
    rest = query_page(TableItem.gsi1, "TEST#G", 2, page.end, forward=True, kinds=CategoryItem)
    assert [i.category_id for i in rest.items] == ["c"] and not rest.has_more


def test_map_keep_and_positions_as_keep_positions_with_their_items():
    page = Page(["a", "b", "c"], True, ["K#a", "K#b", "K#c"], "K#c", "K#0")
    assert page.map(str.upper).items == ["A", "B", "C"]
    kept = page.keep(lambda i: i != "b")
    assert kept.items == ["a", "c"] and kept.positions == ["K#a", "K#c"] and kept.end == "K#c"
    named = page.positions_as(lambda p: p.removeprefix("K#"))
    assert (named.positions, named.end, named.after) == (["a", "b", "c"], "c", "0")
    with pytest.raises(ValueError):
        Page(["a"], False, ["x", "y"])


@dataclass
class _Edge:
    node: str
    cursor: str


@dataclass
class _Connection:
    edges: list
    page_info: object


def test_the_connection_gives_every_edge_its_own_cursor():
    page = Page(["a", "b"], True, ["1", "2"], "3", None)
    built = connection(_Connection, _Edge, "s", page, str.upper)
    assert [e.node for e in built.edges] == ["A", "B"]
    assert [decode_cursor("s", e.cursor) for e in built.edges] == ["1", "2"]
    info = built.page_info
    assert info.has_next_page and not info.has_previous_page
    assert info.start_cursor == built.edges[0].cursor and decode_cursor("s", info.end_cursor) == "3"


def test_has_previous_page_exactly_when_asked_after_a_cursor():
    after = connection(_Connection, _Edge, "s", Page(["a"], False, ["1"], "1", "0"), str)
    assert after.page_info.has_previous_page and not after.page_info.has_next_page
    empty = connection(_Connection, _Edge, "s", Page([], False, [], None, None), str)
    assert not empty.page_info.has_previous_page
    assert (empty.edges, empty.page_info.start_cursor, empty.page_info.end_cursor) == ([], None, None)


def test_every_edge_needs_its_own_position_and_a_last_page_ends_at_its_last_edge():
    with pytest.raises(ValueError, match="its own position"):
        connection(_Connection, _Edge, "s", Page(["a", "b"], True, [], "pos|x", "0"), str)
    last = connection(_Connection, _Edge, "s", Page(["a", "b"], False, ["1", "2"], None, "0"), str)
    assert [decode_cursor("s", e.cursor) for e in last.edges] == ["1", "2"]
    assert last.page_info.end_cursor == last.edges[-1].cursor and not last.page_info.has_next_page
