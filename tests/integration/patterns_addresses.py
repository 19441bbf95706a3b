"""Access patterns of the address book, one function per row of docs/data-model.md;
test_access_patterns.py runs them. Helpers start with "_"."""
from __future__ import annotations

from chalicelib.addresses import service, store
from chalicelib.addresses.published import checkout
from chalicelib.addresses.rules import AddressChanges
from tests.addresses.support import ALICE, BOB, NOW, fields


def _add(n: int, principal=ALICE, make_default: bool = False):
    return service.add_address(principal, fields(n), make_default, NOW)


def a_user_s_address_book(emulator, category):
    first, second = _add(1), _add(2)
    _add(3, principal=BOB)
    emulator.clear_log()
    book = store.read_book(ALICE.user_id)
    assert (book.count, book.default_id) == (2, first.id)
    assert {a.id for a in book.addresses} == {first.id, second.id}
    assert emulator.dynamodb_operations() == ["Query"]


def one_of_the_caller_s_addresses_with_its_default_flag(emulator, category):
    mine, bobs = _add(1), _add(2, principal=BOB)
    emulator.clear_log()
    assert service.my_address(ALICE, mine.id).is_default
    assert service.my_address(ALICE, bobs.id) is None
    assert emulator.dynamodb_operations() == ["BatchGetItem", "BatchGetItem"]


def add_an_address(emulator, category):
    emulator.clear_log()
    added = _add(1)
    assert emulator.dynamodb_operations() == ["GetItem", "TransactWriteItems"]
    assert added.is_default and store.read_book(ALICE.user_id, consistent=True).count == 1


def change_an_address(emulator, category):
    first, second = _add(1), _add(2)
    emulator.clear_log()
    service.update_address(ALICE, second.id, AddressChanges(detail="改过的测试路"), None, NOW)
    assert emulator.dynamodb_operations() == ["Query", "UpdateItem"]
    emulator.clear_log()
    service.update_address(ALICE, second.id, AddressChanges(), True, NOW)
    assert emulator.dynamodb_operations() == ["Query", "TransactWriteItems"]
    assert store.read_book(ALICE.user_id, consistent=True).default_id == second.id != first.id


def set_the_default_address(emulator, category):
    _add(1)
    second = _add(2)
    emulator.clear_log()
    book = service.set_default_address(ALICE, second.id)
    assert [a.id for a in book if a.is_default] == [second.id]
    assert emulator.dynamodb_operations() == ["TransactWriteItems", "Query"]


def remove_an_address(emulator, category):
    first, second = _add(1), _add(2)
    emulator.clear_log()
    remaining = service.remove_address(ALICE, first.id)
    assert [(a.id, a.is_default) for a in remaining] == [(second.id, True)]
    assert emulator.dynamodb_operations() == ["Query", "TransactWriteItems"]


def a_shipping_address_for_checkout(emulator, category):
    added = _add(1)
    emulator.clear_log()
    assert checkout.address_for_checkout(ALICE.user_id, added.id).address_id == added.id
    assert checkout.default_address(ALICE.user_id).address_id == added.id
    assert emulator.dynamodb_operations() == ["GetItem", "GetItem", "GetItem"]
