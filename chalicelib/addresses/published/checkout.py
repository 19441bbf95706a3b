"""The address an order ships to, for checkout.

An order keeps a ``ShippingAddress`` snapshot: the order's merchant sees that copy, never
the book, and later edits of the book do not change an order. Both reads use the
caller's own partition, so another user's address id is not found, with the same
error as a missing one (it tells nothing about whether the id exists).

DynamoDB requests: ``address_for_checkout`` one GetItem; ``default_address`` two
GetItems (the book's header, then the address it names), one if the book is empty. Reads are
strongly consistent: an address just added or removed is seen as it is now.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from chalicelib.addresses import keys, store
from chalicelib.addresses.models import AddressBookItem, AddressItem
from chalicelib.addresses.rules import AddressNotFound
from chalicelib.core.ids import is_id

__all__ = ["ShippingAddress", "address_for_checkout", "book_key", "default_address", "default_address_from"]


@dataclass(frozen=True)
class ShippingAddress:
    """The snapshot an order keeps. Personal data: never log it (its repr leaves out the
    recipient, mobile and detail, so a stray log line or traceback does not carry them)."""

    address_id: str
    recipient: str = field(repr=False)
    mobile: str = field(repr=False)  # 11 digits, mainland China
    province_code: str  # GB/T 2260
    city_code: str
    district_code: str
    detail: str = field(repr=False)


def _snapshot(record: AddressItem) -> ShippingAddress:
    return ShippingAddress(address_id=record.address_id, recipient=record.recipient, mobile=record.mobile,
                           province_code=record.province_code, city_code=record.city_code,
                           district_code=record.district_code, detail=record.detail)


def address_for_checkout(user_id: str, address_id: str) -> ShippingAddress:
    """The user's address, or core ``NotFound`` (field ``addressId``) if it is missing or another user's."""
    record = store.get_address(user_id, address_id, consistent=True) if is_id(address_id) else None
    if record is None:
        raise AddressNotFound("no such address in your book", "addressId")
    return _snapshot(record)


def default_address(user_id: str) -> ShippingAddress | None:
    """The user's default address; None when the book is empty."""
    default_id = store.read_header(user_id, consistent=True).default_id
    if default_id is None:
        return None
    record = store.get_address(user_id, default_id, consistent=True)
    return _snapshot(record) if record else None


def book_key(user_id: str) -> tuple[str, str]:
    """The key of the user's address book header (which address is the default), for a caller
    that reads it in its own BatchGetItem with other items (a group-buy seat's reads)."""
    return keys.addresses_pk(user_id), keys.BOOK_SK


def default_address_from(user_id: str, batch: list) -> ShippingAddress | None:
    """The default address named by the header found in ``batch`` (items read with
    ``book_key``): one GetItem, none when the book is empty."""
    header = next((item for item in batch if isinstance(item, AddressBookItem)), None)
    if header is None or header.default_id is None:
        return None
    record = store.get_address(user_id, header.default_id, consistent=True)
    return _snapshot(record) if record else None
