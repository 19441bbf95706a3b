"""Group-buy orders ship too: they keep the deal's merchant and the buyer's address from the seat,
join the merchant's listing when their team succeeds, and one taken without an address waits for
setOrderAddress before it can ship."""
from __future__ import annotations

import pytest

from chalicelib.addresses import service as addresses
from chalicelib.addresses.rules import AddressFields
from chalicelib.core.clock import utc_now
from chalicelib.core.errors import DomainError, ErrorCode
from chalicelib.core.table.paging import PageRequest
from chalicelib.fulfilment import service as fulfilment
from chalicelib.groupbuy import service as groupbuy
from chalicelib.orders.published.kinds import OrderState
from tests.groupbuy.support import RecordingPayments, capture, deal_setup, user


def _address(principal, recipient: str) -> str:
    return addresses.add_address(principal, AddressFields(recipient, "13800000009", "110000", "110100", "110101",
                                                         "9 号"), True, utc_now()).id


def test_a_group_buy_order_is_listed_for_its_merchant_once_its_team_succeeds_and_ships(emulator):
    deal, sku, merchant = deal_setup(team_size=2)
    leader, joiner = user("gb-leader"), user("gb-joiner")
    _address(leader, "团长")
    payments = RecordingPayments()
    opened = groupbuy.open_team(leader, deal.id, sku, None, payments, utc_now())
    joined = groupbuy.join_team(joiner, opened.team.id, sku, None, payments, utc_now())  # no address at all
    assert fulfilment.sales_orders(merchant, merchant.user_id, PageRequest(10)).items == []  # not before success
    for order in (opened.order, joined.order):
        assert capture(order) == "applied"
    groupbuy.settle_team(opened.team.id)
    listed = fulfilment.sales_orders(merchant, merchant.user_id, PageRequest(10)).items
    assert [o.id for o in listed] == [joined.order.id, opened.order.id]
    assert {o.state for o in listed} == {OrderState.TO_SHIP} and {o.merchant_id for o in listed} == {merchant.user_id}
    assert listed[1].shipping_address.recipient == "团长" and listed[0].shipping_address is None

    shipped = fulfilment.ship_order(merchant, opened.order.id, "JTSD", "JT0001234567", utc_now())
    assert shipped.state is OrderState.SHIPPED and shipped.delivery.carrier == "JTSD"
    with pytest.raises(DomainError) as refused:
        fulfilment.ship_order(merchant, joined.order.id, "JTSD", "JT0001234568", utc_now())
    assert refused.value.code is ErrorCode.ADDRESS_REQUIRED
    address_id = _address(joiner, "团员")
    assert fulfilment.set_order_address(joiner, joined.order.id, address_id).shipping_address.recipient == "团员"
    assert fulfilment.ship_order(merchant, joined.order.id, "JTSD", "JT0001234568", utc_now()).state is \
        OrderState.SHIPPED
    with pytest.raises(DomainError) as late:  # shipped: its address no longer changes
        fulfilment.set_order_address(joiner, joined.order.id, address_id)
    assert late.value.code is ErrorCode.INVALID_STATE
