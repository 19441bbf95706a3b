"""Fulfilment's pure rules, and the id bounds a creation range becomes."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from ulid import ULID

from chalicelib.core.errors import ErrorCode
from chalicelib.core.ids import first_id_at, last_id_at
from chalicelib.fulfilment import rules

NOW = datetime(2026, 12, 5, 8, 0, 0, 123456, tzinfo=UTC)


def test_a_shipment_is_due_exactly_auto_complete_seconds_after_it_shipped():
    shipment = rules.shipment("SF", "SF-12345678", NOW, 10)
    assert shipment.shipped_at == NOW.replace(microsecond=0)
    assert shipment.complete_by == shipment.shipped_at + timedelta(seconds=10)
    assert not rules.is_due(shipment.complete_by, shipment.complete_by - timedelta(seconds=1))
    assert rules.is_due(shipment.complete_by, shipment.complete_by) and not rules.is_due(None, NOW)


def test_completion_opens_both_return_windows():
    done = rules.completion(NOW, 7, 15)
    assert (done.returns_until - done.completed_at, done.after_sales_until - done.completed_at) == (
        timedelta(seconds=7), timedelta(seconds=15))


@pytest.mark.parametrize("tracking_no", ["123456", "A" * 32, "JD-0001-xyz"])
def test_tracking_numbers_of_the_allowed_shape_pass(tracking_no):
    assert rules.checked_tracking_no(tracking_no) == tracking_no


@pytest.mark.parametrize("tracking_no", ["", " 1234567", "1234567 ", "12345", "A" * 33, "一二三四五六", "12_4567"])
def test_other_tracking_numbers_are_refused(tracking_no):
    with pytest.raises(rules.InvalidTrackingNumber) as refused:
        rules.checked_tracking_no(tracking_no)
    assert refused.value.code is ErrorCode.INVALID_TRACKING_NUMBER and refused.value.field == ("trackingNo",)


def test_an_unknown_carrier_is_refused():
    with pytest.raises(rules.UnknownCarrier):
        rules.checked_carrier("UPS")


def test_ids_created_at_a_moment_lie_within_its_bounds_and_no_other():
    made = ULID.from_datetime(NOW)
    assert first_id_at(NOW) <= str(made) <= last_id_at(NOW)
    assert last_id_at(NOW - timedelta(milliseconds=1)) < str(made) < first_id_at(NOW + timedelta(milliseconds=1))
