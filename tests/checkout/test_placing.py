"""Placing, paying and cancelling a checkout at the service level: what one transaction takes,
what a capture or a cancellation moves, each exactly once."""
from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib.cart import service as cart
from chalicelib.catalog import store as catalog_store
from chalicelib.checkout import paying, placing, store
from chalicelib.checkout.rules import MAX_LINES, CheckoutRequest, CheckoutTooLarge, OrderState, PaymentState
from chalicelib.core.clock import utc_now
from chalicelib.core.errors import IdempotencyKeyReused, OutOfStock
from chalicelib.coupons.published.checkout import usable_coupons
from chalicelib.points.published.checkout import get_account
from tests.checkout.support import PAYMENTS, buyer, captured, platform_coupon, shop


def place(customer, key="order-key-0001", **request):
    return placing.place_order(customer, CheckoutRequest(**request), key, PAYMENTS, "openid-x", utc_now())


def stock(s, i=0):
    record = catalog_store.product_record(s.product_id, consistent=True)
    sku = next(k for k in record.skus if k.id == s.sku_ids[i])
    return sku.stock.available, sku.stock.reserved, sku.stock.sold


def test_placing_takes_everything_in_one_go_and_a_capture_in_time_ships_it():
    s = shop()
    customer = buyer(s, quantities=(2, 1), points=5000)
    coupon = platform_coupon(customer, off=1000)
    placed = place(customer, coupon_ids=(coupon,), points=3000)
    (order,) = placed.orders
    # 3 × ¥60 = ¥180 − ¥10 coupon − ¥30 points; shipping free.
    assert (placed.payment.amount, order.total, order.state) == (18000 - 1000 - 3000, 14000, OrderState.AWAITING_PAYMENT)
    assert sum(line.paid for line in order.lines) == order.total
    assert placed.params is not None and placed.params.package.startswith("prepay_id=")
    assert stock(s) == (8, 2, 0) and stock(s, 1) == (9, 1, 0)
    assert cart.own_cart(customer).line_count == 0
    assert usable_coupons(customer.user_id, utc_now()) == []
    assert get_account(customer.user_id).available == 2000
    # Paid in time: to ship, the held units sold.
    event = captured(placed.payment.id, placed.payment.amount, utc_now())
    assert paying.apply_payment_event(event, utc_now()) == "applied"
    assert paying.apply_payment_event(event, utc_now()) == "duplicate"
    assert store.get_payment(placed.payment.id).state is PaymentState.PAID
    assert store.orders_of(placed.payment)[0].state is OrderState.TO_SHIP
    assert stock(s) == (8, 0, 2) and stock(s, 1) == (9, 0, 1)


def test_one_order_per_merchant_under_one_payment():
    a, b = shop(price=2000), shop(price=3000)
    customer = buyer(a, quantities=(1,))
    cart.add(customer, b.product_id, b.sku_ids[0], 2, utc_now())
    placed = place(customer, coupon_ids=())
    assert sorted(o.merchant_id for o in placed.orders) == sorted([a.merchant.user_id, b.merchant.user_id])
    assert placed.payment.amount == sum(o.total for o in placed.orders) == 2000 + 1000 + 6000 + 1000  # 2 shipping fees
    assert set(placed.payment.order_ids) == {o.id for o in placed.orders}


def test_the_same_key_gives_the_same_orders_and_another_request_under_it_is_refused():
    s = shop()
    customer = buyer(s, quantities=(1,))
    first = place(customer, coupon_ids=())
    again = place(customer, coupon_ids=())
    assert again.replayed and again.payment.id == first.payment.id and [o.id for o in again.orders] == [
        o.id for o in first.orders]
    assert stock(s) == (9, 1, 0)  # held once
    with pytest.raises(IdempotencyKeyReused):
        place(customer, coupon_ids=(), points=100)


def test_the_window_passing_gives_stock_coupons_and_points_back_once():
    s = shop()
    customer = buyer(s, quantities=(3,), points=5000)
    coupon = platform_coupon(customer)
    placed = place(customer, coupon_ids=(coupon,), points=2000)
    early = placed.payment.pay_by - timedelta(seconds=1)
    assert paying.cancel_when_window_passed(placed.payment.id, early) == "not_yet"  # time decides
    after = placed.payment.pay_by + timedelta(seconds=1)
    assert paying.cancel_when_window_passed(placed.payment.id, after) == "cancelled"
    assert paying.cancel_when_window_passed(placed.payment.id, after) == "already"
    assert stock(s) == (10, 0, 0)
    assert [c.id for c in usable_coupons(customer.user_id, utc_now())] == [coupon]
    assert get_account(customer.user_id).available == 5000
    assert all(o.state is OrderState.CANCELLED for o in store.orders_of(placed.payment))
    # A capture that arrives after the cancel is refunded (the payment turns REFUNDING, once).
    late = captured(placed.payment.id, placed.payment.amount, early)
    assert paying.apply_payment_event(late, after) == "late"
    assert paying.apply_payment_event(late, after) == "duplicate"
    assert store.get_payment(placed.payment.id).state is PaymentState.REFUNDING


def test_a_capture_after_the_window_but_before_the_timer_cancels_and_refunds():
    s = shop()
    customer = buyer(s, quantities=(1,))
    placed = place(customer, coupon_ids=())
    after = placed.payment.pay_by + timedelta(seconds=5)
    assert paying.apply_payment_event(captured(placed.payment.id, placed.payment.amount, after), after) == "late"
    assert stock(s) == (10, 0, 0)
    assert store.get_payment(placed.payment.id).state is PaymentState.REFUNDING


def test_the_buyer_cancels_an_unpaid_order():
    s = shop()
    customer = buyer(s, quantities=(1,))
    placed = place(customer, coupon_ids=())
    assert paying.cancel_by_buyer(customer, placed.payment.id, utc_now()).state is PaymentState.CANCELLED
    assert stock(s) == (10, 0, 0)
    with pytest.raises(Exception) as twice:
        paying.cancel_by_buyer(customer, placed.payment.id, utc_now())
    assert twice.value.code.value == "INVALID_STATE"


def test_refusals_change_nothing():
    s = shop(stock=1)
    customer = buyer(s, quantities=(1,))
    other = buyer(s, quantities=(1,))
    place(other, coupon_ids=())  # takes the last unit
    with pytest.raises(OutOfStock):
        place(customer, coupon_ids=())
    assert cart.own_cart(customer).line_count == 1 and stock(s) == (0, 1, 0)


def test_more_lines_than_one_checkout_holds_is_a_typed_error_naming_the_limit():
    s = shop(skus=MAX_LINES + 1, price=100)
    customer = buyer(s, quantities=(1,) * (MAX_LINES + 1))
    with pytest.raises(CheckoutTooLarge) as refused:
        place(customer, coupon_ids=())
    assert str(MAX_LINES) in refused.value.message
    assert cart.own_cart(customer).line_count == MAX_LINES + 1


def _twin_places_first(monkeypatch, customer, when: str):
    """The same request under the same key is placed by a twin (a double tap) just ``when``
    this one runs: before it reads the cart ("preview") or before it writes ("commit")."""
    twin = {}
    name = "preview" if when == "preview" else "_payment_and_orders"
    real = getattr(placing, name)

    def twin_then_real(*args, **kwargs):
        if not twin:
            twin["started"] = True
            twin["placed"] = place(customer, coupon_ids=(), points=1000)
        return real(*args, **kwargs)

    monkeypatch.setattr(placing, name, twin_then_real)
    return twin


@pytest.mark.parametrize("when", ["preview", "commit"])
def test_a_twin_request_placed_meanwhile_under_the_same_key_is_answered_not_refused(monkeypatch, when):
    # Found by tests/concurrency/test_checkout_races.py: the loser of a same-key race saw an
    # emptied cart (NothingToCheckOut) or its cart lines' refusal (CART_CHANGED) won.
    s = shop()
    customer = buyer(s, quantities=(2,), points=5000)
    twin = _twin_places_first(monkeypatch, customer, when)
    again = place(customer, coupon_ids=(), points=1000)
    first = twin["placed"]
    assert again.replayed and not first.replayed and again.payment.id == first.payment.id
    assert stock(s) == (8, 2, 0) and get_account(customer.user_id).available == 4000  # taken once


def test_a_capture_of_another_amount_cancels_the_payment_and_goes_back():
    s = shop()
    customer = buyer(s, quantities=(1,))
    placed = place(customer, coupon_ids=())
    wrong = captured(placed.payment.id, placed.payment.amount - 1, utc_now())
    assert paying.apply_payment_event(wrong, utc_now()) == "amount_mismatch"
    payment = store.get_payment(placed.payment.id)
    assert (payment.state, payment.captured) == (PaymentState.REFUNDING, placed.payment.amount - 1)
    assert stock(s) == (10, 0, 0)
    assert paying.apply_payment_event(wrong, utc_now()) == "duplicate"


def test_a_checkout_that_costs_nothing_is_paid_as_it_is_placed():
    from chalicelib.checkout.rules import CheckoutTerms

    s = shop(price=3000)
    customer = buyer(s, quantities=(1,))
    coupon = platform_coupon(customer, off=5000)  # more than the goods: it takes what they cost
    placed = placing.place_order(customer, CheckoutRequest(coupon_ids=(coupon,)), "free-order-01", PAYMENTS,
                                 "openid-x", utc_now(), CheckoutTerms(shipping_fee=0))
    assert (placed.payment.amount, placed.payment.state, placed.params) == (0, PaymentState.PAID, None)
    assert [o.state for o in placed.orders] == [OrderState.TO_SHIP]
    assert stock(s) == (9, 0, 1)


def test_where_coupons_do_not_stack_the_better_kind_is_chosen_and_both_are_refused():
    from chalicelib.checkout import preview as checkout_preview
    from chalicelib.checkout.rules import CheckoutTerms, TwoCouponsForOneSlot
    from chalicelib.coupons import service as coupons
    from chalicelib.coupons.rules import CouponTerms, DiscountKind, ScopeKind, Validity

    s = shop(price=6000)
    customer = buyer(s, quantities=(2,))
    platform = platform_coupon(customer, off=1500)
    template = coupons.create_template(s.merchant, coupons.NewTemplate(
        title="own", terms=CouponTerms(DiscountKind.AMOUNT_OFF, amount_off=500, scope=ScopeKind.MERCHANT,
                                       merchant_id=s.merchant.user_id),
        validity=Validity(valid_days=7), total=10, per_user_limit=1), utc_now())
    own = coupons.issue_coupon(customer.user_id, template.id, "test", utc_now()).id
    apart = CheckoutTerms(coupons_stack=False)
    best = checkout_preview.preview(customer, CheckoutRequest(), utc_now(), apart)
    assert best.chosen.ids == [platform]  # ¥15 beats ¥5: the platform coupon alone
    stacked = checkout_preview.preview(customer, CheckoutRequest(), utc_now())
    assert sorted(stacked.chosen.ids) == sorted([own, platform])
    with pytest.raises(TwoCouponsForOneSlot):
        checkout_preview.preview(customer, CheckoutRequest(coupon_ids=(own, platform)), utc_now(), apart)


@pytest.mark.parametrize("title", ["\x07bell", "满减\u202e01"])
def test_coupon_titles_grant_reasons_and_promotion_titles_refuse_control_and_direction_characters(title):
    from datetime import timedelta as span

    from chalicelib.core.errors import ValidationFailed
    from chalicelib.coupons import service as coupons
    from chalicelib.coupons.rules import CouponTerms, DiscountKind, Validity
    from chalicelib.promotions import service as promotions
    from chalicelib.promotions.rules import Tier
    from tests.checkout.support import OPERATOR

    with pytest.raises(ValidationFailed):
        coupons.create_template(OPERATOR, coupons.NewTemplate(
            title=title, terms=CouponTerms(DiscountKind.AMOUNT_OFF, amount_off=100), validity=Validity(valid_days=1),
            total=1), utc_now())
    template = coupons.create_template(OPERATOR, coupons.NewTemplate(
        title="ok", terms=CouponTerms(DiscountKind.AMOUNT_OFF, amount_off=100), validity=Validity(valid_days=1),
        total=1, public=False), utc_now())
    with pytest.raises(ValidationFailed):
        coupons.grant(OPERATOR, template.id, [buyer().user_id], title, utc_now())
    s = shop()
    with pytest.raises(ValidationFailed):
        promotions.create_promotion(s.merchant, None, promotions.NewPromotion(
            title=title, tiers=(Tier(9900, 1000),), starts_at=utc_now(), ends_at=utc_now() + span(days=1)), utc_now())


def test_a_sku_priced_in_another_currency_is_not_checked_out_nor_counted_in_the_cart():
    from chalicelib.catalog import service as catalog
    from chalicelib.catalog.rules import ProductStatus
    from chalicelib.checkout.rules import BuyNow, LineNotForSale
    from chalicelib.core.ids import new_id
    from chalicelib.core.principal import Principal, Role
    from tests.checkout.support import OPERATOR

    merchant = Principal(new_id(), Role.MERCHANT)
    category = catalog.create_category(OPERATOR, "Imports", None)
    record = catalog.create_product(merchant, catalog.NewProduct(
        category_id=category.id, name="Maple syrup", status=ProductStatus.ACTIVE,
        skus=(catalog.SkuInput(code="USD-1", price=100000, stock=5, currency="USD"),)), utc_now())
    customer = buyer()
    cart.add(customer, record.product.id, record.skus[0].id, 1, utc_now())
    with pytest.raises(LineNotForSale) as refused:
        place(customer, buy_now=BuyNow(record.product.id, record.skus[0].id, 1))
    assert "USD" in refused.value.message
    summary = cart.own_cart(customer)
    assert summary.selected_subtotal == 0 and summary.selected_line_count == 0


def test_a_capture_in_time_whose_notification_is_late_pays_the_orders_when_the_window_passes():
    s = shop()
    customer = buyer(s, quantities=(1,))
    placed = place(customer, coupon_ids=())
    PAYMENTS.simulate_capture(placed.payment.id)  # paid now, before payBy; the notification not delivered yet
    after = placed.payment.pay_by + timedelta(seconds=1)
    assert paying.cancel_when_window_passed(placed.payment.id, after, PAYMENTS) == "paid"
    assert store.get_payment(placed.payment.id).state is PaymentState.PAID
    assert stock(s) == (9, 0, 1)
    # The notification, arriving after all, is a duplicate.
    headers, body = PAYMENTS.simulate_capture(placed.payment.id)
    assert paying.apply_payment_event(PAYMENTS.parse_notification(headers, body), after) == "duplicate"


def test_a_provider_that_cannot_answer_at_the_window_does_not_hold_the_stock():
    from chalicelib.adapters.payments import PaymentError

    class Down:
        def query_payment(self, trade_no):
            raise PaymentError("unreachable")

    s = shop()
    placed = place(buyer(s, quantities=(1,)), coupon_ids=())
    after = placed.payment.pay_by + timedelta(seconds=1)
    assert paying.cancel_when_window_passed(placed.payment.id, after, Down()) == "cancelled"
    assert stock(s) == (10, 0, 0)
