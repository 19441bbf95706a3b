"""RFM segments (docs/domain.md) as a pure function: the report's rules and the
decisions on what they leave open (chalicelib/points/segments.py)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.points.segments import Purchase, Segment, classify

UTC = UTC
NOW = datetime(2025, 6, 1, 4, 0, tzinfo=UTC)
YUAN = 100
DAY = timedelta(days=1)


def bought(*ages_and_yuan: tuple[float, int]) -> list[Purchase]:
    """Purchases ``age`` days before NOW, of ``yuan`` each."""
    return [Purchase(NOW - timedelta(days=age), yuan * YUAN) for age, yuan in ages_and_yuan]


# ---------------------------------------------------------------- the report's rules, as written
@pytest.mark.parametrize("purchases, segment", [
    (bought((1, 900), (10, 900), (29, 900)), Segment.DIAMOND),  # ≥ 3 in 30 days, average > ¥800
    (bought((1, 500), (10, 1000), (20, 1000)), Segment.DIAMOND),  # the average, not each order
    (bought((1, 900), (2, 900), (3, 900), (4, 900), (5, 900)), Segment.DIAMOND),  # more than 3
    (bought((5, 100)), Segment.GOLD),  # 1 in 60 days
    (bought((5, 100), (59, 100)), Segment.GOLD),  # 2 in 60 days
    (bought((75, 100)), Segment.SILVER),  # 1 in 90 days
    ([], Segment.CHURN_WARNING),  # none in 90 days (never bought)
    (bought((91, 5000), (200, 5000)), Segment.CHURN_WARNING),  # none in 90 days (bought before)
])
def test_the_reports_rules(purchases, segment):
    assert classify(purchases, NOW) is segment


# ---------------------------------------------------------------- decided: overlaps and gaps
def test_three_in_30_days_averaging_800_or_less_is_gold():
    assert classify(bought((1, 800), (2, 800), (3, 800)), NOW) is Segment.GOLD  # exactly ¥800: not above
    assert classify(bought((1, 100), (2, 100), (3, 100), (4, 100)), NOW) is Segment.GOLD


def test_the_average_is_exact_in_fen():
    at_800 = [Purchase(NOW - DAY, 80_000), Purchase(NOW - DAY, 80_000), Purchase(NOW - DAY, 80_000)]
    assert classify(at_800, NOW) is Segment.GOLD
    one_fen_more = [*at_800[:2], Purchase(NOW - DAY, 80_001)]  # average ¥800.0033
    assert classify(one_fen_more, NOW) is Segment.DIAMOND


def test_diamond_averages_only_the_last_30_days():
    big_older = bought((1, 300), (2, 300), (3, 300), (40, 100_000))
    assert classify(big_older, NOW) is Segment.GOLD
    small_older = bought((1, 900), (2, 900), (3, 900), (40, 1))
    assert classify(small_older, NOW) is Segment.DIAMOND


def test_three_or_more_in_60_days_without_three_in_30_is_gold():
    assert classify(bought((1, 5000), (2, 5000), (45, 5000)), NOW) is Segment.GOLD
    assert classify(bought((31, 5000), (40, 5000), (50, 5000), (59, 5000)), NOW) is Segment.GOLD


def test_any_number_in_61_to_90_days_is_silver():
    assert classify(bought((61, 100), (80, 100)), NOW) is Segment.SILVER
    assert classify(bought((61, 9000), (62, 9000), (63, 9000), (64, 9000)), NOW) is Segment.SILVER


TWO_RECENT = bought((1, 900), (2, 900))


@pytest.mark.parametrize("purchases, segment", [
    # "in the last N days" includes a purchase exactly N days ago, to the second
    ([*TWO_RECENT, Purchase(NOW - timedelta(days=30), 900 * YUAN)], Segment.DIAMOND),
    ([*TWO_RECENT, Purchase(NOW - timedelta(days=30, seconds=1), 900 * YUAN)], Segment.GOLD),
    ([Purchase(NOW - timedelta(days=60), YUAN)], Segment.GOLD),
    ([Purchase(NOW - timedelta(days=60, seconds=1), YUAN)], Segment.SILVER),
    ([Purchase(NOW - timedelta(days=90), YUAN)], Segment.SILVER),
    ([Purchase(NOW - timedelta(days=90, seconds=1), YUAN)], Segment.CHURN_WARNING),
])
def test_window_edges_are_inclusive(purchases, segment):
    assert classify(purchases, NOW) is segment


def test_purchases_after_now_are_ignored():
    later = [Purchase(NOW + DAY, 900 * YUAN)]
    assert classify(later, NOW) is Segment.CHURN_WARNING
    assert classify(bought((1, 900), (2, 900)) + later, NOW) is Segment.GOLD


def test_order_of_purchases_and_time_zones_do_not_matter():
    china = timezone(timedelta(hours=8))
    purchases = bought((29, 900), (1, 900), (10, 900))
    in_china = [Purchase(p.paid_at.astimezone(china), p.amount_fen) for p in reversed(purchases)]
    assert classify(purchases, NOW) is classify(in_china, NOW.astimezone(china)) is Segment.DIAMOND


def test_now_must_be_aware():
    with pytest.raises(ValueError):
        classify([], NOW.replace(tzinfo=None))


def test_segment_values_are_the_stored_names():
    assert [s.value for s in Segment] == ["diamond", "gold", "silver", "churn_warning"]


# ---------------------------------------------------------------- properties
RANK = {Segment.CHURN_WARNING: 0, Segment.SILVER: 1, Segment.GOLD: 2, Segment.DIAMOND: 3}
purchase = st.builds(Purchase, st.integers(0, 120 * 24).map(lambda hours: NOW - timedelta(hours=hours)),
                     st.integers(0, 300_000))


@given(st.lists(purchase, max_size=12), purchase)
def test_one_more_purchase_never_lowers_a_segment_unless_it_lowers_the_average(purchases, extra):
    before, after = classify(purchases, NOW), classify([*purchases, extra], NOW)
    if after is not Segment.DIAMOND and before is Segment.DIAMOND:
        assert extra.amount_fen <= 80_000 and NOW - extra.paid_at <= timedelta(days=30)  # dragged the average down
        assert after is Segment.GOLD
    else:
        assert RANK[after] >= RANK[before]


@given(st.lists(purchase, max_size=12))
def test_every_customer_fits_exactly_one_segment_matching_the_report(purchases):
    segment = classify(purchases, NOW)
    in_days = [p for p in purchases if NOW - p.paid_at <= timedelta(days=90)]
    last_30 = [p for p in in_days if NOW - p.paid_at <= timedelta(days=30)]
    last_60 = [p for p in in_days if NOW - p.paid_at <= timedelta(days=60)]
    diamond = len(last_30) >= 3 and sum(p.amount_fen for p in last_30) > 80_000 * len(last_30)
    assert (segment is Segment.DIAMOND) == diamond
    assert (segment is Segment.GOLD) == (not diamond and bool(last_60))
    assert (segment is Segment.SILVER) == (not last_60 and bool(in_days))
    assert (segment is Segment.CHURN_WARNING) == (not in_days)
