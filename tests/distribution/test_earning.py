"""A distributor's commission through the table's stream: an order paid through a link earns the distributor at
the product's rate on that product's lines and its upstream 20 % of the rate, never a third level; once under
redelivery; settled when the return window closes; nothing on one's own purchase or for a distributor not active."""
from __future__ import annotations

from datetime import timedelta

from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecordEventName

from chalicelib.commissions.jobs import settle_due
from chalicelib.core.clock import iso
from chalicelib.core.stream import Change, Image
from chalicelib.distribution import service, store, stream_handlers
from chalicelib.distribution.keys import DISTRIBUTOR_SK, distributor_pk
from chalicelib.distribution.models import DistributorItem
from chalicelib.distribution.rules import JoinMode
from tests.distribution.support import (
    APPLE,
    CLOSES,
    MANGO,
    MERCHANT,
    NOW,
    OPERATOR,
    attribute,
    customer,
    deliver,
    distributor,
    entries,
    move,
    product,
    redeliver,
    shop_order,
)

ORDER, OTHER = "01J0000000000000000ORDER01", "01J0000000000000000ORDER02"
ALICE, BOB, CAROL, DAVE = (customer(n) for n in ("alice", "bob", "carol", "dave"))


def _chain() -> str:
    """alice recruits bob, bob recruits carol (three levels), the mango at 1500 bp: carol's mango code."""
    product(MANGO)
    product(APPLE, "Apple")
    service.set_rate(MERCHANT, MANGO, 1_500, NOW)
    alice = distributor(ALICE)
    bob = distributor(BOB, upstream_code=alice)
    return distributor(CAROL, upstream_code=bob)


def test_the_link_earns_its_distributor_and_one_upstream_level_once_then_settles(emulator):
    carol = _chain()
    shop_order(ORDER, DAVE.user_id, [(MANGO, 9_900), (APPLE, 5_000), (MANGO, 101)], carol)
    move(ORDER, "TO_SHIP", paid_at=iso(NOW))
    changes = deliver(emulator)
    # Carol: 1500 bp of each mango line, rounded down per line (1485 + 15); the apple line earns nothing.
    # Bob, her upstream: 300 bp (20 % of 1500) of the same lines (297 + 3). Alice, the third level: nothing.
    assert entries(ORDER) == {CAROL.user_id: ("DISTRIBUTOR", 1_500, "PENDING"),
                              BOB.user_id: ("UPSTREAM", 300, "PENDING")}
    redeliver(changes)  # a redelivered record changes nothing
    assert entries(ORDER) == {CAROL.user_id: ("DISTRIBUTOR", 1_500, "PENDING"),
                              BOB.user_id: ("UPSTREAM", 300, "PENDING")}
    link = store.get_link(CAROL.user_id, MANGO, consistent=True)
    assert (link.orders, link.commission) == (1, 1_500)
    move(ORDER, "SHIPPED")
    move(ORDER, "COMPLETED", returns_until=iso(CLOSES))
    redeliver(deliver(emulator))
    assert settle_due(CLOSES - timedelta(seconds=1))["entriesSettled"] == 0  # the window is still open
    assert (settle_due(CLOSES)["entriesSettled"], settle_due(CLOSES)["fenSettled"]) == (2, 0)  # the second: none
    assert {k: v[2] for k, v in entries(ORDER).items()} == {CAROL.user_id: "SETTLED", BOB.user_id: "SETTLED"}


def test_own_purchase_through_own_link_earns_nobody(emulator):
    carol = _chain()
    shop_order(ORDER, CAROL.user_id, [(MANGO, 9_900)], carol)
    move(ORDER, "TO_SHIP")
    deliver(emulator)
    assert entries(ORDER) == {}
    assert store.get_link(CAROL.user_id, MANGO, consistent=True).orders == 0


def test_an_upstream_buying_through_its_recruit_s_link_earns_no_share(emulator):
    carol = _chain()
    shop_order(ORDER, BOB.user_id, [(MANGO, 10_000)], carol)
    move(ORDER, "TO_SHIP")
    deliver(emulator)
    assert entries(ORDER) == {CAROL.user_id: ("DISTRIBUTOR", 1_500, "PENDING")}


def test_a_group_buy_order_earns_on_what_was_captured(emulator):
    carol = _chain()
    image = {"order_id": ORDER, "user_id": DAVE.user_id, "product_id": MANGO, "amount": 8_000, "captured": 8_000,
             "state": "PAID_AWAITING_TEAM", "attribution": {"kind": "DISTRIBUTOR", "ref": carol}}
    change = Change("Order", DynamoDBRecordEventName.MODIFY, Image(image), Image({**image, "state": "AWAITING_PAYMENT"}))
    stream_handlers.distributed_order_changed(change)
    stream_handlers.distributed_order_changed(change)
    assert entries(ORDER) == {CAROL.user_id: ("DISTRIBUTOR", 1_200, "PENDING"),
                              BOB.user_id: ("UPSTREAM", 240, "PENDING")}


def test_a_distributor_not_yet_approved_earns_nothing_and_other_attributions_are_ignored(emulator):
    product(MANGO)
    service.set_rate(OPERATOR, MANGO, 1_000, NOW)
    service.set_join_mode(OPERATOR, JoinMode.APPROVAL, NOW)
    erin = customer("erin")
    assert service.become_distributor(erin, NOW).active is False
    store.approve(erin.user_id)  # approved to make the link
    code = service.create_link(erin, MANGO, NOW).code
    DistributorItem(distributor_pk(erin.user_id), DISTRIBUTOR_SK).update(
        actions=[DistributorItem.state.set("APPLIED")])  # and suspended again
    shop_order(ORDER, DAVE.user_id, [(MANGO, 10_000)], code)
    shop_order(OTHER, DAVE.user_id, [(MANGO, 10_000)], None)
    attribute(OTHER, code, kind="POST")
    for order in (ORDER, OTHER):
        move(order, "TO_SHIP")
    deliver(emulator)
    assert (entries(ORDER), entries(OTHER)) == ({}, {})


def test_a_failed_team_s_refund_takes_the_whole_commission_back(emulator):
    """A group-buy order paid back as a whole (its team failed: REFUNDING) earns nothing, whoever earned on it;
    the order's own stream record reverses it (chalicelib/commission_refunds.py), once."""
    from chalicelib import commission_refunds
    from chalicelib.commissions import reads as commissions

    carol = _chain()
    image = {"order_id": ORDER, "user_id": DAVE.user_id, "product_id": MANGO, "amount": 8_000, "captured": 8_000,
             "state": "PAID_AWAITING_TEAM", "attribution": {"kind": "DISTRIBUTOR", "ref": carol}}
    stream_handlers.distributed_order_changed(
        Change("Order", DynamoDBRecordEventName.MODIFY, Image(image), Image({**image, "state": "AWAITING_PAYMENT"})))
    failed = Change("Order", DynamoDBRecordEventName.MODIFY, Image({**image, "state": "REFUNDING"}), Image(image))
    commission_refunds.order_refunded(failed)
    commission_refunds.order_refunded(failed)  # redelivered
    assert entries(ORDER) == {CAROL.user_id: ("DISTRIBUTOR", 0, "PENDING"), BOB.user_id: ("UPSTREAM", 0, "PENDING")}
    assert (commissions.account(CAROL.user_id).pending, commissions.account(BOB.user_id).pending) == (0, 0)
