"""Access patterns of ordering for pickup and pickup codes, one function per row of docs/data-model.md;
test_access_patterns.py runs them. Helpers start with "_"."""
from __future__ import annotations

import asyncio
from datetime import timedelta as _timedelta

from chalicelib.checkout import paying as _paying
from chalicelib.checkout import store as _checkout_store
from chalicelib.checkout.models import ShopOrderItem as _ShopOrderItem
from chalicelib.community import keys_rounds as _keys
from chalicelib.community import pickup_codes as _pickup_codes
from chalicelib.community.graphql import order_fields as _order_fields
from chalicelib.community.models_rounds import RoundPaidOrderItem as _RoundPaidOrderItem
from chalicelib.core.clock import iso as _iso
from chalicelib.core.principal import Principal as _Principal
from chalicelib.core.principal import Role as _Role
from chalicelib.orders.published.kinds import OrderState as _OrderState
from chalicelib.points.rules_store import forget_cached_rules as _forget_cached_rules
from tests.checkout.support import captured as _captured
from tests.community.pickup_support import customer as _customer
from tests.community.pickup_support import leader as _leader
from tests.community.pickup_support import open_round as _open_round
from tests.community.pickup_support import pickup_request as _pickup_request
from tests.community.pickup_support import place as _place
from tests.community.pickup_support import stocked as _stocked
from tests.community.rounds_support import NOW as _NOW


def _placed(lines: int = 2):
    s, leader_id = _stocked(skus=lines), _leader()
    sold = _open_round(s, [leader_id])
    buyer = _customer()
    return s, leader_id, sold, buyer, _place(buyer, _pickup_request(sold.id, s, *([1] * lines), leader_id=leader_id))


def _paid():
    s, leader_id, sold, buyer, placed = _placed()
    _paying.apply_payment_event(_captured(placed.payment.id, placed.payment.amount, _NOW), _NOW)
    order_id = placed.orders[0].id
    paid = _RoundPaidOrderItem.get(_keys.round_pk(sold.id), _keys.paid_order_sk(leader_id, order_id))
    return leader_id, sold, order_id, paid


def place_an_order_for_pickup(emulator, category):
    s, leader_id, sold, buyer, _ = _placed()
    _forget_cached_rules()  # a cold container reads the points rules (then cached a few minutes)
    emulator.clear_log()
    placed = _place(buyer, _pickup_request(sold.id, s, 1, 1, leader_id=leader_id))
    # The idempotency key; the round and the leader (one BatchGetItem); the SKUs; the coupons; the points account
    # and rules; ONE TransactWriteItems.
    assert emulator.dynamodb_counts() == {"GetItem": 3, "BatchGetItem": 2, "Query": 1, "TransactWriteItems": 1}
    assert placed.orders[0].pickup.round_id == sold.id


def pay_an_order_for_pickup(emulator, category):
    _, leader_id, sold, _, placed = _placed()
    emulator.clear_log()
    assert _paying.apply_payment_event(_captured(placed.payment.id, placed.payment.amount, _NOW), _NOW) == "applied"
    assert emulator.dynamodb_operations() == ["GetItem", "TransactWriteItems"]
    assert _RoundPaidOrderItem.get(_keys.round_pk(sold.id),
                                   _keys.paid_order_sk(leader_id, placed.orders[0].id)).code


def hand_an_order_for_pickup_over(emulator, category):
    leader_id, _, order_id, paid = _paid()
    _ShopOrderItem(_checkout_store.keys.order_pk(order_id), _checkout_store.keys.ORDER_SK).update(actions=[
        _ShopOrderItem.state.set(_OrderState.SHIPPED.value),
        _ShopOrderItem.complete_by.set(_iso(_NOW + _timedelta(days=3)))])
    emulator.clear_log()
    view = _pickup_codes.hand_over(_Principal(leader_id, _Role.CUSTOMER), paid.code, _NOW + _timedelta(days=1))
    assert view.state is _OrderState.COMPLETED
    assert emulator.dynamodb_operations() == ["BatchGetItem", "UpdateItem", "GetItem", "TransactWriteItems", "GetItem"]


def read_an_order_s_pickup_code(emulator, category):
    leader_id, sold, order_id, paid = _paid()
    emulator.clear_log()

    async def read():
        return await _order_fields._paid_order(None).load((sold.id, leader_id, order_id))

    assert asyncio.run(read()).code == paid.code
    assert emulator.dynamodb_operations() == ["BatchGetItem"]


def follow_a_refund_of_an_order_for_pickup(emulator, category):
    from chalicelib.aftersales.published.ledgers import refunded_units_by_line
    from chalicelib.community.models_rounds import RoundPickedItem
    from chalicelib.community.published.refunds import follow_refunded_units

    leader_id, sold, order_id, paid = _paid()
    line = paid.lines[0]
    emulator.clear_log()
    assert refunded_units_by_line(order_id) == {}  # what after-sales paid back (nothing yet here)
    assert follow_refunded_units(sold.id, leader_id, order_id, {(line.product_id, line.sku_id): 1})
    assert emulator.dynamodb_operations() == ["Query", "GetItem", "TransactWriteItems"]
    assert not follow_refunded_units(sold.id, leader_id, order_id, {(line.product_id, line.sku_id): 1})  # once
    picked = RoundPickedItem.get(_keys.round_pk(sold.id), _keys.picked_sk(leader_id, line.product_id, line.sku_id))
    assert int(picked.units) == 0


def refund_a_cancelled_round_s_orders(emulator, category):
    from chalicelib.community.published.refunds import is_cancelled, paid_order_ids

    _, sold, order_id, _ = _paid()
    emulator.clear_log()
    assert list(paid_order_ids(sold.id)) == [order_id] and not is_cancelled(sold.id)
    assert emulator.dynamodb_operations() == ["Query", "GetItem"]


def reverse_commissions_on_a_refund(emulator, category):
    from chalicelib.commissions.published import has_commissions

    _, _, order_id, _ = _paid()  # nobody earned on it until the stream accrues the leader's commission
    emulator.clear_log()
    assert not has_commissions(order_id)
    assert emulator.dynamodb_operations() == ["GetItem"]
