"""Access patterns of distribution (分销), one function per row of docs/data-model.md;
test_access_patterns.py runs them. Helpers start with "_"."""
from __future__ import annotations

from chalicelib.core.table.paging import PageRequest
from chalicelib.distribution import earning, service, store
from tests.distribution.support import MANGO, MERCHANT, NOW, customer, distributor, product


def _distributable() -> None:
    product(MANGO)
    service.set_rate(MERCHANT, MANGO, 1_500, NOW)


def set_a_product_s_distribution_rate(emulator, category):
    product(MANGO)
    emulator.clear_log()
    service.set_rate(MERCHANT, MANGO, 1_500, NOW)
    assert emulator.dynamodb_operations() == ["GetItem", "PutItem"]


def become_a_distributor(emulator, category):
    emulator.clear_log()
    assert service.become_distributor(customer("alice"), NOW).active
    assert emulator.dynamodb_operations() == ["GetItem", "PutItem", "GetItem"]


def distributor_applicants_oldest_first(emulator, category):
    from chalicelib.distribution.rules import JoinMode
    from tests.distribution.support import OPERATOR

    service.set_join_mode(OPERATOR, JoinMode.APPROVAL, NOW)
    carol, dave = customer("carol"), customer("dave")
    for applicant in (carol, dave):
        service.become_distributor(applicant, NOW)
    emulator.clear_log()
    page = service.applications(OPERATOR, PageRequest(10))
    assert emulator.dynamodb_operations() == ["Query"]
    assert sorted(d.user_id for d in page.items) == sorted([carol.user_id, dave.user_id])
    service.approve_distributor(OPERATOR, carol.user_id)
    assert [d.user_id for d in service.applications(OPERATOR, PageRequest(10)).items] == [dave.user_id]


def a_distributor_s_link_for_a_product(emulator, category):
    _distributable()
    alice = customer("alice")
    service.become_distributor(alice, NOW)
    emulator.clear_log()
    code = service.create_link(alice, MANGO, NOW).code
    assert emulator.dynamodb_operations() == ["GetItem", "GetItem", "GetItem", "GetItem", "TransactWriteItems"]
    emulator.clear_log()
    assert service.create_link(alice, MANGO, NOW).code == code
    assert emulator.dynamodb_operations() == ["GetItem"]


def count_a_distributor_link_visit(emulator, category):
    _distributable()
    code = distributor(customer("alice"))
    emulator.clear_log()
    assert service.visit(customer("bob"), code, NOW) == (MANGO, True)
    assert emulator.dynamodb_operations() == ["GetItem", "TransactWriteItems"]


def accrue_distribution_commissions_from_a_paid_order(emulator, category):
    _distributable()
    alice = distributor(customer("alice"))
    code = distributor(customer("bob"), upstream_code=alice)
    emulator.clear_log()
    assert earning.on_paid("01J0000000000000000ORDER01", customer("dave").user_id, code, [(MANGO, 10_000)], NOW) \
        == 1_500
    # the code, the rate, the distributor, its upstream; each accrual; the link's counters
    assert emulator.dynamodb_operations() == ["GetItem"] * 4 + ["TransactWriteItems"] * 3


def a_distributor_s_links_by_product(emulator, category):
    _distributable()
    alice = customer("alice")
    distributor(alice)
    emulator.clear_log()
    assert len(store.links_page(alice.user_id, PageRequest(20)).items) == 1
    assert emulator.dynamodb_operations() == ["Query"]
