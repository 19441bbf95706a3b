"""Community leaders through their services, against the emulator: applying and re-applying, the operators'
decisions and their audit trail, who may do what, choosing a leader, races, and the requests each costs."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from chalicelib.community import choosing, leaders, store
from chalicelib.community.rules import (
    AlreadyALeader,
    ApplicationPending,
    LeaderAction,
    LeaderNotApproved,
    LeaderNotFound,
    LeaderState,
)
from chalicelib.core.errors import DomainError, Forbidden, InvalidState, ValidationFailed
from chalicelib.core.ids import is_share_code
from chalicelib.core.table.paging import PageRequest
from tests.community.leader_support import (
    DISTRICT,
    MERCHANT,
    NOW,
    OPERATOR,
    OTHER_OPERATOR,
    application,
    apply,
    approved,
    customer,
)


def _decide(n: int, action: LeaderAction, reason: str | None = None, by=OPERATOR, at=NOW + timedelta(hours=1)):
    return leaders.decide(by, customer(n).user_id, action, reason, at)


def _district_ids(district: str = DISTRICT, size: int = 100) -> list[str]:
    return [leader.id for leader in leaders.district_leaders(district, PageRequest(size)).items]


def _queue_ids() -> list[str]:
    return [leader.id for leader in leaders.pending_applications(OPERATOR, PageRequest(100)).items]


def test_an_application_is_pending_in_the_operators_queue_oldest_first():
    for n, minutes in ((1, 5), (2, 0), (3, 9)):
        applied = apply(n, NOW + timedelta(minutes=minutes))
        assert applied.state is LeaderState.PENDING and applied.code is None
        assert [s.action for s in applied.history] == ["APPLIED"]
    assert _queue_ids() == [customer(n).user_id for n in (2, 1, 3)]
    assert _district_ids() == []  # not listed before approval


def test_approval_gives_a_code_with_its_lookup_lists_the_leader_and_leaves_the_queue():
    apply(1)
    leader = _decide(1, LeaderAction.APPROVE)
    assert leader.state is LeaderState.APPROVED and is_share_code(leader.code)
    assert leaders.leader_by_code(leader.code) == leader
    assert _queue_ids() == [] and _district_ids() == [leader.id]
    step = leader.history[-1]
    assert (step.action, step.actor_id, step.from_state, step.to_state) == (
        "APPROVED", OPERATOR.user_id, LeaderState.PENDING, LeaderState.APPROVED)


def test_rejection_keeps_the_reason_in_the_trail_and_a_reapplication_replaces_it_keeping_the_trail():
    apply(1)
    rejected = _decide(1, LeaderAction.REJECT, "门店照片不清楚")
    assert rejected.state is LeaderState.REJECTED and rejected.decision_reason == "门店照片不清楚"
    assert _queue_ids() == [] and leaders.public_leader(rejected.id) is None
    again = apply(1, NOW + timedelta(days=1), point_name="新的自提点")
    assert again.state is LeaderState.PENDING and again.point.name == "新的自提点"
    assert [(s.action, s.reason) for s in again.history] == [("APPLIED", None), ("REJECTED", "门店照片不清楚"),
                                                              ("APPLIED", None)]
    assert _queue_ids() == [again.id]


def test_a_pending_applicant_waits_and_a_leader_cannot_apply_again_changing_nothing():
    apply(1)
    with pytest.raises(ApplicationPending):
        apply(1, point_name="另一个")
    leader = _decide(1, LeaderAction.APPROVE)
    with pytest.raises(AlreadyALeader):
        apply(1)
    _decide(1, LeaderAction.SUSPEND, "投诉较多")
    with pytest.raises(AlreadyALeader):
        apply(1)
    after = store.get_leader(leader.id)
    assert after.point.name == leader.point.name and after.state is LeaderState.SUSPENDED


def test_suspension_unlists_and_reinstatement_lists_again_with_the_same_code():
    leader = approved(1)
    approved(2)
    suspended = _decide(1, LeaderAction.SUSPEND, "投诉较多")
    assert suspended.state is LeaderState.SUSPENDED and suspended.decision_reason == "投诉较多"
    assert _district_ids() == [customer(2).user_id]
    assert leaders.leader_by_code(leader.code).state is LeaderState.SUSPENDED  # shown as such
    back = _decide(1, LeaderAction.REINSTATE)
    assert back.state is LeaderState.APPROVED and back.code == leader.code
    assert _district_ids() == sorted([customer(1).user_id, customer(2).user_id])
    assert [s.action for s in back.history] == ["APPLIED", "APPROVED", "SUSPENDED", "REINSTATED"]


def test_only_customers_apply_and_only_operators_decide_or_read_the_queue():
    for who in (OPERATOR, MERCHANT, None):
        with pytest.raises(DomainError):
            leaders.apply(who, application(1), NOW)
    apply(1)
    for who in (customer(1), customer(2), MERCHANT, None):
        with pytest.raises(DomainError) as refused:
            leaders.decide(who, customer(1).user_id, LeaderAction.APPROVE, None, NOW)
        assert refused.value.code.value in ("FORBIDDEN", "UNAUTHENTICATED")
        with pytest.raises(DomainError):
            leaders.pending_applications(who, PageRequest(10))
    assert store.get_leader(customer(1).user_id).state is LeaderState.PENDING


def test_a_decision_needs_its_state_and_rejection_a_reason():
    apply(1)
    with pytest.raises(InvalidState):
        _decide(1, LeaderAction.SUSPEND, "x")
    with pytest.raises(ValidationFailed):
        _decide(1, LeaderAction.REJECT, "")
    with pytest.raises(ValidationFailed):
        _decide(1, LeaderAction.REJECT, None)
    with pytest.raises(LeaderNotFound):
        _decide(9, LeaderAction.APPROVE)
    assert store.get_leader(customer(1).user_id).history[-1].action == "APPLIED"


def test_an_application_and_its_mobile_are_the_applicant_s_and_operators_only():
    applied = apply(1)
    assert leaders.visible_leader(customer(2), applied.id) is None  # not public while pending
    assert leaders.visible_leader(None, applied.id) is None
    assert leaders.visible_leader(customer(1), applied.id) == applied
    assert leaders.visible_leader(OPERATOR, applied.id) == applied
    assert leaders.may_see_private(customer(1), applied) and leaders.may_see_private(OPERATOR, applied)
    assert not leaders.may_see_private(customer(2), applied) and not leaders.may_see_private(None, applied)
    assert leaders.my_leadership(customer(1), applied.id) == applied
    assert leaders.my_leadership(customer(2), applied.id) is None


def test_a_customer_chooses_an_approved_leader_by_code_or_id_and_a_suspended_one_reads_as_none():
    leader = approved(1)
    alice = customer(5)
    assert choosing.chosen_leader(alice, alice.user_id) is None
    assert choosing.choose(alice, NOW, code=leader.code).id == leader.id
    assert choosing.chosen_leader(alice, alice.user_id).id == leader.id
    _decide(1, LeaderAction.SUSPEND, "暂停")
    assert choosing.chosen_leader(alice, alice.user_id) is None
    with pytest.raises(LeaderNotApproved):
        choosing.choose(customer(6), NOW, code=leader.code)
    _decide(1, LeaderAction.REINSTATE)
    assert choosing.chosen_leader(alice, alice.user_id).id == leader.id  # the choice was kept
    other = approved(2)
    assert choosing.choose(alice, NOW, leader_id=other.id).id == other.id
    assert choosing.chosen_leader(alice, alice.user_id).id == other.id
    assert choosing.chosen_leader(alice, customer(6).user_id) is None  # only your own


def test_pending_rejected_or_unknown_leaders_are_not_choosable():
    apply(1)
    with pytest.raises(LeaderNotApproved):
        choosing.choose(customer(5), NOW, leader_id=customer(1).user_id)
    with pytest.raises(LeaderNotFound):
        choosing.choose(customer(5), NOW, code="0" * 16)
    with pytest.raises(LeaderNotFound):
        choosing.choose(customer(5), NOW, code="not a code")
    with pytest.raises(LeaderNotFound):
        choosing.choose(customer(5), NOW)
    with pytest.raises(Forbidden):
        choosing.choose(OPERATOR, NOW, leader_id=customer(1).user_id)
    assert store.chosen_leader_id(customer(5).user_id) is None


def test_a_district_listing_pages_and_a_bad_district_code_is_refused():
    for n in range(5):
        approved(n)
    first = leaders.district_leaders(DISTRICT, PageRequest(2))
    assert len(first.items) == 2 and first.has_more
    rest = leaders.district_leaders(DISTRICT, PageRequest(10, first.end))
    assert [x.id for x in first.items + rest.items] == sorted(customer(n).user_id for n in range(5))
    assert _district_ids("110105") == []
    with pytest.raises(ValidationFailed):
        leaders.district_leaders("44030", PageRequest(2))


def _race(*calls) -> list:
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def run(index: int) -> None:
        barrier.wait()
        try:
            outcomes[index] = calls[index]()
        except DomainError as error:
            outcomes[index] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def _all_read_before_any_writes(monkeypatch, parties: int) -> None:
    """Each racer's first read of the leader waits until every racer has read it: they all decide on the same
    state, so only the writes' conditions can keep the outcome single (no lucky serial run)."""
    read = store.get_leader
    barrier = threading.Barrier(parties, timeout=10)
    seen = threading.local()

    def read_then_wait(*args, **kwargs):
        found = read(*args, **kwargs)
        if not getattr(seen, "read", False):
            seen.read = True
            barrier.wait()
        return found

    monkeypatch.setattr(store, "get_leader", read_then_wait)


def test_two_operators_approving_and_rejecting_at_once_make_one_outcome(monkeypatch):
    for round_ in range(3):
        n = round_ + 1
        apply(n)
        with monkeypatch.context() as patched:
            _all_read_before_any_writes(patched, 2)
            outcomes = _race(lambda n=n: _decide(n, LeaderAction.APPROVE),
                             lambda n=n: _decide(n, LeaderAction.REJECT, "不合适", by=OTHER_OPERATOR))
        won = [o for o in outcomes if not isinstance(o, DomainError)]
        lost = [o for o in outcomes if isinstance(o, DomainError)]
        assert len(won) == 1 and len(lost) == 1 and isinstance(lost[0], InvalidState)
        final = store.get_leader(customer(n).user_id)
        assert final.state is won[0].state
        assert [s.action for s in final.history] == ["APPLIED", won[0].history[-1].action]  # one decision recorded
        assert (leaders.leader_by_code(final.code) is not None) == (final.state is LeaderState.APPROVED)


def test_ten_concurrent_applies_by_one_user_make_one_application(monkeypatch):
    _all_read_before_any_writes(monkeypatch, 10)
    outcomes = _race(*[lambda i=i: leaders.apply(customer(1), application(1, point_name=f"点{i}"), NOW)
                       for i in range(10)])
    won = [o for o in outcomes if not isinstance(o, DomainError)]
    assert len(won) == 1
    assert all(isinstance(o, ApplicationPending) for o in outcomes if isinstance(o, DomainError))
    monkeypatch.undo()
    stored = store.get_leader(customer(1).user_id)
    assert stored.point.name == won[0].point.name and len(stored.history) == 1
    assert _queue_ids() == [customer(1).user_id]


def test_request_counts(emulator):
    emulator.clear_log()
    apply(1)
    # GetItem (consistent: is there one?), then ONE conditional PutItem; then the leader as stored, for the answer
    assert emulator.dynamodb_operations() == ["GetItem", "PutItem", "GetItem"]
    emulator.clear_log()
    leader = _decide(1, LeaderAction.APPROVE)
    # GetItem, ONE TransactWriteItems (the leader if PENDING + its code's lookup if absent), the leader as written
    assert emulator.dynamodb_operations() == ["GetItem", "TransactWriteItems", "GetItem"]
    emulator.clear_log()
    _decide(1, LeaderAction.SUSPEND, "暂停")
    assert emulator.dynamodb_operations() == ["GetItem", "UpdateItem"]  # the update answers the leader as written
    _decide(1, LeaderAction.REINSTATE)
    emulator.clear_log()
    choosing.choose(customer(5), NOW, code=leader.code)
    assert emulator.dynamodb_operations() == ["GetItem", "GetItem", "TransactWriteItems"]
    emulator.clear_log()
    choosing.choose(customer(5), NOW, leader_id=leader.id)
    assert emulator.dynamodb_operations() == ["GetItem", "TransactWriteItems"]
    emulator.clear_log()
    choosing.chosen_leader(customer(5), customer(5).user_id)
    assert emulator.dynamodb_operations() == ["GetItem", "GetItem"]
    emulator.clear_log()
    leaders.leader_by_code(leader.code)
    assert emulator.dynamodb_operations() == ["GetItem", "GetItem"]


@pytest.mark.parametrize("count", [1, 10])
def test_a_district_page_is_one_query_for_1_or_10_leaders(emulator, count):
    for n in range(count):
        approved(n)
    emulator.clear_log()
    assert len(_district_ids(size=20)) == count
    assert emulator.dynamodb_operations() == ["Query"]
    emulator.clear_log()
    assert len(_queue_ids()) == 0
    assert emulator.dynamodb_operations() == ["Query"]


def test_an_operator_s_stale_reading_never_decides_a_newer_application():
    """Rejected, then reapplied for another district: an approval made on the first reading is refused
    (the write names the record read), and the district listings stay true."""
    from datetime import timedelta

    from chalicelib.community import store as leaders_store
    from chalicelib.community.rules import LeaderAction
    from tests.community.leader_support import NOW, OPERATOR, apply, customer

    apply(1)
    stale = leaders_store.get_leader(customer(1).user_id)
    leaders.decide(OPERATOR, customer(1).user_id, LeaderAction.REJECT, "地址不清", NOW + timedelta(minutes=1))
    apply(1, NOW + timedelta(minutes=2), district_code="440304")
    assert leaders_store.approve(stale, "ABCDEFGHJKMNPQRS", OPERATOR.user_id, NOW + timedelta(minutes=3)) == "moved"
    fresh = leaders_store.get_leader(customer(1).user_id)
    assert (fresh.state.value, fresh.point.district_code) == ("PENDING", "440304")


def test_reinstating_clears_the_suspension_s_reason():
    from datetime import timedelta

    from chalicelib.community.rules import LeaderAction
    from tests.community.leader_support import NOW, OPERATOR, approved, customer

    approved(2)
    leaders.decide(OPERATOR, customer(2).user_id, LeaderAction.SUSPEND, "投诉待查", NOW + timedelta(minutes=2))
    back = leaders.decide(OPERATOR, customer(2).user_id, LeaderAction.REINSTATE, None, NOW + timedelta(minutes=3))
    assert back.decision_reason is None and back.state.value == "APPROVED"
