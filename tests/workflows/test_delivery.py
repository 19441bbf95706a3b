"""The delivery timer through the real chain on the emulator: shipOrder → the table's stream → the
stream consumer → delivery (infra ASL, Wait until completeBy) → app.py's complete_shipped_order,
with a short auto-complete term (3 s) so the real Wait runs in seconds."""
from __future__ import annotations

import json
import threading

from chalicelib.checkout import paying, placing
from chalicelib.checkout.rules import CheckoutRequest, CheckoutTerms
from chalicelib.core.clock import iso, utc_now
from chalicelib.core.ids import new_id
from chalicelib.fulfilment import service as fulfilment
from chalicelib.fulfilment.tasks import complete_shipped_order
from chalicelib.orders.published.items import get_order_item
from chalicelib.orders.published.kinds import OrderState
from chalicelib.orders.terms import order_terms
from tests.checkout.support import buyer, captured, later, shop
from tests.waiting import eventually
from tests.workflows.groupbuy_stack import execution_names, stack, wait_execution  # noqa: F401


def _shipped_order(stack, monkeypatch, auto_complete: int):
    monkeypatch.setenv("TUANSTACK_ORDERS_AUTO_COMPLETE_SECONDS", str(auto_complete))
    order_terms.cache_clear()
    s = shop()
    customer = buyer(s, quantities=(1,))
    placed = placing.place_order(customer, CheckoutRequest(coupon_ids=()), new_id(), stack.payments.provider,
                                 "openid-x", utc_now(), CheckoutTerms())
    assert paying.apply_payment_event(captured(placed.payment.id, placed.payment.amount, utc_now()),
                                      utc_now()) == "applied"
    order_id = placed.orders[0].id
    fulfilment.ship_order(s.merchant, order_id, "SF", "SF1234567890", utc_now())
    return customer, order_id


def test_a_shipped_order_nobody_confirmed_completes_at_complete_by_once(stack, monkeypatch):
    customer, order_id = _shipped_order(stack, monkeypatch, auto_complete=3)
    execution = wait_execution("delivery", order_id, timeout=30)
    assert execution["status"] == "SUCCEEDED", execution
    assert json.loads(execution["output"]) == {"orderId": order_id, "outcome": "completed"}
    item = get_order_item(order_id)
    assert item.state == OrderState.COMPLETED.value and item.completed_at >= item.complete_by
    assert execution_names("delivery") == [order_id]
    # The completion's own stream record publishes OrderCompleted: it may come a moment after the execution ends.
    assert eventually(lambda: [e.name for e in stack.events({order_id})] == ["OrderShipped", "OrderCompleted"])
    assert [n.user_id for n in stack.notifications("order_shipped")] == [customer.user_id]
    # The task again (a Step Functions retry): nothing changes.
    assert complete_shipped_order({"orderId": order_id}) == {"orderId": order_id, "outcome": "already"}
    order_terms.cache_clear()


def test_confirm_receipt_racing_the_timer_completes_the_order_once(stack, monkeypatch):
    customer, order_id = _shipped_order(stack, monkeypatch, auto_complete=1000)
    due = later(2000)  # the timer's task, as if complete_by had come
    outcomes, barrier = [], threading.Barrier(2)

    def confirm():
        barrier.wait()
        outcomes.append(fulfilment.confirm_receipt(customer, order_id, utc_now()).state)

    def timer():
        barrier.wait()
        outcomes.append(complete_shipped_order({"orderId": order_id}, now=due)["outcome"])

    threads = [threading.Thread(target=confirm), threading.Thread(target=timer)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    (state,) = [o for o in outcomes if isinstance(o, OrderState)]
    (timer_outcome,) = [o for o in outcomes if isinstance(o, str)]
    assert state is OrderState.COMPLETED and timer_outcome in ("completed", "already")
    # One completion: its instant is the timer's exactly when the timer reports it completed it.
    item = get_order_item(order_id)
    assert item.state == OrderState.COMPLETED.value
    assert (item.completed_at == iso(due.replace(microsecond=0))) is (timer_outcome == "completed")
    order_terms.cache_clear()
