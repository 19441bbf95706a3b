"""The address book (收货地址): what an address is, and the book's rules. Pure.

An address holds personal data (recipient, mobile, detail): it is shown to its owner
only, never logged, and error messages never repeat it. An order keeps a snapshot
(``published/checkout.py``), so the merchant of an order sees the snapshot, never the book.

Region codes are GB/T 2260 six-digit administrative codes, checked by their shape:
a province ``XX0000`` among the 34 provincial-level codes below, a city ``XXXX00``
sharing the province's first two digits, a district sharing the city's first four.
The national table (about 3,000 districts, revised every year) is not shipped, so a
well-shaped code that does not exist (``110199``) passes: clients pick codes from
their own region picker (the mini-program's ``<picker mode="region">``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime

from chalicelib.core.errors import LimitReached, NotFound, ValidationFailed
from chalicelib.core.text import one_line

MAX_ADDRESSES = 20
MAX_RECIPIENT = 20
MAX_DETAIL = 120
MAX_LABEL = 10

# GB/T 2260 provincial-level divisions: 23 provinces, 5 autonomous regions, 4 municipalities,
# 2 special administrative regions (Taiwan is listed as the standard lists it).
PROVINCES: dict[str, str] = {
    "110000": "北京市", "120000": "天津市", "130000": "河北省", "140000": "山西省", "150000": "内蒙古自治区",
    "210000": "辽宁省", "220000": "吉林省", "230000": "黑龙江省",
    "310000": "上海市", "320000": "江苏省", "330000": "浙江省", "340000": "安徽省", "350000": "福建省",
    "360000": "江西省", "370000": "山东省",
    "410000": "河南省", "420000": "湖北省", "430000": "湖南省", "440000": "广东省", "450000": "广西壮族自治区",
    "460000": "海南省",
    "500000": "重庆市", "510000": "四川省", "520000": "贵州省", "530000": "云南省", "540000": "西藏自治区",
    "610000": "陕西省", "620000": "甘肃省", "630000": "青海省", "640000": "宁夏回族自治区", "650000": "新疆维吾尔自治区",
    "710000": "台湾省", "810000": "香港特别行政区", "820000": "澳门特别行政区",
}
# Prefecture-level cities with no district level (towns sit directly under them): their
# addresses give the city's own code as the district.
CITIES_WITHOUT_DISTRICTS = frozenset({"441900", "442000", "460400", "620200"})  # 东莞 中山 儋州 嘉峪关

# Mainland China mobile numbers: 11 digits, 1 then 3-9. A leading "+86" (with or without a
# space) is accepted and dropped; spaces and hyphens between digits are ignored. Stored and
# shown as the 11 digits.
MOBILE = re.compile(r"1[3-9][0-9]{9}")  # [0-9], not \d: \d matches full-width digits too
COUNTRY_PREFIX = "+86"
_SEPARATORS = re.compile(r"[\s-]")
_CODE = re.compile(r"[0-9]{6}")


class AddressInvalid(ValidationFailed):
    """A field of an address breaks its rule; the message never repeats the value."""


class AddressNotFound(NotFound):
    """No such address in the caller's book (another user's is not found either)."""


class AddressBookFull(LimitReached):
    """The book holds MAX_ADDRESSES already."""

    def __init__(self, field: str | None = None) -> None:
        super().__init__(f"an address book holds at most {MAX_ADDRESSES} addresses: remove one first", field)


@dataclass(frozen=True, slots=True)
class AddressFields:
    # Personal data is left out of the repr: a stray log line or traceback does not carry it.
    recipient: str = field(repr=False)
    mobile: str = field(repr=False)
    province_code: str
    city_code: str
    district_code: str
    detail: str = field(repr=False)
    label: str | None = None


@dataclass(frozen=True, slots=True)
class Address:
    id: str
    user_id: str
    fields: AddressFields
    created_at: datetime
    updated_at: datetime
    is_default: bool = False


@dataclass(frozen=True)
class AddressChanges:
    """Only the fields that are set change; ``label=""`` removes the label."""

    recipient: str | None = None
    mobile: str | None = None
    province_code: str | None = None
    city_code: str | None = None
    district_code: str | None = None
    detail: str | None = None
    label: str | None = None


# ---------------------------------------------------------------- text and fields
def clean_text(value: object, field: str, *, max_length: int) -> str:
    """One line of text (core.text: no control or direction characters, no lone surrogates),
    trimmed, 1 to ``max_length`` characters."""
    text = one_line(value)
    if text is None:
        raise AddressInvalid("must be one line of text (no control or direction characters)", field)
    if not text:
        raise AddressInvalid("must not be empty", field)
    if len(text) > max_length:
        raise AddressInvalid(f"must be at most {max_length} characters", field)
    return text


def clean_mobile(value: object, field: str = "mobile") -> str:
    if not isinstance(value, str):
        raise AddressInvalid("must be text", field)
    digits = _SEPARATORS.sub("", value)
    if digits.startswith(COUNTRY_PREFIX):
        digits = digits[len(COUNTRY_PREFIX):]
    if not MOBILE.fullmatch(digits):
        raise AddressInvalid("must be a mainland China mobile number: 11 digits starting 13-19, "
                             "optionally after +86", field)
    return digits


def masked_mobile(mobile: str) -> str:
    """138****1234: for screens other people may see."""
    return f"{mobile[:3]}****{mobile[-4:]}" if len(mobile) == 11 else "****"


def check_region(province_code: object, city_code: object, district_code: object,
                 fields: tuple[str, str, str] = ("provinceCode", "cityCode", "districtCode")) -> None:
    province_field, city_field, district_field = fields
    for value, path in ((province_code, province_field), (city_code, city_field), (district_code, district_field)):
        if not isinstance(value, str) or not _CODE.fullmatch(value):
            raise AddressInvalid("must be a six-digit GB/T 2260 code", path)
    assert isinstance(province_code, str) and isinstance(city_code, str) and isinstance(district_code, str)
    if province_code not in PROVINCES:
        raise AddressInvalid("must be one of the 34 provincial-level codes (XX0000)", province_field)
    if city_code[:2] != province_code[:2] or city_code[2:4] == "00" or city_code[4:] != "00":
        raise AddressInvalid("must be a city of the province: its first two digits, then two non-zero, then 00",
                             city_field)
    if district_code == city_code and city_code in CITIES_WITHOUT_DISTRICTS:
        return
    if district_code[:4] != city_code[:4] or district_code[4:] == "00":
        raise AddressInvalid("must be a district of the city: its first four digits, then two non-zero",
                             district_field)


def clean_label(value: object, field: str = "label") -> str | None:
    if value is None:
        return None
    if isinstance(value, str) and not value.strip():
        return None
    return clean_text(value, field, max_length=MAX_LABEL)


def clean_fields(fields: AddressFields) -> AddressFields:
    """The fields as stored, or AddressInvalid naming the first field at fault."""
    check_region(fields.province_code, fields.city_code, fields.district_code)
    return AddressFields(
        recipient=clean_text(fields.recipient, "recipient", max_length=MAX_RECIPIENT),
        mobile=clean_mobile(fields.mobile),
        province_code=fields.province_code,
        city_code=fields.city_code,
        district_code=fields.district_code,
        detail=clean_text(fields.detail, "detail", max_length=MAX_DETAIL),
        label=clean_label(fields.label),
    )


def apply_changes(before: AddressFields, changes: AddressChanges) -> AddressFields:
    """The fields after the changes, checked as a whole (a new city must fit the old province)."""
    after = replace(before, **{name: value for name, value in (
        ("recipient", changes.recipient), ("mobile", changes.mobile), ("province_code", changes.province_code),
        ("city_code", changes.city_code), ("district_code", changes.district_code), ("detail", changes.detail),
    ) if value is not None})
    if changes.label is not None:
        after = replace(after, label=changes.label)
    return clean_fields(after)


# ---------------------------------------------------------------- the book
def in_book_order(addresses: list[Address]) -> list[Address]:
    """The default first, then the newest first (ids are ULIDs: they sort by creation)."""
    return sorted(addresses, key=lambda a: (not a.is_default, _descending(a.id)))


def _descending(address_id: str) -> tuple[int, ...]:
    return tuple(-ord(c) for c in address_id)


def next_default(remaining: list[Address]) -> str | None:
    """When the default is removed: the most recently added of the others (None: book empty)."""
    return max((a.id for a in remaining), default=None)
