"""Helpers of the ordering-for-pickup tests: a merchant's stocked SKUs, a real approved leader, a round with
per-customer limits, and a customer's pickup checkout."""
from __future__ import annotations

from datetime import datetime, timedelta

from chalicelib.checkout import placing
from chalicelib.checkout.rules import BuyNow, CheckoutRequest, Pickup
from chalicelib.community import leaders, rounds
from chalicelib.community.rules import LeaderAction
from chalicelib.community.rules_rounds import NewRound, RoundLine, Uncollected
from chalicelib.core.clock import CHINA
from chalicelib.core.ids import new_id
from chalicelib.core.principal import Principal, Role
from tests.checkout.support import PAYMENTS, Shop, shop
from tests.community import leader_support
from tests.community.rounds_support import NOW

CUTOFF = NOW + timedelta(hours=11)  # 23:00 China time
ROUND_PRICE = 2590  # the SKU sells at 6000 elsewhere


def stocked(*, skus: int = 2, stock: int = 100) -> Shop:
    return shop(skus=skus, stock=stock)


def leader(n: int = 1) -> str:
    """A customer (a fresh user) applied with leader_support's n-th point and an operator approved them."""
    applicant = Principal(new_id(), Role.CUSTOMER)
    leaders.apply(applicant, leader_support.application(n), leader_support.NOW)
    return leaders.decide(leader_support.OPERATOR, applicant.user_id, LeaderAction.APPROVE, None,
                          leader_support.NOW + timedelta(minutes=1)).id


def open_round(s: Shop, leaders: list[str], *, limit: int | None = 3, cutoff: datetime = CUTOFF,
               commission_bp: int = 1000, now: datetime = NOW, uncollected: Uncollected = Uncollected.KEEP):
    lines = tuple(RoundLine(s.product_id, sku_id, ROUND_PRICE, limit, commission_bp) for sku_id in s.sku_ids)
    pickup_on = cutoff.astimezone(CHINA).date() + timedelta(days=1)
    return rounds.open_round(s.merchant, NewRound("周三水果团", lines, tuple(leaders), cutoff, pickup_on, uncollected),
                             now)


def customer() -> Principal:
    return Principal(new_id(), Role.CUSTOMER)


def pickup_request(round_id: str, s: Shop, *quantities: int, leader_id: str | None = None,
                   coupon_ids: tuple[str, ...] | None = ()) -> CheckoutRequest:
    lines = tuple(BuyNow(s.product_id, sku_id, q) for sku_id, q in zip(s.sku_ids, quantities, strict=False))
    return CheckoutRequest(pickup=Pickup(round_id, lines, leader_id), coupon_ids=coupon_ids)


def place(buyer: Principal, request: CheckoutRequest, now: datetime = NOW, key: str | None = None):
    return placing.place_order(buyer, request, key or f"pickup-{new_id()}", PAYMENTS, "openid", now)
