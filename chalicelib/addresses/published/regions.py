"""The address book's checks of a region and a mobile number, for features that take an address of their own
(a community leader's pickup point): the same codes and the same messages as an address. Pure."""
from __future__ import annotations

from chalicelib.addresses.rules import AddressInvalid, check_region, clean_mobile, masked_mobile

__all__ = ["AddressInvalid", "check_region", "clean_mobile", "masked_mobile"]
