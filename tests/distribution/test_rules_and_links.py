"""Distributors, upstreams, rates, links and visits: typed refusals that change nothing, one link per product,
visits counted once per visitor and day (also under concurrency), and commission never above rate × paid."""
from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.commissions.published import Line
from chalicelib.commissions.rules import amount_of
from chalicelib.core.errors import DomainError
from chalicelib.core.principal import Principal, Role
from chalicelib.distribution import rules, service, store
from chalicelib.distribution.rules import Distributor, DistributorState
from tests.concurrency.race import race
from tests.distribution.support import MANGO, MERCHANT, NOW, OPERATOR, customer, distributor, product

ALICE, BOB, CAROL, DAVE = (customer(n) for n in ("alice", "bob", "carol", "dave"))


def _code(error: DomainError) -> str:
    return error.code.value


def test_rates_merchants_own_products_operators_any_within_0_to_3000():
    product(MANGO)
    other = Principal("01J0000000000000000OTHERMC", Role.MERCHANT)
    for who, rate, code in ((other, 1_000, "FORBIDDEN"), (MERCHANT, 3_001, "INVALID"), (MERCHANT, -1, "INVALID"),
                            (ALICE, 1_000, "FORBIDDEN")):
        with pytest.raises(DomainError) as refused:
            service.set_rate(who, MANGO, rate, NOW)
        assert _code(refused.value) == code and store.get_rate(MANGO) == 0
    assert service.set_rate(MERCHANT, MANGO, 3_000, NOW) == 3_000
    assert service.set_rate(OPERATOR, MANGO, 1_500, NOW) == 1_500 and store.get_rate(MANGO) == 1_500


def test_the_upstream_is_named_once_never_oneself_nor_one_s_recruit():
    product(MANGO)
    service.set_rate(MERCHANT, MANGO, 1_000, NOW)
    alice, bob = distributor(ALICE), distributor(BOB)
    for who, code, error in ((ALICE, alice, "INVALID"), (DAVE, bob, "INVALID_STATE")):
        with pytest.raises(DomainError) as refused:
            service.name_upstream(who, code)
        assert _code(refused.value) == error
    assert service.name_upstream(BOB, alice).upstream_id == ALICE.user_id
    with pytest.raises(DomainError) as refused:  # alice naming her own recruit: refused
        service.name_upstream(ALICE, bob)
    assert _code(refused.value) == "INVALID"
    carol = distributor(CAROL)
    with pytest.raises(DomainError) as refused:  # bob again: once
        service.name_upstream(BOB, carol)
    assert _code(refused.value) == "CONFLICT" and store.get_distributor(BOB.user_id).upstream_id == ALICE.user_id
    assert store.get_distributor(ALICE.user_id).upstream_id is None


def test_no_recruitment_loop_of_any_length():
    """alice recruits bob, bob recruits carol: alice cannot then name carol (nor bob) her upstream."""
    product(MANGO)
    service.set_rate(MERCHANT, MANGO, 1_000, NOW)
    alice = distributor(ALICE)
    bob = distributor(BOB, upstream_code=alice)
    carol = distributor(CAROL, upstream_code=bob)
    with pytest.raises(DomainError) as refused:
        service.name_upstream(ALICE, carol)
    assert (_code(refused.value), refused.value.field) == ("INVALID", ("code",))
    assert store.get_distributor(ALICE.user_id).upstream_id is None
    erin = customer("erin")
    distributor(erin)
    assert service.name_upstream(erin, carol).upstream_id == CAROL.user_id  # a new recruit below carol: fine


def test_one_link_per_product_for_active_distributors_of_distributable_products():
    product(MANGO)
    with pytest.raises(DomainError) as refused:
        service.create_link(ALICE, MANGO, NOW)
    assert _code(refused.value) == "INVALID_STATE"  # not a distributor
    service.become_distributor(ALICE, NOW)
    with pytest.raises(DomainError) as refused:
        service.create_link(ALICE, MANGO, NOW)
    assert _code(refused.value) == "INVALID_STATE"  # rate 0: not distributable
    service.set_rate(MERCHANT, MANGO, 1_000, NOW)
    first = service.create_link(ALICE, MANGO, NOW)
    assert len(first.code) == 16 and service.create_link(ALICE, MANGO, NOW).code == first.code


def test_visits_count_once_per_signed_in_visitor_and_day_never_anonymous_or_own():
    product(MANGO)
    service.set_rate(MERCHANT, MANGO, 1_000, NOW)
    code = distributor(ALICE)
    assert service.visit(None, code, NOW) == (MANGO, False)
    assert service.visit(ALICE, code, NOW) == (MANGO, False)
    outcomes, counted = race(20, lambda n: service.visit(BOB, code, NOW)[1])
    assert outcomes == {"ok": 20} and counted.count(True) == 1
    assert service.visit(CAROL, code, NOW)[1] and service.visit(BOB, code, NOW + timedelta(days=1))[1]
    assert store.get_link(ALICE.user_id, MANGO, consistent=True).visits == 3
    with pytest.raises(DomainError) as refused:
        service.visit(BOB, "not-a-code", NOW)
    assert _code(refused.value) == "INVALID"


def _who(user: str, upstream: str | None = None, active: bool = True) -> Distributor:
    return Distributor(user, DistributorState.ACTIVE if active else DistributorState.APPLIED, "", upstream)


def test_a_third_level_and_an_inactive_distributor_earn_nothing():
    carol, bob = _who("carol", "bob"), _who("bob", "alice")
    assert rules.earners("dave", carol, bob, 1_500) == [("carol", False, 1_500), ("bob", True, 300)]
    assert rules.earners("carol", carol, bob, 1_500) == []
    assert rules.earners("dave", _who("carol", "bob", active=False), bob, 1_500) == []
    assert rules.earners("dave", carol, _who("bob", active=False), 1_500) == [("carol", False, 1_500)]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 10**7), min_size=1, max_size=20), st.integers(0, rules.MAX_RATE_BP))
def test_commission_never_more_than_rate_times_paid(paid, rate):
    for _, is_upstream, rate_bp in rules.earners("dave", _who("carol", "bob"), _who("bob"), rate):
        earned = amount_of([Line(n, p, rate_bp) for n, p in enumerate(paid)])
        assert earned * 10_000 <= sum(paid) * rate_bp
        assert rate_bp == (rate * 2_000 // 10_000 if is_upstream else rate)
