"""Sale rounds against the emulator: opening (one transaction whatever the leaders), who may open
and cancel, a leader's open rounds soonest first (both ways), the exact DynamoDB requests, and
time deciding: a round past its cutoff is neither listed nor cancellable. Refusals write nothing."""
from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib.community import rounds
from chalicelib.community import store_rounds as store
from chalicelib.community.rules_rounds import RoundStatus
from chalicelib.core.errors import DomainError, ErrorCode
from chalicelib.core.table.paging import PageRequest
from tests.community.rounds_support import (
    CUSTOMER,
    MERCHANT,
    NOW,
    OPERATOR,
    OTHER_MERCHANT,
    TONIGHT,
    leader,
    open_round,
    product,
)


def _refused(code: ErrorCode, field: str, call):
    with pytest.raises(DomainError) as raised:
        call()
    assert (raised.value.code, ".".join(raised.value.field or ())) == (code, field), raised.value.message



def _round_count() -> int:
    return len(store.rounds_of_merchant(MERCHANT.user_id, PageRequest(100)).items)


def test_a_merchant_opens_a_round_of_its_own_skus_for_approved_leaders():
    skus = product()
    leaders = [leader(1), leader(2)]
    opened = open_round(skus, leaders)
    stored = store.get_round(opened.id)
    assert stored == opened and stored.merchant_id == MERCHANT.user_id and stored.creator_id == MERCHANT.user_id
    assert [(line.product_id, line.sku_id, line.price) for line in stored.lines] == [(p, s, 800) for p, s in skus]
    assert stored.status(NOW) is RoundStatus.OPEN and stored.leader_ids == tuple(leaders)
    for n in leaders:
        assert [r.id for r in rounds.open_rounds_of_leader(n, 10, NOW).items] == [opened.id]


def test_an_operator_opens_one_for_a_merchant_and_it_is_that_merchant_s():
    opened = open_round(product(), [leader(1)], OPERATOR)
    assert (opened.merchant_id, opened.creator_id) == (MERCHANT.user_id, OPERATOR.user_id)
    assert [r.id for r in rounds.rounds_created(MERCHANT, MERCHANT.user_id, 10).items] == [opened.id]


@pytest.mark.parametrize(("principal", "code", "field"), [
    (OTHER_MERCHANT, ErrorCode.FORBIDDEN, "lines.0.skuId"),
    (CUSTOMER, ErrorCode.FORBIDDEN, ""),
    (None, ErrorCode.UNAUTHENTICATED, ""),
])
def test_only_the_sku_s_merchant_or_an_operator_opens_a_round(principal, code, field):
    skus = product()
    _refused(code, field, lambda: open_round(skus, [leader(1)], principal))
    assert _round_count() == 0


@pytest.mark.parametrize("state", ["PENDING", "SUSPENDED"])
def test_a_leader_not_approved_is_refused_and_nothing_is_written(state):
    skus = product()
    leaders = [leader(1), leader(2, state)]
    _refused(ErrorCode.LEADER_NOT_APPROVED, "leaderIds.1", lambda: open_round(skus, leaders))
    _refused(ErrorCode.LEADER_NOT_APPROVED, "leaderIds.0",
             lambda: open_round(skus, ["01J000000000000000000T9999"]))  # no leader item at all
    assert _round_count() == 0 and rounds.open_rounds_of_leader(leaders[0], 10, NOW).items == []


def test_a_price_above_the_sku_s_and_a_past_cutoff_are_refused_against_the_catalog():
    skus = product(price=1000)
    _refused(ErrorCode.INVALID, "lines.0.price", lambda: open_round(skus, [leader(1)], price=1001))
    _refused(ErrorCode.INVALID, "cutoffAt", lambda: open_round(skus, [leader(1)], now=TONIGHT))
    assert _round_count() == 0
    assert open_round(skus, [leader(1)], price=1000).lines[0].price == 1000


@pytest.mark.parametrize("leaders", [1, 10, 50])
def test_opening_is_one_transaction_whatever_the_leaders(emulator, leaders):
    skus = product()
    served = [leader(n) for n in range(leaders)]
    emulator.clear_log()
    open_round(skus, served)
    assert emulator.dynamodb_counts() == {"BatchGetItem": 2, "TransactWriteItems": 1}
    assert all(len(rounds.open_rounds_of_leader(n, 10, NOW).items) == 1 for n in served[:3])


def test_a_leader_s_listing_shows_its_open_rounds_soonest_first_paging_both_ways():
    skus = product()
    mine, other = leader(1), leader(2)
    late = open_round(skus, [mine], cutoff=TONIGHT + timedelta(minutes=30))
    soon = open_round(skus, [mine], cutoff=TONIGHT - timedelta(hours=1))
    middle = open_round(skus, [mine, other], cutoff=TONIGHT)
    open_round(skus, [other], cutoff=TONIGHT - timedelta(hours=2))
    cancelled = open_round(skus, [mine], cutoff=TONIGHT - timedelta(minutes=30))
    rounds.cancel_round(MERCHANT, cancelled.id, NOW)
    first = rounds.open_rounds_of_leader(mine, PageRequest(2), NOW)
    rest = rounds.open_rounds_of_leader(mine, PageRequest(2, first.end), NOW)
    assert [r.id for r in first.items + rest.items] == [soon.id, middle.id, late.id]
    assert first.has_more and not rest.has_more
    last = rounds.open_rounds_of_leader(mine, PageRequest(2, backward=True), NOW)
    before = rounds.open_rounds_of_leader(mine, PageRequest(2, before=last.start, backward=True), NOW)
    assert [r.id for r in last.items] == [middle.id, late.id] and last.has_more
    assert [r.id for r in before.items] == [soon.id] and not before.has_more


def test_a_round_past_its_cutoff_is_neither_listed_nor_cancellable():
    skus = product()
    mine = leader(1)
    opened = open_round(skus, [mine], cutoff=TONIGHT)
    just_before = TONIGHT - timedelta(seconds=1)
    assert [r.id for r in rounds.open_rounds_of_leader(mine, 10, just_before).items] == [opened.id]
    assert rounds.open_rounds_of_leader(mine, 10, TONIGHT).items == []
    assert rounds.open_rounds_of_leader(mine, 10, TONIGHT + timedelta(days=1)).items == []
    _refused(ErrorCode.COMMUNITY_ROUND_CLOSED, "roundId", lambda: rounds.cancel_round(MERCHANT, opened.id, TONIGHT))
    assert store.get_round(opened.id).cancelled_at is None


def test_the_write_s_condition_refuses_a_cancel_at_the_cutoff_even_after_a_read_before_it():
    opened = open_round(product(), [leader(1)])
    with pytest.raises(DomainError) as raised:
        store.cancel(opened, TONIGHT)  # what a cancel checked at 22:59:59 and written at 23:00 sends
    assert raised.value.code is ErrorCode.COMMUNITY_ROUND_CLOSED and store.get_round(opened.id).cancelled_at is None


def test_its_creator_or_an_operator_cancels_it_and_it_leaves_the_leaders_listings():
    skus = product()
    mine = leader(1)
    by_merchant, by_operator = open_round(skus, [mine]), open_round(skus, [mine], OPERATOR)
    _refused(ErrorCode.FORBIDDEN, "roundId", lambda: rounds.cancel_round(OTHER_MERCHANT, by_merchant.id, NOW))
    _refused(ErrorCode.FORBIDDEN, "roundId", lambda: rounds.cancel_round(MERCHANT, by_operator.id, NOW))
    _refused(ErrorCode.FORBIDDEN, "", lambda: rounds.cancel_round(CUSTOMER, by_merchant.id, NOW))
    assert rounds.cancel_round(MERCHANT, by_merchant.id, NOW).status(NOW) is RoundStatus.CANCELLED
    assert rounds.cancel_round(OPERATOR, by_operator.id, NOW).status(NOW) is RoundStatus.CANCELLED
    assert store.get_round(by_merchant.id).status(NOW) is RoundStatus.CANCELLED
    assert rounds.open_rounds_of_leader(mine, 10, NOW).items == []
    _refused(ErrorCode.COMMUNITY_ROUND_CLOSED, "roundId", lambda: rounds.cancel_round(MERCHANT, by_merchant.id, NOW))
    _refused(ErrorCode.NOT_FOUND, "roundId", lambda: rounds.cancel_round(MERCHANT, "01J0000000000000000000NONE", NOW))


@pytest.mark.parametrize("count", [1, 10])
def test_a_listing_page_is_one_query_and_one_batch_get_for_1_or_10_rounds(emulator, count):
    skus = product()
    mine = leader(1)
    for n in range(count):
        open_round(skus, [mine], cutoff=TONIGHT + timedelta(minutes=n))
    emulator.clear_log()
    assert len(rounds.open_rounds_of_leader(mine, 20, NOW).items) == count
    assert emulator.dynamodb_counts() == {"Query": 1, "BatchGetItem": 1}


def test_a_merchant_lists_its_own_rounds_newest_first_and_not_another_s():
    skus = product()
    first, second = open_round(skus, [leader(1)]), open_round(skus, [leader(1)])
    assert [r.id for r in rounds.rounds_created(MERCHANT, MERCHANT.user_id, 10).items] == [second.id, first.id]
    assert [r.id for r in rounds.rounds_created(OPERATOR, MERCHANT.user_id, 10).items] == [second.id, first.id]
    _refused(ErrorCode.FORBIDDEN, "", lambda: rounds.rounds_created(OTHER_MERCHANT, MERCHANT.user_id, 10))
    _refused(ErrorCode.FORBIDDEN, "", lambda: rounds.rounds_created(CUSTOMER, CUSTOMER.user_id, 10))
