"""Community sale rounds (场次): what a round is and what makes a new one valid. Pure.

A round sells some SKUs of ONE merchant at round prices to the customers of the leaders it
serves, until its order cutoff; the goods reach the leaders' pickup points on its pickup date.
Time decides its state: OPEN while ``now < cutoff_at``, then CLOSED. Only CANCELLED is stored
(its creator or an operator, before the cutoff), so no job flips a state at the cutoff.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import Enum

from chalicelib.community.rules import LeaderNotApproved
from chalicelib.core.clock import CHINA
from chalicelib.core.errors import DomainError, ErrorCode, Forbidden, LimitReached, NotFound, ValidationFailed
from chalicelib.core.money import require_whole
from chalicelib.core.principal import Principal, Role
from chalicelib.core.text import clean_line

MAX_TITLE = 40
MAX_LINES = 20  # SKUs a round sells
MAX_LEADERS = 50  # leaders a round serves: the round + one item per leader stay in one transaction
MAX_CUTOFF_AHEAD = timedelta(days=30)  # a round sells for at most a month: no listing filled years ahead
MAX_PICKUP_AFTER_CUTOFF = timedelta(days=7)  # goods picked a week after ordering at the latest
MAX_COMMISSION_BP = 3000  # a leader's commission on a line: at most 30% (basis points)
MAX_PER_CUSTOMER_LIMIT = 99
# Cutoffs are set in China time (e.g. 23:00); the pickup date is a day after the cutoff's day there.
APPROVED = "APPROVED"  # the state a leader item has when it may serve rounds


class Uncollected(Enum):
    """What happens to an order for pickup nobody collected within the collection window after it arrived."""

    KEEP = "KEEP"  # it completes as if collected (the goods were delivered; fresh produce cannot go back)
    REFUND = "REFUND"  # it is refunded in full


class RoundStatus(Enum):
    OPEN = "OPEN"
    CLOSED = "CLOSED"
    CANCELLED = "CANCELLED"


class InvalidRound(ValidationFailed):
    """A field of a new round is out of bounds (field paths are the API's)."""


class RoundClosed(DomainError):
    """The round's order cutoff has passed (or it was cancelled): it cannot be changed."""

    code = ErrorCode.COMMUNITY_ROUND_CLOSED


class RoundNotFound(NotFound):
    pass


class LeaderNotServing(DomainError):
    """The round is not sold at this leader's pickup point."""

    code = ErrorCode.LEADER_NOT_SERVING


class NoLeaderChosen(DomainError):
    code = ErrorCode.REQUIRED


class NotInRound(DomainError):
    """A SKU the round does not sell."""

    code = ErrorCode.PRODUCT_NOT_AVAILABLE


class PickupLimitReached(LimitReached):
    """More units of a line than its per-customer limit leaves this customer."""


@dataclass(frozen=True, slots=True)
class RoundLine:
    product_id: str
    sku_id: str
    price: int  # fen, the round price: at most the SKU's own price
    per_customer_limit: int | None  # units one customer may order in this round; None: no limit
    commission_bp: int  # the leader's commission on this line, in basis points (100 = 1%)


@dataclass(frozen=True, slots=True)
class NewRound:
    title: str
    lines: tuple[RoundLine, ...]
    leader_ids: tuple[str, ...]
    cutoff_at: datetime
    pickup_on: date
    uncollected: Uncollected = Uncollected.KEEP


@dataclass(frozen=True, slots=True)
class SkuFacts:
    """What the catalog says of a line's SKU when the round is opened (None: no such SKU on sale)."""

    merchant_id: str
    price: int


@dataclass(frozen=True, slots=True)
class Round:
    id: str
    merchant_id: str  # whose SKUs it sells (and who delivers to the points)
    creator_id: str  # the merchant, or the operator who opened it
    title: str
    lines: tuple[RoundLine, ...]
    leader_ids: tuple[str, ...]
    cutoff_at: datetime
    pickup_on: date
    created_at: datetime
    cancelled_at: datetime | None = None
    uncollected: Uncollected = Uncollected.KEEP

    def status(self, now: datetime) -> RoundStatus:
        if self.cancelled_at is not None:
            return RoundStatus.CANCELLED
        return RoundStatus.OPEN if now < self.cutoff_at else RoundStatus.CLOSED


def check_shape(new: NewRound, now: datetime) -> NewRound:
    """Everything checkable without the table: the round with its title trimmed, or the first fault."""
    title = clean_line(new.title, "title", max_length=MAX_TITLE)
    if not new.lines:
        raise InvalidRound("a round sells at least one SKU", "lines")
    if len(new.lines) > MAX_LINES:
        raise InvalidRound(f"at most {MAX_LINES} SKUs a round", "lines")
    if len({(line.product_id, line.sku_id) for line in new.lines}) != len(new.lines):
        raise InvalidRound("a SKU is listed twice", "lines")
    for n, line in enumerate(new.lines):
        require_whole(line.price, f"lines.{n}.price", minimum=1)
        require_whole(line.commission_bp, f"lines.{n}.commissionRateBp", maximum=MAX_COMMISSION_BP)
        if line.per_customer_limit is not None:
            require_whole(line.per_customer_limit, f"lines.{n}.perCustomerLimit", minimum=1,
                          maximum=MAX_PER_CUSTOMER_LIMIT)
    if not new.leader_ids:
        raise InvalidRound("a round serves at least one leader", "leaderIds")
    if len(new.leader_ids) > MAX_LEADERS:
        raise InvalidRound(f"at most {MAX_LEADERS} leaders a round", "leaderIds")
    if len(set(new.leader_ids)) != len(new.leader_ids):
        raise InvalidRound("a leader is listed twice", "leaderIds")
    if new.cutoff_at <= now:
        raise InvalidRound("the order cutoff must be in the future", "cutoffAt")
    if new.cutoff_at > now + MAX_CUTOFF_AHEAD:
        raise InvalidRound(f"the order cutoff must be within {MAX_CUTOFF_AHEAD.days} days", "cutoffAt")
    cutoff_day = new.cutoff_at.astimezone(CHINA).date()
    if new.pickup_on <= cutoff_day:
        raise InvalidRound("the pickup date must be a day after the cutoff's (China time)", "pickupOn")
    if new.pickup_on > cutoff_day + MAX_PICKUP_AFTER_CUTOFF:
        raise InvalidRound(f"the pickup date must be within {MAX_PICKUP_AFTER_CUTOFF.days} days of the cutoff's",
                           "pickupOn")
    return NewRound(title, tuple(new.lines), tuple(new.leader_ids), new.cutoff_at, new.pickup_on, new.uncollected)


def round_merchant(principal: Principal, new: NewRound, skus: dict[tuple[str, str], SkuFacts | None]) -> str:
    """The one merchant whose SKUs the round sells, if ``principal`` may sell them at these prices."""
    merchants = set()
    for n, line in enumerate(new.lines):
        facts = skus.get((line.product_id, line.sku_id))
        if facts is None:
            raise InvalidRound("no such SKU on sale", f"lines.{n}.skuId")
        if principal.role is Role.MERCHANT and facts.merchant_id != principal.user_id:
            raise Forbidden("a merchant opens rounds of its own products only", f"lines.{n}.skuId")
        if line.price > facts.price:
            raise InvalidRound(f"the round price must not exceed the SKU's price ({facts.price})", f"lines.{n}.price")
        merchants.add(facts.merchant_id)
    if len(merchants) != 1:
        raise InvalidRound("a round sells the products of one merchant (it delivers the batches)", "lines")
    return merchants.pop()


def check_leaders(leader_ids: tuple[str, ...], states: dict[str, str | None]) -> None:
    for n, leader_id in enumerate(leader_ids):
        if states.get(leader_id) != APPROVED:
            raise LeaderNotApproved("this leader cannot serve rounds (not an approved leader)", f"leaderIds.{n}")


def check_cancellable(principal: Principal, found: Round | None, now: datetime) -> Round:
    if found is None:
        raise RoundNotFound("no such round", "roundId")
    if principal.role is not Role.OPERATOR and principal.user_id != found.creator_id:
        raise Forbidden("only the round's creator or an operator cancels it", "roundId")
    if found.status(now) is not RoundStatus.OPEN:
        raise RoundClosed("the round is past its order cutoff or cancelled already", "roundId")
    return found


# ---------------------------------------------------------------- ordering for pickup
@dataclass(frozen=True, slots=True)
class Wanted:
    """Units of one of the round's SKUs a customer orders for pickup."""

    product_id: str
    sku_id: str
    quantity: int


def check_orderable(found: Round | None, leader_id: str, now: datetime, field: str = "pickup") -> Round:
    """The round, if it is open at ``now`` and served at ``leader_id``'s point (the placing transaction checks the
    cutoff and the cancellation again, at its write)."""
    if found is None:
        raise RoundNotFound("no such round", f"{field}.roundId")
    if found.status(now) is not RoundStatus.OPEN:
        raise RoundClosed("this round is past its order cutoff or cancelled: nothing more can be ordered",
                          f"{field}.roundId")
    if leader_id not in found.leader_ids:
        raise LeaderNotServing("this round is not sold at that leader's pickup point", f"{field}.leaderId")
    return found


def round_lines(found: Round, wanted: tuple[Wanted, ...], field: str = "pickup") -> tuple[RoundLine, ...]:
    """The round's line for each wanted SKU, each within its per-customer limit (the limit left to this customer is
    the placing transaction's condition)."""
    by_sku = {(line.product_id, line.sku_id): line for line in found.lines}
    if len({(w.product_id, w.sku_id) for w in wanted}) != len(wanted):
        raise InvalidRound("a SKU is listed twice", f"{field}.lines")
    lines = []
    for n, want in enumerate(wanted):
        line = by_sku.get((want.product_id, want.sku_id))
        if line is None:
            raise NotInRound("this SKU is not sold in this round", f"{field}.lines.{n}.skuId")
        if line.per_customer_limit is not None and want.quantity > line.per_customer_limit:
            raise PickupLimitReached(f"at most {line.per_customer_limit} of this per customer in this round",
                                     f"{field}.lines.{n}.quantity")
        lines.append(line)
    return tuple(lines)
