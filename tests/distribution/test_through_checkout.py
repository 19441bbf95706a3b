"""Distribution end to end, through the checkout and the table's stream as deployed: a customer who came through a
distributor's link places an order with `source {DISTRIBUTOR, <link code>}`; once paid, the distributor earns the
product's rate on what the line paid, and an after-sales refund of part of it takes back exactly its share."""
from __future__ import annotations

from chalicelib.aftersales import refunds as aftersales_refunds
from chalicelib.aftersales import service as aftersales
from chalicelib.checkout import paying, placing
from chalicelib.checkout.rules import BuyNow, CheckoutRequest
from chalicelib.commissions import reads as commissions
from chalicelib.core.clock import utc_now
from chalicelib.core.ids import new_id
from chalicelib.core.principal import Principal, Role
from chalicelib.distribution import service as distribution
from chalicelib.orders.published.attribution import attribution_of
from chalicelib.orders.store import get_order
from tests.aftersales.support import FAST, ask
from tests.checkout.support import PAYMENTS, buyer, shop
from tests.community.test_leader_commission import _deliver

RATE_BP = 1500


def test_an_order_placed_through_a_link_earns_its_distributor_and_a_refund_takes_back_its_share(emulator,
                                                                                                  monkeypatch):
    now = utc_now()
    s = shop(price=6000)
    distribution.set_rate(s.merchant, s.product_id, RATE_BP, now)
    sharer = Principal(new_id(), Role.CUSTOMER)
    distribution.become_distributor(sharer, now)
    code = distribution.create_link(sharer, s.product_id, now).code
    customer = buyer()
    request = CheckoutRequest(buy_now=BuyNow(s.product_id, s.sku_ids[0], 2), coupon_ids=(),
                              source=attribution_of("DISTRIBUTOR", code))
    placed = placing.place_order(customer, request, new_id(), PAYMENTS, "openid", now)
    headers, body = PAYMENTS.simulate_capture(placed.payment.id)
    assert paying.apply_payment_event(PAYMENTS.parse_notification(headers, body), now) == "applied"
    _deliver(emulator, monkeypatch)
    paid = placed.orders[0].lines[0].paid
    (entry,) = commissions.entries_page(sharer.user_id, 10).items
    assert (entry.order_id, entry.amount) == (placed.orders[0].id, paid * RATE_BP // 10000)

    order = get_order(placed.orders[0].id)
    refund = ask(customer, order, lines=((order.lines[0].sku_id, 1),))
    aftersales.approve(s.merchant, refund.id, utc_now(), FAST)
    aftersales_refunds.refund_request(refund.id, PAYMENTS, utc_now())
    _deliver(emulator, monkeypatch)
    (entry,) = commissions.entries_page(sharer.user_id, 10).items
    refunded = aftersales.own_request(customer, refund.id).amount
    assert entry.amount == (paid - refunded) * RATE_BP // 10000
    assert commissions.account(sharer.user_id).pending == entry.amount
