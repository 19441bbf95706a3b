"""The address snapshot an order item keeps, as a table attribute: one shape for every order kind
(checkout's regular orders, group-buy's orders), mapped to and from ``ShippingAddress``."""
from __future__ import annotations

from pynamodb.attributes import MapAttribute, UnicodeAttribute

from chalicelib.addresses.published.checkout import ShippingAddress

__all__ = ["AddressMap", "address_map", "snapshot_of"]


class AddressMap(MapAttribute):
    """The shipping address as it was when the order took it. Personal data: never logged."""

    address_id = UnicodeAttribute()
    recipient = UnicodeAttribute()
    mobile = UnicodeAttribute()
    province_code = UnicodeAttribute()
    city_code = UnicodeAttribute()
    district_code = UnicodeAttribute()
    detail = UnicodeAttribute()


def address_map(address: ShippingAddress) -> AddressMap:
    return AddressMap(address_id=address.address_id, recipient=address.recipient, mobile=address.mobile,
                      province_code=address.province_code, city_code=address.city_code,
                      district_code=address.district_code, detail=address.detail)


def snapshot_of(stored: AddressMap) -> ShippingAddress:
    return ShippingAddress(stored.address_id, stored.recipient, stored.mobile, stored.province_code, stored.city_code,
                           stored.district_code, stored.detail)
