"""Backward paging (Relay `last`/`before`): core.table.paging read the other way,
core.graphql.pagination's argument rules, core.graphql.connection's pageInfo."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from chalicelib.catalog.models import CategoryItem, ProductTagItem
from chalicelib.core.errors import ErrorCode, InvalidCursor, PageSizeExceeded, ValidationFailed
from chalicelib.core.graphql.connection import connection
from chalicelib.core.graphql.cursors import decode_cursor, encode_cursor
from chalicelib.core.graphql.pagination import page_request
from chalicelib.core.table.models import TableItem
from chalicelib.core.table.paging import Page, PageRequest, query_page

PK = "TEST#P"
IDS = [f"{n:02d}" for n in range(7)]


def _put(ids: list[str], *, sk_prefix: str = "C#", gsi: bool = True) -> None:
    for i in ids:
        CategoryItem(PK, f"{sk_prefix}{i}", category_id=i, name=i,
                     GSI1PK="TEST#G" if gsi else None, GSI1SK=i if gsi else None).save()


def _read_backwards(read, size: int) -> tuple[list[str], list[int]]:
    """Every page before the previous page's start, prepended as Apollo does."""
    seen, sizes, before = [], [], None
    while True:
        page = read(PageRequest(size, before=before, backward=True))
        assert page.backward and page.before == before
        seen = [i.category_id for i in page.items] + seen
        sizes.append(len(page))
        if not page.has_more:
            return seen, sizes
        before = page.start


@pytest.mark.parametrize("size", [1, 2, 3])
@pytest.mark.parametrize("forward", [False, True])
def test_pages_from_the_end_meet_the_forward_order_exactly(emulator, size, forward):
    _put(IDS)
    emulator.clear_log()
    seen, sizes = _read_backwards(lambda r: query_page(TableItem.gsi1, "TEST#G", r, forward=forward), size)
    assert seen == (IDS if forward else IDS[::-1])  # no edge lost, none repeated, forward order
    assert sizes[-1] > 0 and sum(sizes) == len(IDS)
    assert emulator.dynamodb_counts() == {"Query": len(sizes)}  # one Query a page, as forward


@pytest.mark.parametrize("forward", [False, True])
def test_a_prefix_pages_backwards_within_it(emulator, forward):
    _put(IDS[:5], gsi=False)
    _put(["x"], sk_prefix="A#", gsi=False)
    _put(["y"], sk_prefix="D#", gsi=False)
    emulator.clear_log()
    seen, sizes = _read_backwards(lambda r: query_page(TableItem, PK, r, forward=forward, prefix="C#"), 2)
    assert seen == (IDS[:5] if forward else IDS[:5][::-1]) and sizes == [2, 2, 1]
    assert emulator.dynamodb_counts() == {"Query": 3}


def test_a_backward_page_before_any_item_is_the_items_just_before_it_in_listing_order(emulator):
    _put(["a", "b", "c", "d"])
    page = query_page(TableItem.gsi1, "TEST#G", PageRequest(2, before="b", backward=True))  # newest first: d c b a
    assert page.positions == ["d", "c"] and page.start == "d" and not page.has_more
    page = query_page(TableItem.gsi1, "TEST#G", PageRequest(2, before="a", backward=True), forward=False)
    assert page.positions == ["c", "b"] and page.start == "c" and page.has_more and page.before == "a"
    back_to_forward = query_page(TableItem.gsi1, "TEST#G", 2, page.positions[-1])
    assert back_to_forward.positions == ["a"]  # forward from a backward page's end edge: nothing lost


def test_skipped_items_still_move_a_backward_page_on(emulator):
    _put(["a", "c"])
    ProductTagItem(PK, "C#b", product_id="p", tag="t", GSI1PK="TEST#G", GSI1SK="b").save()
    page = query_page(TableItem.gsi1, "TEST#G", PageRequest(2, backward=True), forward=True, kinds=CategoryItem)
    assert page.positions == ["c"] and page.start == "b" and page.has_more
    rest = query_page(TableItem.gsi1, "TEST#G", PageRequest(2, before=page.start, backward=True), forward=True,
                      kinds=CategoryItem)
    assert rest.positions == ["a"] and not rest.has_more


@dataclass
class _Edge:
    node: str
    cursor: str


@dataclass
class _Connection:
    edges: list
    page_info: object


def test_a_backward_page_info_tells_the_truth():
    page = Page(["b", "c"], True, ["2", "3"], backward=True, start="1", before="4")
    info = connection(_Connection, _Edge, "s", page, str).page_info
    assert info.has_previous_page and info.has_next_page
    assert decode_cursor("s", info.start_cursor) == "1" and decode_cursor("s", info.end_cursor) == "3"
    last_items = connection(_Connection, _Edge, "s", Page(["a"], False, ["1"], backward=True, start="1"), str)
    assert not last_items.page_info.has_previous_page and not last_items.page_info.has_next_page


def test_the_arguments_of_one_direction_only():
    scope = "s"
    cursor = encode_cursor(scope, "p")
    assert page_request(scope, None, None) == PageRequest(20)
    assert page_request(scope, 3, cursor) == PageRequest(3, after="p")
    assert page_request(scope, None, None, 3, cursor) == PageRequest(3, before="p", backward=True)
    assert page_request(scope, None, None, 3) == PageRequest(3, backward=True)
    assert page_request(scope, None, None, None, cursor) == PageRequest(20, before="p", backward=True)
    for first, after, last, before, field in [(2, None, 2, None, "last"), (None, cursor, None, cursor, "before"),
                                              (2, None, None, cursor, "before")]:
        with pytest.raises(ValidationFailed) as refused:
            page_request(scope, first, after, last, before)
        assert refused.value.code is ErrorCode.INVALID and refused.value.field == (field,)
    for last in (0, 101):
        with pytest.raises(PageSizeExceeded):
            page_request(scope, None, None, last)
    with pytest.raises(InvalidCursor, match="another listing") as foreign:
        page_request(scope, None, None, 2, encode_cursor("other", "p"))
    assert foreign.value.field == ("before",)


def test_a_service_refuses_a_bad_request_in_either_direction_with_a_typed_error():
    from chalicelib.core.table.paging import checked_request

    assert checked_request(2, "a", 100, str.isalpha) == PageRequest(2, after="a")
    assert checked_request(PageRequest(2, before="b", backward=True), None, 100, str.isalpha).before == "b"
    with pytest.raises(PageSizeExceeded) as too_many:
        checked_request(PageRequest(101, backward=True), None, 100, str.isalpha)
    assert too_many.value.field == ("last",)
    with pytest.raises(InvalidCursor) as bad_position:
        checked_request(PageRequest(2, before="1", backward=True), None, 100, str.isalpha)
    assert bad_position.value.field == ("before",)
    with pytest.raises(ValueError):
        PageRequest(2, after="a", backward=True)  # one direction a request
