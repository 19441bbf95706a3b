"""Every typed refusal of the group-buy commands, and that each changes nothing."""
from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib.core.clock import utc_now
from chalicelib.core.errors import DomainError, ErrorCode
from chalicelib.groupbuy import service as groupbuy
from chalicelib.groupbuy import store
from chalicelib.groupbuy.rules import NewDeal
from tests.groupbuy.support import RecordingPayments, deal_setup, user


def _refused(code: ErrorCode, call) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call()
    assert caught.value.code is code, caught.value
    return caught.value


def test_a_deal_that_has_not_started_or_has_ended_refuses_teams():
    now = utc_now()
    deal, sku, _ = deal_setup(now=now)
    payments = RecordingPayments()
    _refused(ErrorCode.DEAL_NOT_ACTIVE, lambda: groupbuy.open_team(user("a"), deal.id, sku, None, payments,
                                                                 now + timedelta(days=3)))
    _refused(ErrorCode.DEAL_NOT_ACTIVE, lambda: groupbuy.open_team(user("a"), deal.id, sku, None, payments,
                                                                 now - timedelta(hours=1)))
    assert store.deal_stock(deal.id)[sku] == (10, 0, 0)


def test_the_per_user_limit_holds_across_teams_of_the_deal():
    deal, sku, _ = deal_setup(per_user_limit=1)
    payments, buyer = RecordingPayments(), user("buyer")
    groupbuy.open_team(buyer, deal.id, sku, None, payments, utc_now())
    other = groupbuy.open_team(user("other"), deal.id, sku, None, payments, utc_now()).team
    error = _refused(ErrorCode.LIMIT_REACHED, lambda: groupbuy.join_team(buyer, other.id, sku, None, payments, utc_now()))
    assert error.field == ("skuId",)
    assert store.deal_stock(deal.id)[sku] == (8, 2, 0)


def test_a_sold_out_deal_refuses_new_seats():
    deal, sku, _ = deal_setup(stock=1)
    payments = RecordingPayments()
    team = groupbuy.open_team(user("a"), deal.id, sku, None, payments, utc_now()).team
    _refused(ErrorCode.OUT_OF_STOCK, lambda: groupbuy.join_team(user("b"), team.id, sku, None, payments, utc_now()))
    _refused(ErrorCode.OUT_OF_STOCK, lambda: groupbuy.open_team(user("c"), deal.id, sku, None, payments, utc_now()))
    assert store.team_with_seats(team.id)[0].held == 1


def test_an_expired_team_and_a_passed_payment_window_are_refused():
    now = utc_now()
    deal, sku, _ = deal_setup(now=now, lifetime=timedelta(minutes=30), window=timedelta(minutes=15))
    payments, leader = RecordingPayments(), user("leader")
    taken = groupbuy.open_team(leader, deal.id, sku, None, payments, now)
    _refused(ErrorCode.TEAM_EXPIRED, lambda: groupbuy.join_team(user("late"), taken.team.id, sku, None, payments,
                                                              now + timedelta(minutes=31)))
    _refused(ErrorCode.PAYMENT_WINDOW_PASSED, lambda: groupbuy.pay_order(leader, taken.order.id, payments,
                                                                       now + timedelta(minutes=16)))


def test_a_sku_outside_the_deal_and_a_customer_creating_a_deal_are_refused():
    now = utc_now()
    deal, sku, merchant = deal_setup(now=now)
    payments = RecordingPayments()
    error = _refused(ErrorCode.INVALID, lambda: groupbuy.open_team(user("a"), deal.id, "01J00000000000000000NOTSKU",
                                                                 None, payments, now))
    assert error.field == ("skuId",)
    customer = user("c")
    _refused(ErrorCode.FORBIDDEN, lambda: groupbuy.create_deal(customer, NewDeal(
        product_id=deal.terms.product_id, prices=((sku, 100),), stock=((sku, 1),),
        starts_at=now, ends_at=now + timedelta(days=1)), now))


@pytest.mark.parametrize("change, field", [
    ({"team_size": 1}, "teamSize"), ({"team_size": 51}, "teamSize"), ({"per_user_limit": 0}, "perUserLimit"),
    ({"virtual_min_paid": 3}, "virtualSuccessMinPaid"), ({"payment_window_seconds": 2}, "paymentWindowSeconds"),
    ({"prices": (("SKU", -1),)}, "prices.0.price"), ({"stock": (("SKU", 0),)}, "stock.0.quantity"),
])
def test_bad_deals_are_refused_with_the_field_and_move_no_stock(change, field):
    now = utc_now()
    _, sku, merchant = deal_setup(now=now, stock=5)
    from chalicelib.catalog import store as catalog_store

    product = store.active_deals(1, None).items[0].terms.product_id
    before = catalog_store.product_record(product, consistent=True).skus[0].stock
    fields = {"product_id": product, "prices": ((sku, 990),), "stock": ((sku, 1),), "starts_at": now,
              "ends_at": now + timedelta(days=1), "team_size": 3}
    for key, value in change.items():
        fields[key] = tuple((sku, v) for _, v in value) if key in ("prices", "stock") else value
    error = _refused(ErrorCode.INVALID, lambda: groupbuy.create_deal(merchant, NewDeal(**fields), now))
    assert ".".join(error.field) == field
    assert catalog_store.product_record(product, consistent=True).skus[0].stock == before
