"""Shared address-book test values. Numbers are 138 0000 xxxx: clearly made up."""
from __future__ import annotations

from datetime import UTC, datetime

from chalicelib.addresses.rules import AddressFields
from chalicelib.core.principal import Principal, Role

NOW = datetime(2025, 6, 1, 4, 0, tzinfo=UTC)
ALICE = Principal("01J00000000000000000ALICE0", Role.CUSTOMER)
BOB = Principal("01J000000000000000000BOB00", Role.CUSTOMER)


def fields(n: int = 0, **changes) -> AddressFields:
    values = {"recipient": f"测试收件人{n}", "mobile": f"1380000{n:04d}", "province_code": "440000",
              "city_code": "440300", "district_code": "440305", "detail": f"科技园测试路{n}号", "label": None}
    values.update(changes)
    return AddressFields(**values)
