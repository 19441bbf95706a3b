"""Ordering for pickup (自提): what a checkout asks of a round and a leader, and the writes it adds to its own
transactions. The checkout prices and places; this module says what the round sells at what price, whose point
the order goes to, and keeps the round's rules at the instant of each write:

- placing: the round's cutoff not passed and the round not cancelled (a condition on the leader's served item),
  the leader still APPROVED, and each line within the units its per-customer limit leaves the customer (a
  counter per customer and SKU, ADDed under a condition). A refused condition is a typed error; nothing is written.
- paying: the leader's pick list counts the paid units (one counter per SKU) and the order (one item), and the
  order gets its pickup code (pickup_codes.py), once, in the transaction that marks the payment paid.
- cancelling an unpaid payment: the units go back to the customer's limit, in the cancelling transaction.

DynamoDB requests: ``pickup_offer`` one BatchGetItem (the round and the leader), plus a GetItem of the
customer's chosen leader when the order names none.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from chalicelib.community import keys, keys_rounds
from chalicelib.community import store as leaders_store
from chalicelib.community.models import LeaderItem
from chalicelib.community.models_rounds import (
    CommunityRoundItem,
    CommunityRoundServedItem,
    PaidLineAttribute,
    PickupCodeItem,
    RoundBoughtItem,
    RoundPaidOrderItem,
    RoundPickedItem,
)
from chalicelib.community.rules import LeaderNotApproved, LeaderState
from chalicelib.community.rules_pickup import new_pickup_code
from chalicelib.community.rules_rounds import (
    NoLeaderChosen,
    PickupLimitReached,
    RoundClosed,
    RoundLine,
    Uncollected,
    Wanted,
    check_orderable,
    round_lines,
)
from chalicelib.community.store_rounds import to_round
from chalicelib.core.clock import iso
from chalicelib.core.table.batch import batch_get
from chalicelib.core.table.models import TableItem
from chalicelib.core.table.transactions import Transaction

FIELD = "pickup"


@dataclass(frozen=True, slots=True)
class PickupPlace:
    """Where a pickup order is collected: the leader's point as the public sees it (never the leader's mobile)."""

    leader_id: str
    leader_name: str
    point_name: str
    province_code: str
    city_code: str
    district_code: str
    detail: str
    opening_hours: str


@dataclass(frozen=True, slots=True)
class PickupOffer:
    """What one round sells a customer for pickup at one leader's point: the wanted lines at their round prices."""

    round_id: str
    round_title: str
    merchant_id: str
    place: PickupPlace
    pickup_on: date
    cutoff_at: datetime
    lines: tuple[RoundLine, ...]  # the round's line of each wanted SKU, in the wanted order
    uncollected: Uncollected = Uncollected.KEEP

    @property
    def leader_id(self) -> str:
        return self.place.leader_id


def pickup_offer(user_id: str, round_id: str, leader_id: str | None, wanted: tuple[Wanted, ...],
                 now: datetime) -> PickupOffer:
    """The round's offer at the customer's leader (``leader_id``, or the one they chose), if the round is open there
    and every wanted SKU is one of its lines within its per-customer limit. Typed errors name the field."""
    if leader_id is None:
        leader_id = leaders_store.chosen_leader_id(user_id)
        if leader_id is None:
            raise NoLeaderChosen("choose your community leader first (chooseCommunityLeader), or give "
                                 "pickup.leaderId", f"{FIELD}.leaderId")
    found = {type(item): item for item in batch_get([(keys_rounds.round_pk(round_id), keys_rounds.ROUND_SK),
                                                     (keys.leader_pk(leader_id), keys.LEADER_SK)])}
    round_item = found.get(CommunityRoundItem)
    sold = check_orderable(None if round_item is None else to_round(round_item), leader_id, now, FIELD)
    leader = found.get(LeaderItem)
    if leader is None or leader.state != LeaderState.APPROVED.value:
        raise LeaderNotApproved("this community leader is not taking orders now", f"{FIELD}.leaderId")
    place = PickupPlace(leader.leader_id, leader.display_name, leader.point_name, leader.province_code,
                        leader.city_code, leader.district_code, leader.detail, leader.opening_hours)
    return PickupOffer(sold.id, sold.title, sold.merchant_id, place, sold.pickup_on, sold.cutoff_at,
                       round_lines(sold, wanted, FIELD), sold.uncollected)


def add_order_claims(tx: Transaction, offer: PickupOffer, user_id: str, wanted: tuple[Wanted, ...],
                     now: datetime) -> None:
    """Into the placing transaction: the round still open at ``now`` at this leader's point, the leader still
    APPROVED, and each line's units added to the customer's count within its per-customer limit."""
    served = CommunityRoundServedItem
    tx.condition_check("pickup:round", served, keys_rounds.round_pk(offer.round_id),
                       keys_rounds.served_sk(offer.leader_id),
                       (served.cutoff_at > iso(now)) & served.GSI1PK.exists())
    tx.refuse("pickup:round", RoundClosed("this round's order cutoff has passed, or it was cancelled: nothing more "
                                          "can be ordered", f"{FIELD}.roundId"))
    tx.condition_check("pickup:leader", LeaderItem, keys.leader_pk(offer.leader_id), keys.LEADER_SK,
                       LeaderItem.state == LeaderState.APPROVED.value)
    tx.refuse("pickup:leader", LeaderNotApproved("this community leader stopped taking orders", f"{FIELD}.leaderId"))
    bought = RoundBoughtItem
    for n, (want, line) in enumerate(zip(wanted, offer.lines, strict=True)):
        label = f"pickup:bought:{n}"
        condition = None
        if line.per_customer_limit is not None:
            condition = bought.units.does_not_exist() | (bought.units <= line.per_customer_limit - want.quantity)
            tx.refuse(label, PickupLimitReached(
                f"at most {line.per_customer_limit} of this per customer in this round, your earlier orders "
                f"included", f"{FIELD}.lines.{n}.quantity"))
        tx.update(label, _bought_ref(offer.round_id, user_id, want.product_id, want.sku_id),
                  [bought.units.add(want.quantity), bought.type.set(bought)], condition)


def add_release(tx: Transaction, round_id: str, user_id: str, units: Iterable[tuple[str, str, int]]) -> None:
    """Into the transaction that cancels an unpaid pickup payment (once, by its state): its units back to the
    customer's per-customer limits."""
    for n, (product_id, sku_id, quantity) in enumerate(units):
        tx.update(f"pickup:release:{n}", _bought_ref(round_id, user_id, product_id, sku_id),
                  [RoundBoughtItem.units.add(-quantity)])


def add_paid(tx: Transaction, round_id: str, leader_id: str, order_id: str, user_id: str,
             units: Iterable[tuple[str, str, int]], paid_at: datetime) -> None:
    """Into the transaction that marks a pickup payment paid (once, by its state): the leader's pick list counts
    its units and lists its order, and the order gets its pickup code at the leader's point (random: a collision,
    ~n/2^60, fails the transaction and the payment's retry draws another)."""
    units = list(units)
    code = new_pickup_code()
    tx.put("pickup:code", PickupCodeItem(keys_rounds.pickup_code_pk(leader_id, code), keys_rounds.PICKUP_CODE_SK,
                                         order_id=order_id, round_id=round_id, user_id=user_id),
           TableItem.PK.does_not_exist())
    picked = RoundPickedItem
    for n, (product_id, sku_id, quantity) in enumerate(units):
        tx.update(f"pickup:picked:{n}",
                  picked(keys_rounds.round_pk(round_id), keys_rounds.picked_sk(leader_id, product_id, sku_id)),
                  [picked.units.add(quantity), picked.type.set(picked)])
    tx.put("pickup:paid", RoundPaidOrderItem(
        keys_rounds.round_pk(round_id), keys_rounds.paid_order_sk(leader_id, order_id), order_id=order_id,
        user_id=user_id, paid_at=iso(paid_at), code=code,
        lines=[PaidLineAttribute(product_id=p, sku_id=s, quantity=q) for p, s, q in units]))


def _bought_ref(round_id: str, user_id: str, product_id: str, sku_id: str) -> RoundBoughtItem:
    return RoundBoughtItem(keys_rounds.round_pk(round_id), keys_rounds.bought_sk(user_id, product_id, sku_id))
