"""The address book through its service and store, against the emulator: the limit, the
default, updates, removals, the published checkout reads, and the requests each costs."""
from __future__ import annotations

from dataclasses import fields as dataclass_fields

import pytest

from chalicelib.addresses import rules, service, store
from chalicelib.addresses.published import checkout
from chalicelib.addresses.rules import AddressBookFull, AddressChanges, AddressInvalid
from chalicelib.core.errors import ErrorCode, NotFound
from chalicelib.core.ids import new_id
from tests.addresses.support import ALICE, BOB, NOW, fields


def _add(n: int, principal=ALICE, make_default: bool = False):
    return service.add_address(principal, fields(n), make_default, NOW)


def _book(principal=ALICE):
    return service.my_book(principal, principal.user_id)


def _ids_and_default(principal=ALICE):
    book = _book(principal)
    return [a.id for a in book], [a.id for a in book if a.is_default]


def test_the_first_address_is_the_default_and_the_book_lists_default_first_then_newest():
    first, second, third = _add(1), _add(2), _add(3)
    assert first.is_default and not second.is_default and not third.is_default
    assert _ids_and_default() == ([first.id, third.id, second.id], [first.id])


def test_an_address_added_as_default_takes_the_default_over():
    first, second = _add(1), _add(2, make_default=True)
    assert second.is_default
    assert _ids_and_default() == ([second.id, first.id], [second.id])


def test_the_book_holds_20_and_the_21st_is_refused_naming_the_limit_changing_nothing():
    for n in range(rules.MAX_ADDRESSES):
        _add(n)
    with pytest.raises(AddressBookFull) as refused:
        _add(99)
    assert refused.value.code is ErrorCode.LIMIT_REACHED and "20" in refused.value.message
    book = store.read_book(ALICE.user_id, consistent=True)
    assert book.count == len(book.addresses) == 20


def test_bad_input_changes_nothing():
    with pytest.raises(AddressInvalid) as refused:
        service.add_address(ALICE, fields(mobile="12345"), False, NOW)
    assert refused.value.field == ("mobile",)
    assert store.read_book(ALICE.user_id, consistent=True) == store.Book(count=0, default_id=None, addresses=[])


def test_set_default_moves_it_so_that_exactly_one_is_default():
    first, second = _add(1), _add(2)
    book = service.set_default_address(ALICE, second.id)
    assert [(a.id, a.is_default) for a in book] == [(second.id, True), (first.id, False)]


def test_removing_the_default_makes_the_most_recently_added_remaining_one_default():
    first, second, third = _add(1), _add(2), _add(3)
    service.set_default_address(ALICE, second.id)
    after = service.remove_address(ALICE, second.id)
    assert [(a.id, a.is_default) for a in after] == [(third.id, True), (first.id, False)]
    assert _ids_and_default() == ([third.id, first.id], [third.id])
    service.remove_address(ALICE, third.id)
    assert service.remove_address(ALICE, first.id) == []
    book = store.read_book(ALICE.user_id, consistent=True)
    assert (book.count, book.default_id, book.addresses) == (0, None, [])
    assert _add(4).is_default  # an emptied book starts again


def test_removing_another_keeps_the_default_and_counts_it_out():
    first, second = _add(1), _add(2)
    assert [(a.id, a.is_default) for a in service.remove_address(ALICE, second.id)] == [(first.id, True)]
    assert store.read_book(ALICE.user_id, consistent=True).count == 1


def test_update_changes_only_the_fields_given_and_can_make_it_default():
    first, second = _add(1), _add(2, make_default=False)
    updated = service.update_address(ALICE, second.id, AddressChanges(detail="新测试路 8 号", label="公司"), None, NOW)
    assert updated.fields == rules.clean_fields(fields(2, detail="新测试路 8 号", label="公司"))
    stored = {a.id: a for a in _book()}
    assert stored[second.id].fields == updated.fields and stored[first.id].fields == first.fields
    made_default = service.update_address(ALICE, second.id, AddressChanges(), True, NOW)
    assert made_default.is_default and _ids_and_default()[1] == [second.id]


def test_the_default_cannot_be_unset_by_update_and_bad_changes_change_nothing():
    first = _add(1)
    with pytest.raises(AddressInvalid) as refused:
        service.update_address(ALICE, first.id, AddressChanges(detail="x"), False, NOW)
    assert refused.value.field == ("isDefault",)
    with pytest.raises(AddressInvalid):
        service.update_address(ALICE, first.id, AddressChanges(district_code="110105"), None, NOW)
    assert _book()[0].fields == first.fields and _book()[0].is_default


@pytest.mark.parametrize("command", ["update", "remove", "default"])
def test_another_users_address_is_not_found_and_untouched(command):
    bobs = _add(1, principal=BOB)
    _add(2)
    run = {
        "update": lambda: service.update_address(ALICE, bobs.id, AddressChanges(detail="x"), None, NOW),
        "remove": lambda: service.remove_address(ALICE, bobs.id),
        "default": lambda: service.set_default_address(ALICE, bobs.id),
    }[command]
    with pytest.raises(NotFound) as refused:
        run()
    assert refused.value.field == ("id",)
    assert [(a.id, a.fields, a.is_default) for a in _book(BOB)] == [(bobs.id, bobs.fields, True)]
    assert service.my_address(ALICE, bobs.id) is None and service.my_address(BOB, bobs.id).id == bobs.id


def test_the_shipping_address_snapshot_has_exactly_the_published_fields():
    assert [f.name for f in dataclass_fields(checkout.ShippingAddress)] == [
        "address_id", "recipient", "mobile", "province_code", "city_code", "district_code", "detail"]


def test_checkout_reads_one_get_item_and_refuses_a_missing_or_foreign_address_alike(emulator):
    mine, bobs = _add(1), _add(2, principal=BOB)
    emulator.clear_log()
    snapshot = checkout.address_for_checkout(ALICE.user_id, mine.id)
    assert emulator.dynamodb_operations() == ["GetItem"]
    assert snapshot == checkout.ShippingAddress(
        address_id=mine.id, recipient=mine.fields.recipient, mobile=mine.fields.mobile,
        province_code="440000", city_code="440300", district_code="440305", detail=mine.fields.detail)
    refusals = []
    for address_id in (bobs.id, new_id(), "not-an-id"):
        with pytest.raises(NotFound) as refused:
            checkout.address_for_checkout(ALICE.user_id, address_id)
        refusals.append((type(refused.value), refused.value.code, refused.value.field, refused.value.message))
    assert refusals[0] == refusals[1] == refusals[2] and refusals[0][2] == ("addressId",)


def test_checkout_default_address_reads_the_header_then_the_address(emulator):
    emulator.clear_log()
    assert checkout.default_address(ALICE.user_id) is None
    assert emulator.dynamodb_operations() == ["GetItem"]
    _add(1)
    second = _add(2, make_default=True)
    emulator.clear_log()
    assert checkout.default_address(ALICE.user_id).address_id == second.id
    assert emulator.dynamodb_operations() == ["GetItem", "GetItem"]


def test_request_counts_of_the_book(emulator):
    emulator.clear_log()
    first = _add(1)
    # the header (consistent), then ONE transaction: put the address if absent, header count < 20
    assert emulator.dynamodb_operations() == ["GetItem", "TransactWriteItems"]
    second = _add(2)
    emulator.clear_log()
    _book()
    assert emulator.dynamodb_operations() == ["Query"]
    emulator.clear_log()
    service.set_default_address(ALICE, second.id)
    assert emulator.dynamodb_operations() == ["TransactWriteItems", "Query"]
    emulator.clear_log()
    service.update_address(ALICE, first.id, AddressChanges(detail="改"), None, NOW)
    assert emulator.dynamodb_operations() == ["Query", "UpdateItem"]
    emulator.clear_log()
    service.remove_address(ALICE, second.id)
    assert emulator.dynamodb_operations() == ["Query", "TransactWriteItems"]
    emulator.clear_log()
    service.my_address(ALICE, first.id)
    assert emulator.dynamodb_operations() == ["BatchGetItem"]


def test_reprs_leave_out_the_personal_data():
    added = _add(7)
    snapshot = checkout.address_for_checkout(ALICE.user_id, added.id)
    for shown in (repr(snapshot), repr(added), repr(added.fields)):
        for personal in (added.fields.recipient, added.fields.mobile, added.fields.detail):
            assert personal not in shown
    assert added.id in repr(snapshot) and "440305" in repr(snapshot)
