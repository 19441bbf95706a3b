"""The address book's pure rules: codes, mobile numbers, text, the book's order."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.addresses import rules
from chalicelib.addresses.rules import AddressChanges, AddressInvalid
from chalicelib.core.errors import ErrorCode
from tests.addresses.support import NOW, fields


def test_there_are_34_provincial_level_codes_all_shaped_xx0000():
    assert len(rules.PROVINCES) == 34
    assert all(code.endswith("0000") and code.isdigit() for code in rules.PROVINCES)


@pytest.mark.parametrize(("province", "city", "district"), [
    ("110000", "110100", "110105"),  # 北京 朝阳
    ("440000", "440300", "440305"),  # 深圳 南山
    ("440000", "441900", "441900"),  # 东莞: no district level
    ("650000", "650100", "650102"),
])
def test_well_shaped_region_codes_pass(province, city, district):
    rules.check_region(province, city, district)


@pytest.mark.parametrize(("province", "city", "district", "field"), [
    ("990000", "990100", "990101", "provinceCode"),  # not a province
    ("440100", "440300", "440305", "provinceCode"),  # a city given as the province
    ("44000", "440300", "440305", "provinceCode"),
    ("440000", "450300", "450305", "cityCode"),  # another province's city
    ("440000", "440000", "440001", "cityCode"),
    ("440000", "440301", "440301", "cityCode"),
    ("440000", "440300", "440405", "districtCode"),  # another city's district
    ("440000", "440300", "440300", "districtCode"),  # a city with districts
    ("440000", "440300", "44030x", "districtCode"),
    ("440000", "44０300", "44０301", "cityCode"),  # a full-width digit
])
def test_badly_shaped_region_codes_name_the_field(province, city, district, field):
    with pytest.raises(AddressInvalid) as refused:
        rules.check_region(province, city, district)
    assert refused.value.field == (field,) and refused.value.code is ErrorCode.INVALID


@pytest.mark.parametrize(("given_mobile", "stored"), [
    ("13800001234", "13800001234"),
    ("+8613800001234", "13800001234"),
    ("+86 138 0000 1234", "13800001234"),
    ("138-0000-1234", "13800001234"),
    ("19900001234", "19900001234"),
])
def test_mainland_mobiles_are_stored_as_their_11_digits(given_mobile, stored):
    assert rules.clean_mobile(given_mobile) == stored


@pytest.mark.parametrize("bad", ["12800001234", "1380000123", "138000012345", "8613800001234", "+85212345678",
                                 "1380000123a", "", "１３８００００１２３４", "13８00001234"])
def test_other_numbers_are_refused_without_repeating_them(bad):
    with pytest.raises(AddressInvalid) as refused:
        rules.clean_mobile(bad)
    assert refused.value.field == ("mobile",)
    assert not bad or bad not in refused.value.message


def test_masked_mobile_hides_the_middle_four_digits():
    assert rules.masked_mobile("13800001234") == "138****1234"


@pytest.mark.parametrize(("changes", "field"), [
    ({"recipient": ""}, "recipient"),
    ({"recipient": "   "}, "recipient"),
    ({"recipient": "名" * 21}, "recipient"),
    ({"recipient": "a\nb"}, "recipient"),
    ({"recipient": "\ud800x"}, "recipient"),  # a lone surrogate
    ({"detail": "路" * 121}, "detail"),
    ({"detail": ""}, "detail"),
    ({"detail": "一\x00号"}, "detail"),
    ({"label": "家" * 11}, "label"),
])
def test_text_fields_are_checked_and_named(changes, field):
    with pytest.raises(AddressInvalid) as refused:
        rules.clean_fields(fields(**changes))
    assert refused.value.field == (field,)


def test_text_is_trimmed_at_its_limits_and_an_empty_label_is_none():
    cleaned = rules.clean_fields(fields(recipient=" " + "名" * 20 + " ", detail="路" * 120, label="  "))
    assert cleaned.recipient == "名" * 20 and cleaned.detail == "路" * 120 and cleaned.label is None
    assert rules.clean_fields(fields(label="公司")).label == "公司"


def test_changes_are_checked_as_a_whole_and_an_empty_label_removes_it():
    before = rules.clean_fields(fields(label="家"))
    assert rules.apply_changes(before, AddressChanges(label="")).label is None
    assert rules.apply_changes(before, AddressChanges(detail="新地址")).detail == "新地址"
    with pytest.raises(AddressInvalid) as refused:  # a Beijing city under Guangdong
        rules.apply_changes(before, AddressChanges(city_code="110100", district_code="110105"))
    assert refused.value.field == ("cityCode",)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.sampled_from("0123456789ABCDEFGHJKMNPQRSTVWXYZ"), min_size=1, max_size=20, unique=True))
def test_book_order_is_default_first_then_newest(suffixes):
    ids = [f"01J0000000000000000000000{s}" for s in suffixes]
    book = [rules.Address(id=i, user_id="u", fields=fields(), created_at=NOW, updated_at=NOW,
                          is_default=i == ids[0]) for i in ids]
    ordered = [a.id for a in rules.in_book_order(book)]
    assert ordered == [ids[0], *sorted(ids[1:], reverse=True)]
    assert rules.next_default(book) == max(ids)


def test_an_address_refuses_direction_overrides_like_every_line_people_see():
    from chalicelib.addresses.rules import clean_text
    from chalicelib.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        clean_text("北京\u202e路 1 号", "detail", max_length=120)
