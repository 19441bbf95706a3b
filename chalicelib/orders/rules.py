"""What an order of any kind shows: the view each kind maps its own item to. Pure."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum


class OrderKind(Enum):
    GROUP_BUY = "GROUP_BUY"
    REGULAR = "REGULAR"


class OrderState(Enum):
    """Every kind's states under the same names (a regular order never waits for a team)."""

    AWAITING_PAYMENT = "AWAITING_PAYMENT"
    PAID_AWAITING_TEAM = "PAID_AWAITING_TEAM"
    TO_SHIP = "TO_SHIP"
    SHIPPED = "SHIPPED"
    COMPLETED = "COMPLETED"
    CANCELLED = "CANCELLED"
    REFUNDING = "REFUNDING"
    REFUNDED = "REFUNDED"
    REFUND_FAILED = "REFUND_FAILED"


@dataclass(frozen=True, slots=True)
class OrderLineView:
    product_id: str
    sku_id: str
    quantity: int
    unit_price: int
    product_name: str = ""
    sku_code: str = ""
    promotion: int = 0
    coupons: int = 0
    points: int = 0

    @property
    def items(self) -> int:
        return self.unit_price * self.quantity

    @property
    def total(self) -> int:
        return self.items - self.promotion - self.coupons - self.points


@dataclass(frozen=True, slots=True)
class Delivery:
    """After payment, for every kind: shipped (carrier and tracking number), completed (receipt
    confirmed or the timer), the return windows completion opens, and what after-sales refunded."""

    shipped_at: datetime | None = None
    carrier: str | None = None
    tracking_no: str | None = None
    complete_by: datetime | None = None
    completed_at: datetime | None = None
    returns_until: datetime | None = None
    after_sales_until: datetime | None = None
    after_sales_refunded: int = 0


NOT_SHIPPED = Delivery()
REFUNDED_TEXT = "Refunded (已退款)"


def shown_state(stored: OrderState, text: str, goods: int, delivery: Delivery) -> tuple[OrderState, str]:
    """What an order shows: REFUNDED once after-sales paid back everything its goods cost (``goods``:
    its lines after discounts; shipping goes back only before an order ships). Its stored state
    stays where delivery left it, so nothing reacting to stored states fires again."""
    if goods > 0 and delivery.after_sales_refunded >= goods:
        return OrderState.REFUNDED, REFUNDED_TEXT
    return stored, text


@dataclass(frozen=True, slots=True)
class OrderView:
    """An order as a customer reads it, whatever its kind; ``source`` is the kind's own
    order (its kind's extra fields read it). Money in fen of ``currency``."""

    id: str
    kind: OrderKind
    user_id: str
    merchant_id: str | None
    state: OrderState
    status_text: str
    lines: tuple[OrderLineView, ...]
    shipping: int
    total: int
    currency: str
    created_at: datetime
    pay_by: datetime
    paid_at: datetime | None
    refunded: int
    source: object
    delivery: Delivery = NOT_SHIPPED
    # Where the money was captured (the provider's out_trade_no) and how much that capture was:
    # what an after-sales refund of this order refunds against. None until paid.
    trade_no: str | None = None
    captured_total: int = 0
    spent_with: str | None = None  # the id its checkout points were spent under (a payment's, or the order's)
    # The address snapshot the order ships to (addresses' ShippingAddress; personal data), when the
    # kind read it with the order; None when not read (or a group-buy order has none yet).
    shipping_address: object | None = None
    # Where an order for pickup (自提) is collected: community's PickupSnapshot (public data); None if shipped.
    pickup: object | None = None
    attribution: object | None = None  # orders.attribution.Attribution: what led to it (shown to whom: graphql)

    @property
    def items(self) -> int:
        return sum(line.items for line in self.lines)

    @property
    def promotion(self) -> int:
        return sum(line.promotion for line in self.lines)

    @property
    def coupons(self) -> int:
        return sum(line.coupons for line in self.lines)

    @property
    def points(self) -> int:
        return sum(line.points for line in self.lines)
