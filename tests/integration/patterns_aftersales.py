"""Access patterns of after-sales, one function per row of docs/data-model.md; test_access_patterns.py
runs them. Helpers start with "_"."""
from __future__ import annotations

from datetime import timedelta

from chalicelib.aftersales import jobs, keys, refunds, service, store
from chalicelib.core.clock import utc_now
from chalicelib.core.table.paging import PageRequest
from tests.aftersales.support import ask, paid_order
from tests.checkout.support import OPERATOR, PAYMENTS


def ask_for_after_sales_on_order_lines(emulator, category):
    _, customer, order = paid_order((2, 1))
    emulator.clear_log()
    made = ask(customer, order, lines=((order.lines[0].sku_id, 1), (order.lines[1].sku_id, 1)))
    assert len(made.lines) == 2
    # The order, its lines' ledgers (one Query, whatever the number of lines), one transaction.
    assert emulator.dynamodb_operations() == ["GetItem", "Query", "TransactWriteItems"]


def move_an_after_sales_request_on(emulator, category):
    s, customer, order = paid_order((1,))
    made = ask(customer, order)
    emulator.clear_log()
    service.approve(s.merchant, made.id, utc_now())
    # Read it, one transaction (its state, its event), read it back for the answer.
    assert emulator.dynamodb_operations() == ["GetItem", "TransactWriteItems", "GetItem"]
    emulator.clear_log()
    refunds.refund_request(made.id, PAYMENTS, utc_now())
    assert emulator.dynamodb_operations() == ["GetItem", "TransactWriteItems"]


def a_customer_s_or_a_merchant_s_after_sales_requests_newest_first(emulator, category):
    s, customer, order = paid_order((2,))
    first = ask(customer, order, lines=((order.lines[0].sku_id, 1),))
    service.withdraw(customer, first.id, utc_now())
    second = ask(customer, order, lines=((order.lines[0].sku_id, 1),))
    emulator.clear_log()
    assert [r.id for r in store.user_requests(customer.user_id, PageRequest(10)).items] == [second.id, first.id]
    assert [r.id for r in store.merchant_requests(s.merchant.user_id, PageRequest(10)).items] == [second.id, first.id]
    assert emulator.dynamodb_operations() == ["Query", "Query"]


def operators_queues_disputes_refunds_failed_oldest_first(emulator, category):
    s, customer, order = paid_order((1,))
    made = ask(customer, order)
    service.reject(s.merchant, made.id, "no", utc_now())
    service.escalate(customer, made.id, "please", utc_now())
    emulator.clear_log()
    assert [r.id for r in service.operator_queue(OPERATOR, keys.DISPUTES, PageRequest(10)).items] == [made.id]
    assert emulator.dynamodb_operations() == ["Query", "BatchGetItem"]
    emulator.clear_log()
    assert jobs.overdue_disputes(utc_now() + timedelta(days=2))["overdue"] == 1
    assert emulator.dynamodb_operations() == ["Query"]
