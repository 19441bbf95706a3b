"""After-sales requests at the service level on the emulator: asking, deciding, returning, refunding,
disputes and compensation; what each moves, exactly once; refusals that change nothing."""
from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib.aftersales import asking, compensation, deadlines, keys, refunds, service, store
from chalicelib.aftersales.rules import (
    AfterSalesInProgress,
    AfterSalesWindowClosed,
    NothingLeftToRefund,
    Reason,
    RequestKind,
    RequestState,
)
from chalicelib.core.clock import utc_now
from chalicelib.core.errors import DomainError, Forbidden, InvalidState, NotFound, ValidationFailed
from chalicelib.core.idempotency import idempotent_request
from chalicelib.core.ids import new_id
from chalicelib.core.principal import Principal, Role
from chalicelib.core.table.models import TableItem
from chalicelib.coupons.published.checkout import usable_coupons
from chalicelib.orders.store import ORDER_SK, get_order, order_pk
from tests.aftersales.support import FAST, ask, move_order, paid_order
from tests.checkout.support import OPERATOR, PAYMENTS


def refund(request_id: str) -> dict:
    return refunds.refund_request(request_id, PAYMENTS, utc_now())


def snapshot(order_id: str, request_id: str | None = None) -> tuple:
    """What a refused act must leave as it was: the order item and every after-sales item."""
    order = TableItem.get(order_pk(order_id), ORDER_SK, consistent_read=True).serialize()
    ledgers = [i.serialize() for i in TableItem.query(order_pk(order_id), TableItem.SK.startswith(keys.LINE_PREFIX))]
    requests = [] if request_id is None else [i.serialize() for i in TableItem.query(keys.request_pk(request_id))]
    return order, ledgers, requests


def test_a_refund_before_shipping_of_the_whole_order_refunds_its_lines_and_shipping_once_and_holds_it():
    s, customer, order = paid_order((1,), price=3000)  # under the free-shipping threshold: shipping is charged
    assert order.shipping > 0
    made = ask(customer, order)
    assert (made.state, made.amount, made.shipping) == (RequestState.AWAITING_DECISION, order.total, order.shipping)
    held = TableItem.get(order_pk(order.id), ORDER_SK, consistent_read=True)
    assert held.after_sales_hold == made.id  # fulfilment will not ship it meanwhile

    approved = service.approve(s.merchant, made.id, utc_now())
    assert approved.state is RequestState.REFUNDING
    assert refund(made.id)["status"] == "REFUNDED"
    assert refund(made.id) == {"requestId": made.id, "status": "REFUNDED", "already": True}
    (at_provider,) = PAYMENTS.refunds_for(order.trade_no)
    assert (at_provider.refund_id, at_provider.amount) == (f"A{made.id}", order.total)
    after = get_order(order.id)
    assert (after.refunded, after.delivery.after_sales_refunded) == (order.total, order.total)
    assert (after.state.value, after.status_text) == ("REFUNDED", "Refunded (已退款)")  # shown; stored TO_SHIP
    assert TableItem.get(order_pk(order.id), ORDER_SK, consistent_read=True).after_sales_hold == made.id  # never ships
    with pytest.raises(NothingLeftToRefund):
        ask(customer, order)


def test_a_line_refunded_in_parts_refunds_exactly_what_it_paid_one_request_at_a_time():
    s, customer, order = paid_order((3,), price=1000, coupon_off=1000)
    line = order.lines[0]
    assert line.total == 2000  # 3 × 1000 less the coupon: 2000 does not split in thirds
    move_order(order.id, "SHIPPED")
    first = ask(customer, order, lines=((line.sku_id, 1),))
    with pytest.raises(AfterSalesInProgress):
        ask(customer, order, lines=((line.sku_id, 1),))
    assert first.amount == 666
    service.approve(s.merchant, first.id, utc_now())
    refund(first.id)
    with pytest.raises(NothingLeftToRefund):
        ask(customer, order, lines=((line.sku_id, 3),))
    rest = ask(customer, order, lines=((line.sku_id, 2),))
    assert rest.amount == 1334  # the last units take exactly what is left
    service.approve(s.merchant, rest.id, utc_now())
    refund(rest.id)
    assert get_order(order.id).refunded == line.total == sum(r.amount for r in PAYMENTS.refunds_for(order.trade_no))
    with pytest.raises(NothingLeftToRefund):
        ask(customer, order, lines=((line.sku_id, 1),))


def test_refusals_change_nothing():
    s, customer, order = paid_order((2,))
    before = snapshot(order.id)
    stranger = Principal(new_id(), Role.CUSTOMER)
    cases = [
        (NotFound, lambda: ask(stranger, order)),
        (InvalidState, lambda: ask(customer, order, RequestKind.RETURN_AND_REFUND)),  # not shipped yet
        (NothingLeftToRefund, lambda: ask(customer, order, lines=((order.lines[0].sku_id, 3),))),
        (NotFound, lambda: ask(customer, order, lines=(("nope", 1),))),
        (ValidationFailed, lambda: ask(customer, order, lines=((order.lines[0].sku_id, 0),))),
        (ValidationFailed, lambda: ask(customer, order, photos=("http://img.example.cn/a.jpg",))),
        (ValidationFailed, lambda: ask(customer, order, photos=("https://metadata.internal/a.jpg",))),
        (ValidationFailed, lambda: ask(customer, order, photos=("https://10.0.0.1/a.jpg",))),
        (ValidationFailed, lambda: ask(customer, order, photos=tuple(f"https://img.tuanstack.cn/{i}.jpg"
                                                                      for i in range(10)))),
        (ValidationFailed, lambda: ask(customer, order, RequestKind.COMPENSATION)),
    ]

    for error, act in cases:
        with pytest.raises(error):
            act()
        assert snapshot(order.id) == before

    made = ask(customer, order, lines=((order.lines[0].sku_id, 1),))
    before = snapshot(order.id, made.id)
    for code, act in [  # a return parcel for a request nobody approved as a return; bad parcel details
        ("INVALID_STATE", lambda: service.send_back(customer, made.id, "SF", "SF1234567890", utc_now())),
        ("UNKNOWN_CARRIER", lambda: service.send_back(customer, made.id, "SFX", "SF1234567890", utc_now())),
        ("INVALID_TRACKING_NUMBER", lambda: service.send_back(customer, made.id, "SF", "SF 1234", utc_now())),
        ("FORBIDDEN", lambda: service.send_back(s.merchant, made.id, "SF", "SF1234567890", utc_now())),
        ("AFTER_SALES_IN_PROGRESS", lambda: ask(customer, order, lines=((order.lines[0].sku_id, 1),))),
    ]:
        with pytest.raises(DomainError) as refused:
            act()
        assert refused.value.code.value == code
        assert snapshot(order.id, made.id) == before


def test_windows_decide_which_return_is_accepted_when():
    _, customer, order = paid_order((1,))
    completed = utc_now() - timedelta(seconds=FAST.no_reason_return_seconds + 5)
    move_order(order.id, "COMPLETED", completed_at=completed)
    order = get_order(order.id)
    with pytest.raises(AfterSalesWindowClosed) as refused:
        ask(customer, order, RequestKind.RETURN_AND_REFUND, Reason.NO_REASON)
    assert refused.value.field == ("reason",)
    with pytest.raises(AfterSalesWindowClosed):  # received: a refund only is no longer the way
        ask(customer, order, RequestKind.REFUND_ONLY, Reason.QUALITY)
    accepted = ask(customer, order, RequestKind.RETURN_AND_REFUND, Reason.DAMAGED)
    assert accepted.state is RequestState.AWAITING_DECISION
    late = completed + timedelta(seconds=FAST.quality_return_seconds + 1)
    service.withdraw(customer, accepted.id, utc_now())
    with pytest.raises(AfterSalesWindowClosed):
        ask(customer, order, RequestKind.RETURN_AND_REFUND, Reason.DAMAGED, now=late)


def test_the_same_key_gives_the_same_request_and_another_input_under_it_is_refused():
    _, customer, order = paid_order((2,))
    asked = asking.Ask(RequestKind.REFUND_ONLY, Reason.NO_REASON, ((order.lines[0].sku_id, 1),))
    key = idempotent_request(customer.user_id, "requestAfterSales", "after-sales-key-1", order.id, asked)
    first = asking.ask(customer, order.id, asked, key, utc_now(), FAST)
    again = asking.ask(customer, order.id, asked, key, utc_now(), FAST)
    assert again.id == first.id
    assert [r.id for r in store.user_requests(customer.user_id, 10).items] == [first.id]


def test_deadlines_act_only_when_due_and_only_once():
    s, customer, order = paid_order((1,))
    move_order(order.id, "COMPLETED")
    made = ask(customer, get_order(order.id), RequestKind.RETURN_AND_REFUND)
    assert deadlines.deadline_passed(made.id, "decision", utc_now()) == "not_yet"
    due = made.decide_by + timedelta(seconds=1)
    assert deadlines.deadline_passed(made.id, "decision", due) == "acted"
    assert deadlines.deadline_passed(made.id, "decision", due) == "moved_on"
    waiting = store.get_request(made.id)
    assert waiting.state is RequestState.AWAITING_RETURN
    assert deadlines.deadline_passed(made.id, "send_back", waiting.send_by + timedelta(seconds=1)) == "acted"
    closed = store.get_request(made.id)
    assert closed.state is RequestState.CLOSED
    again = ask(customer, get_order(order.id), RequestKind.RETURN_AND_REFUND)  # the units are free again
    assert again.amount == made.amount
    actors = [(e.action, e.actor.value) for e in store.get_request(made.id).history]
    assert actors == [("CREATED", "CUSTOMER"), ("APPROVED", "SYSTEM"), ("NOT_SENT_BACK", "SYSTEM")]


def test_a_rejection_escalated_is_decided_by_an_operator_with_an_audit_trail():
    s, customer, order = paid_order((2,))
    made = ask(customer, order, lines=((order.lines[0].sku_id, 1),))
    other_merchant = Principal(new_id(), Role.MERCHANT)
    with pytest.raises(NotFound):
        service.reject(other_merchant, made.id, "not yours", utc_now())
    with pytest.raises(ValidationFailed):
        service.reject(s.merchant, made.id, "  ", utc_now())
    service.reject(s.merchant, made.id, "已发货，请拒收", utc_now())
    with pytest.raises(Forbidden):
        service.escalate(s.merchant, made.id, "mine", utc_now())
    service.escalate(customer, made.id, "商家未发货却拒绝", utc_now())
    assert [r.id for r in service.operator_queue(OPERATOR, keys.DISPUTES, 10).items] == [made.id]
    decided = service.decide_dispute(OPERATOR, made.id, True, "先行赔付", utc_now())
    assert (decided.state, decided.platform_pays) == (RequestState.REFUNDING, True)
    assert service.operator_queue(OPERATOR, keys.DISPUTES, 10).items == []
    assert refund(made.id)["status"] == "REFUNDED"
    trail = [(e.action, e.actor.value, e.reason) for e in store.get_request(made.id).history]
    assert trail == [("CREATED", "CUSTOMER", None), ("REJECTED", "MERCHANT", "已发货，请拒收"),
                     ("ESCALATED", "CUSTOMER", "商家未发货却拒绝"), ("DISPUTE_REFUNDED", "OPERATOR", "先行赔付"),
                     ("REFUNDED", "SYSTEM", None)]


def test_an_upheld_rejection_closes_and_frees_the_units():
    s, customer, order = paid_order((1,))
    made = ask(customer, order)
    service.reject(s.merchant, made.id, "no", utc_now())
    service.escalate(customer, made.id, "please", utc_now())
    assert service.decide_dispute(OPERATOR, made.id, False, "evidence insufficient", utc_now()).state is \
        RequestState.CLOSED
    assert TableItem.get(order_pk(order.id), ORDER_SK, consistent_read=True).after_sales_hold is None
    assert ask(customer, order).amount == made.amount


def test_compensation_refunds_what_is_left_with_its_shipping_and_grants_a_coupon_in_the_same_act():
    s, customer, order = paid_order((2, 1), price=1000)
    first = ask(customer, order, lines=((order.lines[0].sku_id, 1),))
    service.approve(s.merchant, first.id, utc_now())
    refund(first.id)
    key = idempotent_request(OPERATOR.user_id, "compensateOrder", "compensate-001", order.id)
    made = compensation.compensate(OPERATOR, order.id, "warehouse fire", compensation.CouponGrant(1000, 7), key,
                                   utc_now())
    assert made.state is RequestState.REFUNDING and made.shipping == order.shipping
    assert made.amount == order.total - first.amount
    assert compensation.compensate(OPERATOR, order.id, "warehouse fire", compensation.CouponGrant(1000, 7), key,
                                   utc_now()).id == made.id
    granted = [c for c in usable_coupons(customer.user_id, utc_now()) if c.id == made.coupon_id]
    assert len(granted) == 1 and granted[0].terms.amount_off == 1000
    refund(made.id)
    assert get_order(order.id).refunded == order.total
    with pytest.raises(NothingLeftToRefund):
        compensation.compensate(OPERATOR, order.id, "again", None, None, utc_now())
    with pytest.raises(Forbidden):
        compensation.compensate(customer, order.id, "me", None, None, utc_now())


def test_a_refund_the_provider_keeps_refusing_waits_for_an_operator_whose_retry_uses_the_same_refund_id():
    s, customer, order = paid_order((1,))
    made = ask(customer, order)
    service.approve(s.merchant, made.id, utc_now())
    PAYMENTS.fail_refunds_forever()
    try:
        with pytest.raises(Exception, match="simulated provider error"):
            refund(made.id)
        refunds.mark_refund_failed(made.id, "PaymentError: down", utc_now())
    finally:
        PAYMENTS.clear_refund_faults()
    assert [r.id for r in service.operator_queue(OPERATOR, keys.REFUND_FAILED, 10).items] == [made.id]
    retried = service.retry_refund(OPERATOR, made.id, utc_now())
    assert (retried.state, retried.refund_attempt) == (RequestState.REFUNDING, 1)
    assert refund(made.id)["status"] == "REFUNDED"
    assert [r.refund_id for r in PAYMENTS.refunds_for(order.trade_no)] == [f"A{made.id}"]
    assert service.operator_queue(OPERATOR, keys.REFUND_FAILED, 10).items == []


def test_disputes_open_longer_than_a_day_are_counted_for_the_alarm():
    from chalicelib.aftersales import jobs

    s, customer, order = paid_order((1,))
    made = ask(customer, order)
    service.reject(s.merchant, made.id, "no", utc_now())
    opened = utc_now()
    service.escalate(customer, made.id, "please look", opened)
    assert jobs.overdue_disputes(opened + timedelta(hours=23))["overdue"] == 0
    assert jobs.overdue_disputes(opened + timedelta(hours=25))["overdue"] == 1
    service.decide_dispute(OPERATOR, made.id, False, "upheld", opened + timedelta(hours=26))
    assert jobs.overdue_disputes(opened + timedelta(hours=27))["overdue"] == 0


def test_the_overdue_disputes_job_runs_as_scheduled_with_an_explicit_now():
    import app as app_module
    from chalicelib.aftersales import jobs
    from devstack.jobs import JOBS

    assert JOBS["overdue-disputes"] in app_module.app.handler_map
    summary = jobs.run_scheduled("2026-01-01T00:00:00Z", {"now": "2026-01-02T00:00:00Z"})
    assert summary == {"overdue": 0, "openedBefore": "2026-01-01T00:00:00Z"}


def test_a_group_buy_order_is_refunded_against_its_own_capture_and_its_unit_goes_back_to_the_sku():
    from chalicelib.addresses import service as addresses
    from chalicelib.addresses.rules import AddressFields
    from chalicelib.catalog import store as catalog_store
    from chalicelib.groupbuy import payments as groupbuy_payments
    from chalicelib.groupbuy import service as groupbuy
    from tests.groupbuy.support import deal_setup, user

    deal, sku_id, merchant = deal_setup(team_size=2)
    alice, bob = user("alice-gb"), user("bob-gb")
    for member in (alice, bob):
        addresses.add_address(member, AddressFields("演示", "13800000002", "110000", "110100", "110101", "1 号"), True,
                              utc_now())
    opened = groupbuy.open_team(alice, deal.id, sku_id, None, PAYMENTS, utc_now())
    joined = groupbuy.join_team(bob, opened.team.id, sku_id, None, PAYMENTS, utc_now())
    for seat in (opened.order, joined.order):
        headers, body = PAYMENTS.simulate_capture(seat.id)
        assert groupbuy_payments.apply_payment_event(PAYMENTS.parse_notification(headers, body), utc_now()) == "applied"
    groupbuy.settle_team(opened.team.id)
    order = get_order(opened.order.id)
    assert (order.kind.value, order.state.value, order.trade_no) == ("GROUP_BUY", "TO_SHIP", order.id)
    move_order(order.id, "COMPLETED")

    def available() -> int:
        record = catalog_store.product_record(order.lines[0].product_id, consistent=True)
        return next(s for s in record.skus if s.id == sku_id).stock.available

    before = available()
    made = ask(alice, get_order(order.id), RequestKind.RETURN_AND_REFUND, Reason.DAMAGED)
    assert made.amount == order.total
    service.approve(merchant, made.id, utc_now())
    due = store.get_request(made.id).send_by
    service.send_back(alice, made.id, "ZTO", "ZT12345678", utc_now())
    assert due is not None
    service.confirm_received(merchant, made.id, utc_now())
    assert available() == before + 1  # sold from the deal's own stock: back on sale at the SKU
    refund(made.id)
    (paid_back,) = PAYMENTS.refunds_for(order.id)
    assert (paid_back.amount, get_order(order.id).refunded) == (order.total, order.total)
    with pytest.raises(NothingLeftToRefund):
        ask(alice, get_order(order.id), RequestKind.RETURN_AND_REFUND, Reason.DAMAGED)


def test_returning_the_green_line_of_a_mixed_order_takes_back_its_double_points():
    """Green products earn points twice: their refund takes back their real share, not the money's."""
    from chalicelib.aftersales import follow_ups
    from chalicelib.cart import service as cart
    from chalicelib.catalog import service as catalog
    from chalicelib.checkout import paying, placing
    from chalicelib.checkout.rules import CheckoutRequest
    from chalicelib.points import hooks as points_hooks
    from chalicelib.points.published.checkout import get_account
    from tests.checkout.support import buyer, shop

    s = shop(skus=1, price=5000)
    catalog.update_product(s.merchant, s.product_id, catalog.ProductChanges(green=True), utc_now())
    category = catalog.create_category(OPERATOR, "Veg", None)
    plain = catalog.create_product(s.merchant, catalog.NewProduct(
        category_id=category.id, name="Plain", status=catalog.ProductStatus.ACTIVE,
        skus=(catalog.SkuInput(code="P", price=5000, stock=10),)), utc_now())
    customer = buyer()
    cart.add(customer, s.product_id, s.sku_ids[0], 1, utc_now())
    cart.add(customer, plain.product.id, plain.skus[0].id, 1, utc_now())
    placed = placing.place_order(customer, CheckoutRequest(coupon_ids=()), new_id(), PAYMENTS, "openid-x", utc_now())
    headers, body = PAYMENTS.simulate_capture(placed.payment.id)
    paying.apply_payment_event(PAYMENTS.parse_notification(headers, body), utc_now())
    order = get_order(placed.orders[0].id)
    paid = {line.product_id: line.total for line in order.lines}
    points_hooks.on_order_of_products_paid(customer.user_id, order.id, paid, utc_now())  # as the stream does
    assert get_account(customer.user_id).pending == 150  # ¥50 green ×2 + ¥50 plain
    green_line = next(line for line in order.lines if line.product_id == s.product_id)
    made = ask(customer, order, lines=((green_line.sku_id, 1),))
    service.approve(s.merchant, made.id, utc_now())
    refund(made.id)
    follow_ups.after_refund(store.get_request(made.id), utc_now())
    assert get_account(customer.user_id).pending == 50  # its 100 points went back, not half of 150
