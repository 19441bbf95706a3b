"""The address book in the single table.

- ``ADDRESSES#<user>`` / ``BOOK``: the header: ``count`` and ``default_id``.
- ``ADDRESSES#<user>`` / ``ADDRESS#<ulid>``: an address (personal data).

Reading the book is one Query on the partition. Every write that changes the count or
the default is ONE transaction with the header, whose conditions (not the read before
it) decide under concurrency: ``count < 20`` for an add, ``default_id`` as read for
any write that relies on it. A refused header condition raises ``BookChanged`` and the
service reads again. Keys are built from the caller's own user id, so another user's
address is not found: the same answer as a missing one.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pynamodb.exceptions import DoesNotExist

from chalicelib.addresses import keys
from chalicelib.addresses.models import AddressBookItem, AddressItem
from chalicelib.addresses.rules import MAX_ADDRESSES, Address, AddressFields, AddressNotFound
from chalicelib.core.clock import from_iso, iso
from chalicelib.core.table.batch import batch_get
from chalicelib.core.table.conditional import update_if
from chalicelib.core.table.models import TableItem
from chalicelib.core.table.transactions import Transaction


class BookChanged(Exception):
    """The header is no longer as read (another write moved the count or the default): read again."""


@dataclass(frozen=True)
class Book:
    count: int
    default_id: str | None
    addresses: list[Address]  # key order: oldest first


@dataclass(frozen=True)
class Header:
    count: int
    default_id: str | None


# ---------------------------------------------------------------- mapping
def to_address(record: AddressItem, default_id: str | None) -> Address:
    return Address(
        id=record.address_id, user_id=record.user_id, is_default=record.address_id == default_id,
        fields=AddressFields(recipient=record.recipient, mobile=record.mobile, province_code=record.province_code,
                             city_code=record.city_code, district_code=record.district_code, detail=record.detail,
                             label=record.label),
        created_at=from_iso(record.created_at), updated_at=from_iso(record.updated_at),
    )


def _record(address: Address) -> AddressItem:
    f = address.fields
    return AddressItem(
        keys.addresses_pk(address.user_id), keys.address_sk(address.id), address_id=address.id,
        user_id=address.user_id, recipient=f.recipient, mobile=f.mobile, province_code=f.province_code,
        city_code=f.city_code, district_code=f.district_code, detail=f.detail, label=f.label,
        created_at=iso(address.created_at), updated_at=iso(address.updated_at),
    )


def _header_ref(user_id: str) -> AddressBookItem:
    return AddressBookItem(keys.addresses_pk(user_id), keys.BOOK_SK)


def _address_ref(user_id: str, address_id: str) -> AddressItem:
    return AddressItem(keys.addresses_pk(user_id), keys.address_sk(address_id))


def _default_is(default_id: str | None):
    return AddressBookItem.default_id.does_not_exist() if default_id is None else (
        AddressBookItem.default_id == default_id)


# ---------------------------------------------------------------- reads
def read_book(user_id: str, *, consistent: bool = False) -> Book:
    """The header and every address: one Query (the partition holds at most 21 small items)."""
    records = list(TableItem.query(keys.addresses_pk(user_id), consistent_read=consistent))
    header = next((r for r in records if isinstance(r, AddressBookItem)), None)
    default_id = header.default_id if header else None
    return Book(count=int(header.count) if header else 0, default_id=default_id,
                addresses=[to_address(r, default_id) for r in records if isinstance(r, AddressItem)])


def read_header(user_id: str, *, consistent: bool = False) -> Header:
    try:
        header = AddressBookItem.get(keys.addresses_pk(user_id), keys.BOOK_SK, consistent_read=consistent)
    except DoesNotExist:
        return Header(count=0, default_id=None)
    return Header(count=int(header.count), default_id=header.default_id)


def get_address(user_id: str, address_id: str, *, consistent: bool = False) -> AddressItem | None:
    """One GetItem; ``is_default`` is not known from it (the header holds that)."""
    try:
        return AddressItem.get(keys.addresses_pk(user_id), keys.address_sk(address_id), consistent_read=consistent)
    except DoesNotExist:
        return None


def get_address_with_default(user_id: str, address_id: str) -> Address | None:
    """The address and the header in one BatchGetItem (``node(id:)``)."""
    found = batch_get([(keys.addresses_pk(user_id), keys.address_sk(address_id)),
                       (keys.addresses_pk(user_id), keys.BOOK_SK)])
    record = next((r for r in found if isinstance(r, AddressItem)), None)
    header = next((r for r in found if isinstance(r, AddressBookItem)), None)
    return to_address(record, header.default_id if header else None) if record else None


# ---------------------------------------------------------------- writes
def add(address: Address, read_default: str | None) -> bool:
    """Put the address and count it, below the limit. It becomes the default if asked
    (``address.is_default``) or if the book had none (``read_default`` None). Returns whether
    it is the default. Raises BookChanged if the count reached the limit or the default
    moved since the read."""
    becomes_default = address.is_default or read_default is None
    actions = [AddressBookItem.count.add(1), AddressBookItem.type.set(AddressBookItem)]
    if becomes_default:
        actions.append(AddressBookItem.default_id.set(address.id))
    below_limit = AddressBookItem.PK.does_not_exist() | (AddressBookItem.count < MAX_ADDRESSES)
    condition = below_limit if address.is_default else below_limit & _default_is(read_default)
    tx = Transaction()
    tx.put("address", _record(address), AddressItem.PK.does_not_exist())
    tx.update("header", _header_ref(address.user_id), actions, condition)
    tx.refuse("header", BookChanged())
    tx.commit()
    return becomes_default


def update_fields(address: Address, updated_at: datetime, *, make_default: bool) -> None:
    """Overwrite the fields of an existing address (and make it the default, in the same transaction)."""
    f = address.fields
    ref = _address_ref(address.user_id, address.id)
    actions = [AddressItem.recipient.set(f.recipient), AddressItem.mobile.set(f.mobile),
               AddressItem.province_code.set(f.province_code), AddressItem.city_code.set(f.city_code),
               AddressItem.district_code.set(f.district_code), AddressItem.detail.set(f.detail),
               AddressItem.label.set(f.label) if f.label else AddressItem.label.remove(),
               AddressItem.updated_at.set(iso(updated_at))]
    exists = AddressItem.PK.exists()
    if not make_default:
        if not update_if(ref, actions, exists):
            raise AddressNotFound("no such address in your book", "id")
        return
    tx = Transaction()
    tx.update("address", ref, actions, exists)
    tx.update("header", _header_ref(address.user_id), [AddressBookItem.default_id.set(address.id)],
              AddressBookItem.PK.exists())
    tx.refuse("address", AddressNotFound("no such address in your book", "id"))
    tx.commit()


def set_default(user_id: str, address_id: str) -> None:
    """The header names the address: the other one stops being the default in the same write."""
    tx = Transaction()
    tx.condition_check("address", AddressItem, keys.addresses_pk(user_id), keys.address_sk(address_id),
                       AddressItem.PK.exists())
    tx.update("header", _header_ref(user_id), [AddressBookItem.default_id.set(address_id)],
              AddressBookItem.PK.exists())
    tx.refuse("address", AddressNotFound("no such address in your book", "id"))
    tx.commit()


def remove(user_id: str, address_id: str, read_default: str | None, next_default: str | None) -> None:
    """Delete the address and count it out. Removing the default hands it to ``next_default``
    (which must still exist; None empties the book's default with its last address); removing
    another requires the default to be as read. Raises BookChanged otherwise."""
    tx = Transaction()
    tx.delete("address", _address_ref(user_id, address_id), AddressItem.PK.exists())
    actions = [AddressBookItem.count.add(-1)]
    if address_id == read_default:
        actions.append(AddressBookItem.default_id.set(next_default) if next_default
                       else AddressBookItem.default_id.remove())
        if next_default:
            tx.condition_check("next default", AddressItem, keys.addresses_pk(user_id),
                               keys.address_sk(next_default), AddressItem.PK.exists())
    tx.update("header", _header_ref(user_id), actions, _default_is(read_default))
    tx.refuse("address", AddressNotFound("no such address in your book", "id"))
    tx.refuse("header", BookChanged())
    tx.refuse("next default", BookChanged())
    tx.commit()
