"""Promotion rules (满减 tiers), pure: which tier, which promotion, what is refused."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.core.errors import ErrorCode, LimitReached, NotFound, ValidationFailed
from chalicelib.promotions import rules
from chalicelib.promotions.published import rules as published
from chalicelib.promotions.rules import Promotion, Tier

NOW = datetime(2026, 6, 1, 4, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def promo(id_: str = "P1", tiers=((9900, 1000), (19900, 3000)), products=(), starts=NOW - DAY,
          ends=NOW + DAY) -> Promotion:
    return Promotion(id=id_, merchant_id="M", title="夏日满减", tiers=tuple(Tier(t, a) for t, a in tiers),
                     product_ids=frozenset(products), starts_at=starts, ends_at=ends)


def test_checkout_imports_exactly_these_names():
    assert published.__all__ == ["Promotion", "Tier", "best_promotion", "eligible_amount", "is_active",
                                 "promotion_discount"]
    assert published.best_promotion is rules.best_promotion


def test_the_highest_tier_reached_applies_and_nothing_below_the_first():
    p = promo()
    assert [rules.promotion_discount(p, a) for a in (0, 9899, 9900, 19899, 19900, 10**7)] == [0, 0, 1000, 1000, 3000,
                                                                                             3000]


def test_time_decides_start_included_end_excluded():
    p = promo(starts=NOW, ends=NOW + DAY)
    assert rules.is_active(p, NOW) and rules.is_active(p, NOW + DAY - timedelta(seconds=1))
    assert not rules.is_active(p, NOW - timedelta(seconds=1)) and not rules.is_active(p, NOW + DAY)


def test_summary_reads_as_a_shop_prints_it():
    assert promo(tiers=((9900, 1000), (19950, 3000))).summary == "满¥99减¥10，满¥199.50减¥30"
    assert Tier(9900, 1000).summary == "满¥99减¥10" and rules.yuan(5) == "¥0.05"


def test_best_promotion_takes_the_most_off_counting_only_covered_lines():
    everything = promo("P1", tiers=((9900, 1000),))
    mangoes = promo("P2", tiers=((5000, 1500),), products={"mango"})
    lines = {"mango": 6000, "apple": 5000}
    assert rules.eligible_amount(mangoes, lines) == 6000
    assert rules.best_promotion([everything, mangoes], lines, NOW) == (mangoes, 1500)
    assert rules.best_promotion([everything, mangoes], {"apple": 11000}, NOW) == (everything, 1000)
    assert rules.best_promotion([everything, mangoes], {"apple": 100}, NOW) == (None, 0)
    assert rules.best_promotion([], lines, NOW) == (None, 0)


def test_an_inactive_promotion_is_never_chosen_and_a_tie_goes_to_the_older():
    upcoming = promo("P0", tiers=((100, 99),), starts=NOW + DAY, ends=NOW + 2 * DAY)
    older, newer = promo("P1", tiers=((9900, 1000),)), promo("P2", tiers=((9900, 1000),))
    assert rules.best_promotion([newer, upcoming, older], {"x": 20000}, NOW) == (older, 1000)


@pytest.mark.parametrize(("tiers", "field", "words"), [
    ((), "tiers", "1 to 5"),
    (tuple((100 * (i + 2), 1) for i in range(6)), "tiers", "1 to 5"),
    (((9900, 9900),), "tiers.0.amountOff", "less than the threshold"),
    (((9900, 0),), "tiers.0.amountOff", "at least 1"),
    (((0, 0),), "tiers.0.threshold", "at least 2"),
    (((9900, 1000), (9900, 2000)), "tiers.1.threshold", "increase"),
    (((9900, 1000), (19900, 500)), "tiers.1.amountOff", "less than a lower"),
    (((rules.MAX_THRESHOLD + 1, 10),), "tiers.0.threshold", "at most"),
    (((True, 1),), "tiers.0.threshold", "whole number"),
])
def test_bad_tiers_are_refused_naming_the_field(tiers, field, words):
    with pytest.raises(ValidationFailed) as refused:
        rules.validate_promotion(promo(tiers=tiers), NOW)
    assert refused.value.code is ErrorCode.INVALID and refused.value.field == tuple(field.split("."))
    assert words in refused.value.message


def test_equal_amounts_on_two_tiers_are_allowed():
    assert rules.validate_tiers([Tier(9900, 1000), Tier(19900, 1000)])


@pytest.mark.parametrize(("starts", "ends", "field"), [
    (NOW, NOW, "endsAt"),
    (NOW - 2 * DAY, NOW - DAY, "endsAt"),
    (NOW, NOW + 367 * DAY, "endsAt"),
])
def test_bad_windows_are_refused(starts, ends, field):
    with pytest.raises(ValidationFailed) as refused:
        rules.validate_promotion(promo(starts=starts, ends=ends), NOW)
    assert refused.value.field == (field,)


def test_title_is_trimmed_and_bounded():
    assert rules.validate_promotion(Promotion(**{**promo().__dict__, "title": "  满减  "}), NOW).title == "满减"
    for title in ("   ", "x" * 41):
        with pytest.raises(ValidationFailed) as refused:
            rules.validate_promotion(Promotion(**{**promo().__dict__, "title": title}), NOW)
        assert refused.value.field == ("title",)


def test_a_merchant_keeps_ten_current_promotions_and_ended_ones_are_dropped():
    ended = promo("P00", ends=NOW)
    ten = [promo(f"P{i:02d}") for i in range(1, 11)]
    with pytest.raises(LimitReached):
        rules.with_added(ten, promo("P99"), NOW)
    nine_and_ended = [ended, *ten[:9]]
    assert [p.id for p in rules.with_added(nine_and_ended, promo("P99"), NOW)] == [*(p.id for p in ten[:9]), "P99"]


def test_ending_removes_it_and_an_upcoming_one_ends_before_it_started():
    upcoming = promo("P2", starts=NOW + DAY, ends=NOW + 2 * DAY)
    kept, ended = rules.without([promo("P1"), upcoming], "P2", NOW)
    assert [p.id for p in kept] == ["P1"] and (ended.starts_at, ended.ends_at) == (NOW, NOW)
    with pytest.raises(NotFound):
        rules.without(kept, "P2", NOW)


tier_lists = st.lists(st.tuples(st.integers(2, 10**6), st.integers(1, 10**6)), min_size=1, max_size=5).map(
    lambda pairs: tuple(Tier(t, min(a, t - 1)) for t, a in sorted(dict(pairs).items())))


def _monotone(tiers: tuple[Tier, ...]) -> tuple[Tier, ...]:
    best = 0
    fixed = []
    for tier in tiers:
        best = max(best, min(tier.amount_off, tier.threshold - 1))
        fixed.append(Tier(tier.threshold, best))
    return tuple(fixed)


@settings(max_examples=30, deadline=None)
@given(tiers=tier_lists.map(_monotone), amount=st.integers(0, 2 * 10**6), more=st.integers(0, 10**6))
def test_discount_never_exceeds_eligible_grows_with_the_amount_and_is_the_best_tier(tiers, amount, more):
    p = promo(tiers=tuple((t.threshold, t.amount_off) for t in rules.validate_tiers(tiers)))
    off = rules.promotion_discount(p, amount)
    assert 0 <= off <= amount
    assert rules.promotion_discount(p, amount + more) >= off
    reached = [t.amount_off for t in tiers if t.threshold <= amount]
    assert off == (max(reached) if reached else 0)


@settings(max_examples=30, deadline=None)
@given(offs=st.lists(st.integers(1, 5000), min_size=1, max_size=6), amount=st.integers(0, 20000))
def test_best_promotion_is_the_maximum_over_the_active_ones(offs, amount):
    promotions = [promo(f"P{i}", tiers=((5001, off),)) for i, off in enumerate(offs)]
    chosen, off = rules.best_promotion(promotions, {"x": amount}, NOW)
    assert off == max(rules.promotion_discount(p, amount) for p in promotions)
    assert (chosen is None) == (off == 0)
