"""Sale round rules, pure: a new round's shape, its SKUs and leaders, and its state in time."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from chalicelib.community.rules_rounds import (
    MAX_LEADERS,
    MAX_LINES,
    Round,
    RoundLine,
    RoundStatus,
    SkuFacts,
    check_cancellable,
    check_leaders,
    check_shape,
    round_merchant,
)
from chalicelib.core.errors import DomainError, ErrorCode
from tests.community.rounds_support import (
    CUSTOMER,
    MERCHANT,
    NOW,
    OPERATOR,
    OTHER_MERCHANT,
    TOMORROW,
    TONIGHT,
    leader_id,
    new_round,
)

SKUS = [("01J00000000000000000PROD01", f"01J0000000000000000000SKU{n}") for n in range(2)]
FACTS = {pair: SkuFacts(MERCHANT.user_id, 1000) for pair in SKUS}


def _refused(code: ErrorCode, field: str, call):
    with pytest.raises(DomainError) as raised:
        call()
    assert (raised.value.code, ".".join(raised.value.field or ())) == (code, field), raised.value.message


def test_a_valid_round_passes_with_its_title_trimmed():
    checked = check_shape(new_round(SKUS, [leader_id(1)], title="  周三水果团 "), NOW)
    assert checked.title == "周三水果团" and round_merchant(MERCHANT, checked, FACTS) == MERCHANT.user_id


@pytest.mark.parametrize(("fields", "field"), [
    ({"cutoff": NOW}, "cutoffAt"),
    ({"cutoff": NOW - timedelta(hours=1)}, "cutoffAt"),
    ({"pickup": date(2026, 12, 1)}, "pickupOn"),  # the cutoff's own day in China time
    ({"pickup": date(2026, 11, 30)}, "pickupOn"),
    ({"title": ""}, "title"),
    ({"title": "a\u202eb"}, "title"),
])
def test_a_cutoff_in_the_past_or_a_pickup_not_after_it_is_refused(fields, field):
    _refused(ErrorCode.INVALID, field, lambda: check_shape(new_round(SKUS, [leader_id(1)], **fields), NOW))


def test_a_cutoff_at_23_00_china_time_may_be_collected_the_next_day():
    assert check_shape(new_round(SKUS, [leader_id(1)], cutoff=TONIGHT, pickup=TOMORROW), NOW).pickup_on == TOMORROW


def test_at_most_20_lines_and_50_leaders():
    skus = [("01J00000000000000000PROD01", f"01J000000000000000000SK{n:03d}") for n in range(MAX_LINES + 1)]
    leaders = [leader_id(n) for n in range(MAX_LEADERS + 1)]
    assert (MAX_LINES, MAX_LEADERS) == (20, 50)
    check_shape(new_round(skus[:MAX_LINES], leaders[:MAX_LEADERS]), NOW)
    _refused(ErrorCode.INVALID, "lines", lambda: check_shape(new_round(skus, leaders[:1]), NOW))
    _refused(ErrorCode.INVALID, "leaderIds", lambda: check_shape(new_round(SKUS, leaders), NOW))
    _refused(ErrorCode.INVALID, "lines", lambda: check_shape(new_round([], leaders[:1]), NOW))
    _refused(ErrorCode.INVALID, "leaderIds", lambda: check_shape(new_round(SKUS, []), NOW))
    _refused(ErrorCode.INVALID, "leaderIds", lambda: check_shape(new_round(SKUS, leaders[:1] * 2), NOW))
    _refused(ErrorCode.INVALID, "lines", lambda: check_shape(new_round(SKUS[:1] * 2, leaders[:1]), NOW))


@pytest.mark.parametrize(("line", "field"), [
    (RoundLine(*SKUS[0], 0, None, 0), "lines.0.price"),
    (RoundLine(*SKUS[0], 800, None, 3001), "lines.0.commissionRateBp"),
    (RoundLine(*SKUS[0], 800, None, -1), "lines.0.commissionRateBp"),
    (RoundLine(*SKUS[0], 800, 0, 100), "lines.0.perCustomerLimit"),
    (RoundLine(*SKUS[0], 800, 100, 100), "lines.0.perCustomerLimit"),
])
def test_a_line_s_price_commission_and_limit_are_bounded(line, field):
    new = replace(new_round(SKUS, [leader_id(1)]), lines=(line,))
    _refused(ErrorCode.INVALID, field, lambda: check_shape(new, NOW))


def test_a_round_price_above_the_sku_s_price_is_refused_and_equal_is_accepted():
    at_price = check_shape(new_round(SKUS, [leader_id(1)], price=1000), NOW)
    assert round_merchant(MERCHANT, at_price, FACTS) == MERCHANT.user_id
    above = check_shape(new_round(SKUS, [leader_id(1)], price=1001), NOW)
    _refused(ErrorCode.INVALID, "lines.0.price", lambda: round_merchant(MERCHANT, above, FACTS))


def test_a_merchant_may_not_sell_another_merchant_s_sku_and_an_operator_sells_one_merchant_s():
    checked = check_shape(new_round(SKUS, [leader_id(1)]), NOW)
    theirs = {**FACTS, SKUS[1]: SkuFacts(OTHER_MERCHANT.user_id, 1000)}
    _refused(ErrorCode.FORBIDDEN, "lines.1.skuId", lambda: round_merchant(MERCHANT, checked, theirs))
    _refused(ErrorCode.INVALID, "lines", lambda: round_merchant(OPERATOR, checked, theirs))
    assert round_merchant(OPERATOR, checked, FACTS) == MERCHANT.user_id
    _refused(ErrorCode.INVALID, "lines.0.skuId", lambda: round_merchant(MERCHANT, checked, {**FACTS, SKUS[0]: None}))


@pytest.mark.parametrize("state", ["PENDING", "REJECTED", "SUSPENDED", None])
def test_only_approved_leaders_are_served(state):
    leaders = (leader_id(1), leader_id(2))
    check_leaders(leaders, dict.fromkeys(leaders, "APPROVED"))
    _refused(ErrorCode.LEADER_NOT_APPROVED, "leaderIds.1",
             lambda: check_leaders(leaders, {leaders[0]: "APPROVED", leaders[1]: state}))


def _round(**fields) -> Round:
    return Round(id="01J00000000000000000ROUND1", merchant_id=MERCHANT.user_id, creator_id=MERCHANT.user_id,
                 title="t", lines=(), leader_ids=(leader_id(1),), cutoff_at=TONIGHT, pickup_on=TOMORROW,
                 created_at=NOW, **fields)


def test_time_decides_open_and_closed_and_only_cancelled_is_stored():
    r = _round()
    assert r.status(TONIGHT - timedelta(seconds=1)) is RoundStatus.OPEN
    assert r.status(TONIGHT) is RoundStatus.CLOSED
    assert _round(cancelled_at=NOW).status(NOW) is RoundStatus.CANCELLED


def test_its_creator_or_an_operator_cancels_before_the_cutoff():
    r = _round()
    assert check_cancellable(MERCHANT, r, NOW) is r and check_cancellable(OPERATOR, r, NOW) is r
    _refused(ErrorCode.FORBIDDEN, "roundId", lambda: check_cancellable(OTHER_MERCHANT, r, NOW))
    _refused(ErrorCode.FORBIDDEN, "roundId", lambda: check_cancellable(CUSTOMER, r, NOW))
    _refused(ErrorCode.COMMUNITY_ROUND_CLOSED, "roundId", lambda: check_cancellable(MERCHANT, r, TONIGHT))
    _refused(ErrorCode.COMMUNITY_ROUND_CLOSED, "roundId",
             lambda: check_cancellable(MERCHANT, _round(cancelled_at=NOW), NOW))
    _refused(ErrorCode.NOT_FOUND, "roundId", lambda: check_cancellable(MERCHANT, None, NOW))


def test_a_round_sells_within_a_month_and_is_picked_up_within_a_week_of_its_cutoff():
    from chalicelib.community.rules_rounds import MAX_CUTOFF_AHEAD, MAX_PICKUP_AFTER_CUTOFF

    far = NOW + MAX_CUTOFF_AHEAD + timedelta(minutes=1)
    _refused(ErrorCode.INVALID, "cutoffAt", lambda: check_shape(
        new_round(SKUS, [leader_id(1)], cutoff=far, pickup=(far + timedelta(days=1)).date()), NOW))
    late = TONIGHT.date() + MAX_PICKUP_AFTER_CUTOFF + timedelta(days=1)
    _refused(ErrorCode.INVALID, "pickupOn", lambda: check_shape(
        new_round(SKUS, [leader_id(1)], pickup=late), NOW))
