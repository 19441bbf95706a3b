"""Address book items: ``ADDRESSES#<user>`` holds the header (``BOOK``) and the addresses
(``ADDRESS#<ulid>``). The header is the one place that says which address is the default,
so there can never be two; its ``count`` is what the 20-address limit is checked against."""
from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from chalicelib.core.table.models import TableItem


class AddressBookItem(TableItem, discriminator="AddressBook"):
    count = NumberAttribute(default=0)
    default_id = UnicodeAttribute(null=True)  # absent only while the book is empty


class AddressItem(TableItem, discriminator="Address"):
    """Personal data: never logged, shown to its owner only."""

    address_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    recipient = UnicodeAttribute()
    mobile = UnicodeAttribute()  # the 11 digits
    province_code = UnicodeAttribute()
    city_code = UnicodeAttribute()
    district_code = UnicodeAttribute()
    detail = UnicodeAttribute()
    label = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
