"""Address book commands and reads, for the signed-in customer's own book only.

Every command works on the caller's partition (``ADDRESSES#<caller>``): there is no way
to name another user's book, so another user's address id is simply not found. A
command reads what it needs, then writes one transaction whose conditions decide; when
a concurrent write moved the header meanwhile (``BookChanged``) it reads again, a few
times at most. Nothing here logs an address's fields.
"""
from __future__ import annotations

from datetime import datetime

from chalicelib.addresses import rules, store
from chalicelib.addresses.rules import (
    Address,
    AddressBookFull,
    AddressChanges,
    AddressFields,
    AddressInvalid,
    AddressNotFound,
)
from chalicelib.addresses.store import BookChanged
from chalicelib.core.errors import Conflict
from chalicelib.core.ids import is_id, new_id
from chalicelib.core.observability import count
from chalicelib.core.principal import Principal, require_self, require_user

BOOK_RETRIES = 5  # a header moved by a concurrent add or remove: read again (rarely more than once)


def _not_found() -> AddressNotFound:
    return AddressNotFound("no such address in your book", "id")


def _busy() -> Conflict:
    return Conflict("your address book kept changing meanwhile; try again")


def my_book(principal: Principal | None, user_id: str) -> list[Address]:
    """``me.addresses``: the default first, then the newest. One Query."""
    require_self(principal, user_id, "your own addresses")
    return rules.in_book_order(store.read_book(user_id).addresses)


def my_address(principal: Principal | None, address_id: str) -> Address | None:
    """``node(id:)``: the caller's own address, else None (someone else's does not exist for them)."""
    if principal is None or not is_id(address_id):
        return None
    return store.get_address_with_default(principal.user_id, address_id)


def add_address(principal: Principal | None, fields: AddressFields, make_default: bool, now: datetime) -> Address:
    """Add to the book (at most 20). The first address, or one added with ``make_default``,
    becomes the default."""
    caller = require_user(principal)
    address = Address(id=new_id(), user_id=caller.user_id, fields=rules.clean_fields(fields),
                      created_at=now, updated_at=now, is_default=make_default)
    for _ in range(BOOK_RETRIES):
        header = store.read_header(caller.user_id, consistent=True)
        if header.count >= rules.MAX_ADDRESSES:
            raise AddressBookFull()
        try:
            is_default = store.add(address, header.default_id)
        except BookChanged:
            continue
        count("AddressesAdded")
        return Address(id=address.id, user_id=address.user_id, fields=address.fields, created_at=now,
                       updated_at=now, is_default=is_default)
    if store.read_header(caller.user_id, consistent=True).count >= rules.MAX_ADDRESSES:
        raise AddressBookFull()
    raise _busy()


def update_address(principal: Principal | None, address_id: str, changes: AddressChanges,
                   make_default: bool | None, now: datetime) -> Address:
    """Change the fields given; ``make_default=True`` also makes it the default. The default
    cannot be un-set (``False``): make another address the default instead."""
    caller = require_user(principal)
    if not is_id(address_id):
        raise _not_found()
    book = store.read_book(caller.user_id, consistent=True)
    before = next((a for a in book.addresses if a.id == address_id), None)
    if before is None:
        raise _not_found()
    if make_default is False and before.is_default:
        raise AddressInvalid("the default address stays the default until you make another one the default",
                             "isDefault")
    after = rules.apply_changes(before.fields, changes)
    becomes_default = bool(make_default) and not before.is_default
    updated = Address(id=before.id, user_id=caller.user_id, fields=after, created_at=before.created_at,
                      updated_at=now, is_default=before.is_default or becomes_default)
    store.update_fields(updated, now, make_default=becomes_default)
    return updated


def set_default_address(principal: Principal | None, address_id: str) -> list[Address]:
    """Make it the default (the previous one stops being it in the same write); the book after."""
    caller = require_user(principal)
    if not is_id(address_id):
        raise _not_found()
    store.set_default(caller.user_id, address_id)
    return rules.in_book_order(store.read_book(caller.user_id, consistent=True).addresses)


def remove_address(principal: Principal | None, address_id: str) -> list[Address]:
    """Remove it; if it was the default, the most recently added remaining address becomes
    the default. Returns the book after."""
    caller = require_user(principal)
    if not is_id(address_id):
        raise _not_found()
    for _ in range(BOOK_RETRIES):
        book = store.read_book(caller.user_id, consistent=True)
        if all(a.id != address_id for a in book.addresses):
            raise _not_found()
        remaining = [a for a in book.addresses if a.id != address_id]
        next_default = rules.next_default(remaining) if address_id == book.default_id else book.default_id
        try:
            store.remove(caller.user_id, address_id, book.default_id, next_default)
        except BookChanged:
            continue
        return rules.in_book_order([
            Address(id=a.id, user_id=a.user_id, fields=a.fields, created_at=a.created_at, updated_at=a.updated_at,
                    is_default=a.id == next_default) for a in remaining])
    raise _busy()
