"""Access patterns of community leaders, one function per row of docs/data-model.md;
test_access_patterns.py runs them. Helpers start with "_"."""
from __future__ import annotations

from datetime import timedelta

from chalicelib.community import choosing, leaders, store
from chalicelib.community.rules import LeaderAction, LeaderState
from chalicelib.core.table.paging import PageRequest
from tests.community.leader_support import DISTRICT, NOW, OPERATOR, apply, approved, customer


def apply_to_be_a_community_leader(emulator, category):
    emulator.clear_log()
    applied = apply(1)
    assert emulator.dynamodb_operations() == ["GetItem", "PutItem", "GetItem"]
    assert applied.state is LeaderState.PENDING


def decide_on_a_community_leader(emulator, category):
    apply(1)
    apply(2)
    emulator.clear_log()
    leader = leaders.decide(OPERATOR, customer(1).user_id, LeaderAction.APPROVE, None, NOW)
    assert emulator.dynamodb_operations() == ["GetItem", "TransactWriteItems", "GetItem"]
    assert store.leader_id_of_code(leader.code) == leader.id
    for n, action, reason in ((2, LeaderAction.REJECT, "不合适"), (1, LeaderAction.SUSPEND, "投诉"),
                              (1, LeaderAction.REINSTATE, None)):
        emulator.clear_log()
        after = leaders.decide(OPERATOR, customer(n).user_id, action, reason, NOW + timedelta(minutes=1))
        assert emulator.dynamodb_operations() == ["GetItem", "UpdateItem"]
        assert after.state is action.to and after.history[-1].action == action.step


def pending_leader_applications_oldest_first(emulator, category):
    apply(2, NOW + timedelta(minutes=1))
    apply(1, NOW)
    approved(3)
    emulator.clear_log()
    page = leaders.pending_applications(OPERATOR, PageRequest(10))
    assert [x.id for x in page.items] == [customer(1).user_id, customer(2).user_id]
    assert emulator.dynamodb_operations() == ["Query"]


def approved_community_leaders_of_a_district(emulator, category):
    for n in range(10):
        approved(n)
    apply(10)
    approved(11, district_code="440304")
    leaders.decide(OPERATOR, customer(0).user_id, LeaderAction.SUSPEND, "暂停", NOW)
    emulator.clear_log()
    page = leaders.district_leaders(DISTRICT, PageRequest(20))
    assert [x.id for x in page.items] == [customer(n).user_id for n in range(1, 10)]
    assert emulator.dynamodb_operations() == ["Query"]


def a_community_leader_by_its_code(emulator, category):
    leader = approved(1)
    emulator.clear_log()
    assert leaders.leader_by_code(leader.code) == leader
    assert emulator.dynamodb_operations() == ["GetItem", "GetItem"]


def choose_a_community_leader(emulator, category):
    leader = approved(1)
    emulator.clear_log()
    choosing.choose(customer(5), NOW, code=leader.code)
    assert emulator.dynamodb_operations() == ["GetItem", "GetItem", "TransactWriteItems"]
    assert store.chosen_leader_id(customer(5).user_id) == leader.id


def a_customer_s_chosen_community_leader(emulator, category):
    leader = approved(1)
    choosing.choose(customer(5), NOW, code=leader.code)
    emulator.clear_log()
    assert choosing.chosen_leader(customer(5), customer(5).user_id).id == leader.id
    assert emulator.dynamodb_operations() == ["GetItem", "GetItem"]
