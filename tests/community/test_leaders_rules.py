"""Community leaders' pure rules: a pickup point's fields, who may apply, what each decision leaves."""
from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from chalicelib.community import rules
from chalicelib.community.rules import (
    AlreadyALeader,
    ApplicationPending,
    LeaderAction,
    LeaderNotApproved,
    LeaderState,
    PointInvalid,
)
from chalicelib.core.errors import ErrorCode, InvalidState, ValidationFailed
from tests.community.leader_support import NOW, application


def _refused(field: str, **changes) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as refused:
        rules.clean_application(application(**changes))
    assert refused.value.field == tuple(field.split(".")), refused.value.message
    assert refused.value.code is ErrorCode.INVALID
    return refused.value


def test_a_good_application_is_cleaned_with_coordinates_in_micro_degrees():
    name, point = rules.clean_application(application(3, contact_mobile="+86 138-0000-0003",
                                                      display_name="  王姐3 "))
    assert name == "王姐3"
    assert point.contact_mobile == "13800000003"
    assert point.location == rules.Location(22543096, 113934201)
    assert (point.province_code, point.city_code, point.district_code) == ("440000", "440300", "440305")


@pytest.mark.parametrize("hours", ["8:00-20:00", "08:00-24:00", "08:60-20:00", "20:00-08:00", "08:00-08:00",
                                   "08:00–20:00", "08:00 - 20:00", "０8:00-20:00", "", None, 800])
def test_opening_hours_must_be_hh_mm_hh_mm_opening_first(hours):
    _refused("openingHours", opening_hours=hours)


@pytest.mark.parametrize("hours", ["00:00-23:59", "08:00-20:00", "06:30-06:31"])
def test_good_opening_hours_pass(hours):
    assert rules.clean_hours(hours) == hours


@pytest.mark.parametrize(("given", "micro"), [
    (22543096, 22543096), ("22.543096", 22543096), ("-33.8", -33800000), ("90", 90000000),
    (Decimal("0.000001"), 1), ("-90.000000", -90000000), (-90_000_000, -90_000_000),
])
def test_latitudes_convert_exactly(given, micro):
    assert rules.micro_degrees(given, "latitude", rules.MAX_LATITUDE) == micro


@pytest.mark.parametrize("latitude", [90_000_001, "90.000001", "-91", 22.543096, True, "22.5430961", "1e2",
                                      "22,5", "", " ", None, "２２.5"])
def test_bad_latitudes_are_refused(latitude):
    _refused("location.latitude", latitude=latitude)


@pytest.mark.parametrize("longitude", [180_000_001, "-180.000001", "181", 113.9, "abc"])
def test_bad_longitudes_are_refused(longitude):
    _refused("location.longitude", longitude=longitude)


def test_the_longitude_range_is_180_degrees():
    assert rules.micro_degrees("-180", "longitude", rules.MAX_LONGITUDE) == -180_000_000


@pytest.mark.parametrize("mobile", ["12345", "1380000000", "23800000000", "138000000001", "１3800000000", 13800000000])
def test_the_contact_mobile_is_checked_as_an_address_s(mobile):
    _refused("contactMobile", contact_mobile=mobile)


@pytest.mark.parametrize(("changes", "field"), [
    ({"province_code": "990000"}, "provinceCode"),
    ({"city_code": "450300"}, "cityCode"),
    ({"district_code": "440405"}, "districtCode"),
    ({"district_code": "440300"}, "districtCode"),
])
def test_region_codes_are_checked_as_an_address_s(changes, field):
    _refused(field, **changes)


@pytest.mark.parametrize("field", ["display_name", "point_name", "detail"])
@pytest.mark.parametrize("bad", ["ab\ncd", "ab\x00", "\u202eevil", "", "   "])
def test_text_fields_refuse_control_and_direction_characters_and_emptiness(field, bad):
    camel = {"display_name": "displayName", "point_name": "pointName", "detail": "detail"}[field]
    refused = _refused(camel, **{field: bad})
    assert bad.strip() == "" or bad not in refused.message  # the value is never repeated


def test_text_lengths_are_bounded():
    _refused("displayName", display_name="名" * (rules.MAX_DISPLAY_NAME + 1))
    _refused("pointName", point_name="点" * (rules.MAX_POINT_NAME + 1))
    _refused("detail", detail="路" * (rules.MAX_DETAIL + 1))
    assert rules.clean_application(application(point_name="点" * rules.MAX_POINT_NAME))[1].name == "点" * 30


def test_a_point_s_repr_leaves_out_the_mobile():
    _, point = rules.clean_application(application(7))
    assert "13800000007" not in repr(point) and "13800000007" not in repr(application(7))


def _leader(state: LeaderState) -> rules.Leader:
    _, point = rules.clean_application(application())
    return rules.Leader("U1", "王姐", point, state, NOW, NOW)


def test_one_application_per_user_a_rejected_one_may_be_replaced():
    rules.check_may_apply(None)
    rules.check_may_apply(_leader(LeaderState.REJECTED))
    with pytest.raises(ApplicationPending) as pending:
        rules.check_may_apply(_leader(LeaderState.PENDING))
    assert pending.value.code is ErrorCode.APPLICATION_PENDING
    for state in (LeaderState.APPROVED, LeaderState.SUSPENDED):
        with pytest.raises(AlreadyALeader) as leader:
            rules.check_may_apply(_leader(state))
        assert leader.value.code is ErrorCode.ALREADY_A_LEADER


@pytest.mark.parametrize("action", list(LeaderAction))
def test_each_decision_leaves_exactly_one_state(action):
    for state in LeaderState:
        if state is action.leaving:
            rules.check_may_act(_leader(state), action)
        else:
            with pytest.raises(InvalidState):
                rules.check_may_act(_leader(state), action)
    assert {a.to for a in LeaderAction} == {LeaderState.APPROVED, LeaderState.REJECTED, LeaderState.SUSPENDED}
    assert action.needs_reason == (action in (LeaderAction.REJECT, LeaderAction.SUSPEND))


def test_only_an_approved_leader_is_choosable_and_public_means_approved_or_suspended():
    assert rules.check_choosable(_leader(LeaderState.APPROVED)).id == "U1"
    for state in (LeaderState.PENDING, LeaderState.REJECTED, LeaderState.SUSPENDED):
        with pytest.raises(LeaderNotApproved):
            rules.check_choosable(_leader(state))
    assert [s for s in LeaderState if _leader(s).is_public] == [LeaderState.APPROVED, LeaderState.SUSPENDED]
    assert replace(_leader(LeaderState.APPROVED), code="X").code == "X"


def test_reasons_are_one_line_of_at_most_200_characters():
    assert rules.clean_reason("  照片不清楚 ") == "照片不清楚"
    for bad in ("", "a\rb", "x" * 201, None):
        with pytest.raises(PointInvalid):
            rules.clean_reason(bad)
