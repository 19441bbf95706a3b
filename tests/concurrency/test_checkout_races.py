"""Checkout races through the services, against the serialised emulator: placing, paying and
the payment window's timer racing each other. The transactions' conditions (the coupon's state,
the SKU's counters, the idempotency claim, the payment's state) decide, never the timing."""
from __future__ import annotations

from datetime import timedelta

from chalicelib.catalog import store as catalog_store
from chalicelib.checkout import keys, paying, placing, store
from chalicelib.checkout.models import ShopOrderItem
from chalicelib.checkout.rules import BuyNow, CheckoutRequest, OrderState, PaymentState
from chalicelib.core.clock import utc_now
from chalicelib.core.table.models import TableItem
from chalicelib.coupons import store as coupons_store
from tests.checkout.support import PAYMENTS, buyer, captured, platform_coupon, shop
from tests.concurrency.race import race
from tests.conftest import fresh_table

REPEATS = 3


def _stock(s, i=0) -> tuple[int, int, int]:
    record = catalog_store.product_record(s.product_id, consistent=True)
    sku = next(k for k in record.skus if k.id == s.sku_ids[i])
    return sku.stock.available, sku.stock.reserved, sku.stock.sold


def _orders_of_user(user_id: str) -> list[ShopOrderItem]:
    return [i for i in TableItem.gsi1.query(keys.user_orders(user_id)) if isinstance(i, ShopOrderItem)]


def test_one_coupon_in_10_concurrent_checkouts_is_used_by_exactly_one():
    for repeat in range(REPEATS):
        fresh_table()
        s = shop(stock=50)
        customer = buyer()
        coupon = platform_coupon(customer, off=1000)
        now = utc_now()

        def checkout(n: int):
            request = CheckoutRequest(buy_now=BuyNow(s.product_id, s.sku_ids[0], 1), coupon_ids=(coupon,))
            return placing.place_order(customer, request, f"coupon-race-{n}", PAYMENTS, "openid", now)

        outcomes, placed = race(10, checkout)
        assert outcomes == {"ok": 1, "COUPON_UNAVAILABLE": 9}, (repeat, outcomes)
        (winner,) = placed
        used = coupons_store.get_coupon(coupon, consistent=True)
        assert (used.state.value, used.order_id) == ("USED", winner.payment.id), repeat
        # Nothing else taken by the refused nine: one order, one unit held.
        assert [o.order_id for o in _orders_of_user(customer.user_id)] == [winner.orders[0].id], repeat
        assert _stock(s) == (49, 1, 0), repeat


def test_50_concurrent_checkouts_on_20_units_never_oversell_and_the_windows_give_everything_back():
    for repeat in range(REPEATS):
        fresh_table()
        s = shop(stock=20, price=1000)
        customers = [buyer() for _ in range(50)]
        now = utc_now()

        def checkout(n: int):
            quantity = 1 + n % 2  # 1 or 2 units: leftovers smaller than a request must stay on sale
            request = CheckoutRequest(buy_now=BuyNow(s.product_id, s.sku_ids[0], quantity), coupon_ids=())
            return placing.place_order(customers[n], request, f"stock-race-{n}", PAYMENTS, "openid", now)

        outcomes, placed = race(50, checkout)
        held = sum(p.payment.stock[0].quantity for p in placed)
        assert set(outcomes) <= {"ok", "OUT_OF_STOCK"} and outcomes["ok"] == len(placed), (repeat, outcomes)
        available, reserved, sold = _stock(s)
        assert held == reserved <= 20 and sold == 0 and available + reserved == 20, (repeat, held, _stock(s))
        assert available < 2 or outcomes["OUT_OF_STOCK"] == 0, (repeat, outcomes, _stock(s))
        # Every window passes: the timer cancels each payment, the units come back.
        after = now + timedelta(hours=1)
        timers, _ = race(len(placed), lambda n: paying.cancel_when_window_passed(placed[n].payment.id, after))
        assert timers == {"ok": len(placed)}, (repeat, timers)
        assert _stock(s) == (20, 0, 0), repeat
        assert all(store.get_payment(p.payment.id).state is PaymentState.CANCELLED for p in placed), repeat


def test_one_place_order_key_fired_10_times_at_once_places_one_payment():
    for repeat in range(REPEATS):
        fresh_table()
        s = shop(stock=10)
        customer = buyer(s, quantities=(2, 1), points=5000)
        now = utc_now()

        def checkout(n: int):
            request = CheckoutRequest(coupon_ids=(), points=1000)
            return placing.place_order(customer, request, "the-same-key", PAYMENTS, "openid", now)

        outcomes, placed = race(10, checkout)
        assert outcomes == {"ok": 10}, (repeat, outcomes)
        assert len({p.payment.id for p in placed}) == 1, repeat
        assert len({tuple(o.id for o in p.orders) for p in placed}) == 1, repeat
        assert sum(not p.replayed for p in placed) == 1, repeat
        assert len(_orders_of_user(customer.user_id)) == 1, repeat
        assert (_stock(s), _stock(s, 1)) == ((8, 2, 0), (9, 1, 0)), repeat  # held once


def test_a_capture_racing_the_window_timer_ends_paid_or_cancelled_and_refunding_never_both():
    for repeat in range(REPEATS):
        fresh_table()
        s = shop(stock=30, price=1000)
        payments = []
        for n in range(10):
            customer = buyer()
            request = CheckoutRequest(buy_now=BuyNow(s.product_id, s.sku_ids[0], 2), coupon_ids=())
            payments.append(placing.place_order(customer, request, f"capture-race-{n}", PAYMENTS, "o", utc_now()).payment)
        after = payments[-1].pay_by + timedelta(seconds=1)

        def notify_or_time_out(n: int):
            payment = payments[n // 2]
            if n % 2:  # paid a second before the window closed; the notification arrives after it
                paid = captured(payment.id, payment.amount, payment.pay_by - timedelta(seconds=1))
                return payment.id, "notify", paying.apply_payment_event(paid, after)
            return payment.id, "timer", paying.cancel_when_window_passed(payment.id, after)

        outcomes, results = race(20, notify_or_time_out)
        assert outcomes == {"ok": 20}, (repeat, outcomes)
        answers = {(pid, who): answer for pid, who, answer in results}
        sold = 0
        for payment in payments:
            pair = (answers[payment.id, "notify"], answers[payment.id, "timer"])
            final = store.get_payment(payment.id)
            orders = {o.state for o in store.orders_of(final)}
            if final.state is PaymentState.PAID:
                assert pair == ("applied", "already") and orders == {OrderState.TO_SHIP}, (repeat, pair)
                sold += 2
            else:
                assert final.state is PaymentState.REFUNDING, (repeat, final.state)
                assert pair == ("late", "cancelled") and orders == {OrderState.CANCELLED}, (repeat, pair)
            assert final.captured == payment.amount, repeat
        assert _stock(s) == (30 - sold, 0, sold), repeat
