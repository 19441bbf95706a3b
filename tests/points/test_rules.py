"""The points rules as pure functions (no table)."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from chalicelib.core.errors import DomainError, ErrorCode
from chalicelib.points import rules
from chalicelib.points.rules import DEFAULT_RULES, InsufficientPoints, InvalidRedemption, PointsRules, Tier

UTC = UTC


def test_defaults_are_domain_md():
    r = DEFAULT_RULES
    assert (r.fen_per_point, r.green_multiplier, r.check_in_points, r.streak_bonus_day, r.streak_bonus_points) == (
        100, 2, 5, 7, 20)
    assert (r.post_points, r.posts_per_day, r.team_success_points, r.pending_days) == (10, 3, 20, 7)
    assert [(t.name, t.min_growth, t.multiplier_permille) for t in r.tiers] == [
        ("bronze", 0, 1000), ("silver", 1000, 1200), ("gold", 5000, 1500), ("diamond", 20000, 2000)]
    assert (r.redeem_points_per_unit, r.redeem_fen_per_unit, r.redeem_max_percent) == (100, 100, 50)
    ints = [v for v in r.to_dict().values() if not isinstance(v, tuple)]
    assert all(type(v) is int for v in ints)  # never floats


def test_rules_round_trip_as_stored_configuration():
    custom = PointsRules(check_in_points=7, tiers=(Tier("a", 0, 1000), Tier("b", 10, 3000)))
    assert PointsRules.from_dict(custom.to_dict()) == custom
    with pytest.raises(ValueError):
        PointsRules(tiers=(Tier("a", 5, 1000),))


@pytest.mark.parametrize("paid, green, permille, expected", [
    (0, 0, 1000, 0),
    (99, 0, 1000, 0),
    (100, 0, 1000, 1),
    (12_399, 0, 1000, 123),  # ¥123.99 -> 123, rounded down
    (10_000, 10_000, 1000, 200),  # all green: ×2
    (10_050, 50, 1000, 101),  # rounding once at the end: ¥100.50 of which ¥0.50 green
    (10_000, 0, 1200, 120),
    (10_099, 0, 1500, 151),  # 100.99 × 1.5 = 151.485
    (10_000, 5_000, 2000, 300),
])
def test_points_for_a_payment(paid, green, permille, expected):
    assert rules.points_for_payment(paid, green, permille) == expected


def test_green_is_part_of_paid():
    with pytest.raises(DomainError):
        rules.points_for_payment(100, 200)


@pytest.mark.parametrize("growth, name", [(0, "bronze"), (999, "bronze"), (1000, "silver"), (4999, "silver"),
                                          (5000, "gold"), (19_999, "gold"), (20_000, "diamond"), (10**9, "diamond")])
def test_tier_for_growth(growth, name):
    assert rules.tier_for(growth).name == name


@pytest.mark.parametrize("order, available, expected", [
    (10_000, 10_000, 5_000),  # 50% of ¥100 = ¥50 = 5 000 points
    (10_000, 1_234, 1_200),  # units of 100
    (199, 10_000, 0),  # 50% of ¥1.99 is under ¥1
    (200, 10_000, 100),
    (0, 500, 0),
    (12_345, 100_000, 6_100),  # ¥61.72 -> 61 units
])
def test_redeemable_max(order, available, expected):
    assert rules.redeemable_max(order, available) == expected


def test_check_redemption():
    assert rules.check_redemption(300, 10_000, 1_000) == 300
    for bad in (0, -100, 150, True):
        with pytest.raises(InvalidRedemption):
            rules.check_redemption(bad, 10_000, 1_000)
    with pytest.raises(InvalidRedemption) as over:
        rules.check_redemption(5_100, 10_000, 100_000)  # over 50%
    assert over.value.code is ErrorCode.POINTS_OVER_CAP
    with pytest.raises(InsufficientPoints) as caught:
        rules.check_redemption(1_100, 10_000, 1_000)
    assert caught.value.code is ErrorCode.NOT_ENOUGH_POINTS


def test_lots_are_consumed_oldest_first():
    lots = [(date(2026, 12, 31), 50), (date(2025, 12, 31), 30), (date(2027, 12, 31), 100)]
    assert rules.consume_oldest_first(lots, 20) == [(date(2025, 12, 31), 20)]
    assert rules.consume_oldest_first(lots, 100) == [(date(2025, 12, 31), 30), (date(2026, 12, 31), 50),
                                                      (date(2027, 12, 31), 20)]
    assert rules.consume_oldest_first([(date(2025, 12, 31), 0), (date(2026, 12, 31), 5)], 5) == [
        (date(2026, 12, 31), 5)]
    with pytest.raises(InsufficientPoints):
        rules.consume_oldest_first(lots, 181)


def test_expiry_is_the_end_of_the_next_calendar_year_in_china():
    assert rules.expires_on(datetime(2025, 1, 1, 0, 0, tzinfo=rules.CHINA)) == date(2026, 12, 31)
    assert rules.expires_on(datetime(2025, 12, 31, 23, 59, tzinfo=rules.CHINA)) == date(2026, 12, 31)
    # 2025-12-31 16:00 UTC is already 2026 in China
    assert rules.expires_on(datetime(2025, 12, 31, 16, 0, tzinfo=UTC)) == date(2027, 12, 31)
    last = date(2026, 12, 31)
    assert not rules.is_expired(last, datetime(2026, 12, 31, 15, 59, tzinfo=UTC))
    assert rules.is_expired(last, datetime(2026, 12, 31, 16, 0, tzinfo=UTC))


def test_check_in_streak():
    today = date(2025, 6, 7)
    assert rules.next_streak(None, 0, today) == 1
    assert rules.next_streak(today - timedelta(days=1), 6, today) == 7
    assert rules.next_streak(today - timedelta(days=2), 6, today) == 1
    assert [rules.check_in_points(s) for s in range(1, 15)] == [5] * 6 + [20] + [5] * 6 + [20]


def test_post_cap():
    assert [rules.post_points(n) for n in range(5)] == [10, 10, 10, 0, 0]


def test_release_after_seven_days():
    paid = datetime(2025, 6, 1, tzinfo=UTC)
    assert rules.release_at(paid) == datetime(2025, 6, 8, tzinfo=UTC)
