"""Group-buy (拼团) rules: deals, teams, seats and orders.

A team of N succeeds the moment N seats are paid. Seats held (awaiting payment)
plus seats paid never exceed N. At the deadline an unfilled team fails and every
paid member is refunded, unless the deal allows "virtual success" and at least M
members paid: then it succeeds as virtual, with no fake member ever written.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from chalicelib.core.errors import ValidationFailed

# A team's id is its share code (core.ids: 16 characters, 80 random bits, fits a `scene`).
from chalicelib.core.ids import SHARE_CODE_LENGTH, is_share_code, new_share_code  # noqa: F401
from chalicelib.core.money import Money, require_whole

MIN_TEAM, MAX_TEAM, DEFAULT_TEAM = 2, 50, 2
DEFAULT_TEAM_LIFETIME = timedelta(hours=24)
MAX_TEAM_LIFETIME = timedelta(days=7)
MIN_TEAM_LIFETIME = timedelta(seconds=10)
DEFAULT_PAYMENT_WINDOW = timedelta(minutes=15)
MIN_PAYMENT_WINDOW, MAX_PAYMENT_WINDOW = timedelta(seconds=5), timedelta(hours=2)
MAX_DEAL_STOCK = 1_000_000
MAX_PER_USER = 100

class TeamState(Enum):
    OPEN = "OPEN"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"


class SeatState(Enum):
    HELD = "HELD"  # joined, awaiting payment
    PAID = "PAID"
    RELEASED = "RELEASED"  # cancelled or not paid in time


class OrderState(Enum):
    AWAITING_PAYMENT = "AWAITING_PAYMENT"
    PAID_AWAITING_TEAM = "PAID_AWAITING_TEAM"  # paid; must not ship until the team succeeds
    TO_SHIP = "TO_SHIP"
    SHIPPED = "SHIPPED"
    COMPLETED = "COMPLETED"
    CANCELLED = "CANCELLED"
    REFUNDING = "REFUNDING"
    REFUNDED = "REFUNDED"
    REFUND_FAILED = "REFUND_FAILED"  # stays visible to operators until retried


@dataclass(frozen=True, slots=True)
class DealPrice:
    sku_id: str
    price: Money


@dataclass(frozen=True, slots=True)
class DealTerms:
    """What a team is formed under; copied onto the team when it opens, so a later
    change to the deal never changes the price a member already joined at."""

    deal_id: str
    product_id: str
    prices: tuple[DealPrice, ...]
    team_size: int
    payment_window_seconds: int
    per_user_limit: int
    virtual_min_paid: int | None  # None: virtual success off

    def price_of(self, sku_id: str) -> Money:
        for p in self.prices:
            if p.sku_id == sku_id:
                return p.price
        raise ValidationFailed("this SKU is not part of the deal", "skuId")


@dataclass(frozen=True, slots=True)
class Deal:
    id: str
    merchant_id: str
    terms: DealTerms
    team_lifetime_seconds: int
    starts_at: datetime
    ends_at: datetime
    stock: dict[str, int]  # allotted per SKU when created
    created_at: datetime
    ended: bool = False
    listed_open_teams: ListedOpenTeams | None = None  # None: never listed (a deal from before the listing)

    def is_open(self, now: datetime) -> bool:
        return not self.ended and self.starts_at <= now < self.ends_at

    def team_deadline(self, opened_at: datetime) -> datetime:
        return min(opened_at + timedelta(seconds=self.team_lifetime_seconds), self.ends_at)


@dataclass(frozen=True, slots=True)
class Team:
    id: str  # also its share code
    terms: DealTerms
    leader_id: str
    state: TeamState
    held: int
    paid: int
    opened_at: datetime
    expires_at: datetime
    completed_virtually: bool = False
    merchant_id: str | None = None  # the deal's (None on a team opened before teams kept it)

    @property
    def size(self) -> int:
        return self.terms.team_size

    @property
    def remaining_seats(self) -> int:
        return max(0, self.size - self.held - self.paid) if self.state is TeamState.OPEN else 0

    def outcome_at_deadline(self) -> tuple[TeamState, bool]:
        """(state, virtually) for a team still open when its deadline passes."""
        if self.paid >= self.size:
            # Filled, but the payment that filled it did not get to close it (a crash
            # between two writes): it succeeded for real.
            return TeamState.SUCCEEDED, False
        m = self.terms.virtual_min_paid
        if m is not None and self.paid >= m:
            return TeamState.SUCCEEDED, True
        return TeamState.FAILED, False


# Open teams a deal's item lists (the deal card's "join a team about to form"): more
# than the 5 the example deals page shows, so a team past its deadline whose timer has
# not run yet does not push the page back to the index.
LISTED_OPEN_TEAMS = 10


@dataclass(frozen=True, slots=True)
class ListedOpenTeams:
    """A deal's soonest-expiring open teams as of their last change, soonest deadline
    first (at most LISTED_OPEN_TEAMS), and whether the deal has more open teams."""

    teams: tuple[Team, ...]
    more: bool

    def first(self, count: int, now: datetime) -> tuple[list[Team], bool] | None:
        """The first ``count`` teams still open at ``now`` and whether more follow, or
        None when the listing cannot say (fewer unexpired teams listed than asked for,
        and more in the index). Time decides: a team past its deadline is left out
        even while its state is still OPEN (its timer closes it a moment later)."""
        live = [t for t in self.teams if t.expires_at > now]
        if len(live) > count:
            return live[:count], True
        if not self.more:
            return live, False
        # The unlisted teams expire after every listed one, so after a live one: live too.
        return (live, True) if len(live) == count else None


@dataclass(frozen=True, slots=True)
class Seat:
    team_id: str
    user_id: str
    order_id: str
    state: SeatState
    is_leader: bool
    display_name: str
    avatar_url: str | None
    joined_at: datetime


@dataclass(frozen=True, slots=True)
class Order:
    id: str
    user_id: str
    team_id: str
    deal_id: str
    product_id: str
    sku_id: str
    quantity: int
    amount: Money
    state: OrderState
    created_at: datetime
    pay_by: datetime
    paid_at: datetime | None = None
    transaction_id: str | None = None
    captured: int = 0  # fen the provider captured; refunds never exceed it
    refunded: int = 0
    refund_attempt: int = 0
    points_used: int = 0  # redeemed at checkout; returned if the order is cancelled or refunded
    discount: int = 0  # fen taken off the group price by those points; ``amount`` is what is paid
    merchant_id: str | None = None  # the deal's; None on an order taken before orders kept it
    attribution: object | None = None  # orders' Attribution: what led to it (the seat's source), or None


@dataclass(frozen=True)
class NewDeal:
    product_id: str
    prices: tuple[tuple[str, int], ...]  # (sku id, group price in fen)
    stock: tuple[tuple[str, int], ...]  # (sku id, units allotted)
    starts_at: datetime
    ends_at: datetime
    currency: str = "CNY"
    team_size: int = DEFAULT_TEAM
    team_lifetime_seconds: int = int(DEFAULT_TEAM_LIFETIME.total_seconds())
    payment_window_seconds: int = int(DEFAULT_PAYMENT_WINDOW.total_seconds())
    per_user_limit: int = 1
    virtual_min_paid: int | None = None


def validate_deal(new: NewDeal, sku_ids: set[str], now: datetime) -> None:
    require_whole(new.team_size, "teamSize", minimum=MIN_TEAM, maximum=MAX_TEAM)
    require_whole(new.team_lifetime_seconds, "teamLifetimeSeconds",
                  minimum=int(MIN_TEAM_LIFETIME.total_seconds()), maximum=int(MAX_TEAM_LIFETIME.total_seconds()))
    require_whole(new.payment_window_seconds, "paymentWindowSeconds",
                  minimum=int(MIN_PAYMENT_WINDOW.total_seconds()), maximum=int(MAX_PAYMENT_WINDOW.total_seconds()))
    require_whole(new.per_user_limit, "perUserLimit", minimum=1, maximum=MAX_PER_USER)
    if new.virtual_min_paid is not None:
        require_whole(new.virtual_min_paid, "virtualSuccessMinPaid", minimum=1, maximum=new.team_size - 1)
    if new.ends_at <= new.starts_at:
        raise ValidationFailed("a deal ends after it starts", "endsAt")
    if new.ends_at <= now:
        raise ValidationFailed("this deal would already be over", "endsAt")
    if new.payment_window_seconds > new.team_lifetime_seconds:
        raise ValidationFailed("the payment window cannot outlast the team", "paymentWindowSeconds")
    if not new.prices:
        raise ValidationFailed("a deal prices at least one SKU", "prices")
    priced = set()
    for i, (sku_id, amount) in enumerate(new.prices):
        if sku_id not in sku_ids:
            raise ValidationFailed("not a SKU of this product", f"prices.{i}.skuId")
        if sku_id in priced:
            raise ValidationFailed("this SKU is priced twice", f"prices.{i}.skuId")
        Money.of(amount, new.currency, amount_field=f"prices.{i}.price", currency_field="currency")
        if amount <= 0:
            raise ValidationFailed("a group price is above zero", f"prices.{i}.price")
        priced.add(sku_id)
    stocked = set()
    for i, (sku_id, units) in enumerate(new.stock):
        if sku_id not in priced:
            raise ValidationFailed("stock for a SKU the deal does not price", f"stock.{i}.skuId")
        if sku_id in stocked:
            raise ValidationFailed("this SKU's stock is given twice", f"stock.{i}.skuId")
        require_whole(units, f"stock.{i}.quantity", minimum=1, maximum=MAX_DEAL_STOCK)
        stocked.add(sku_id)
    if stocked != priced:
        raise ValidationFailed("allot stock to every priced SKU", "stock")
