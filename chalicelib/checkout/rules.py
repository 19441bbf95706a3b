"""What a checkout may hold, and its refusals. Pure."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum

from chalicelib.core.errors import DomainError, ErrorCode, OutOfStock, ValidationFailed

CHECKOUT_CURRENCY = "CNY"  # what WeChat Pay charges; coupons, promotions and points are fen of it
MAX_LINES = 20  # lines of one checkout: all its writes fit DynamoDB's 100-item transaction (docs/data-model.md)
# At most one per merchant order (one merchant a line at most) and one for the platform.
MAX_COUPONS = MAX_LINES + 1
MIN_QUANTITY, MAX_QUANTITY = 1, 99  # units of one SKU in one line (the cart's own limits)


@dataclass(frozen=True, slots=True)
class BuyNow:
    """一键下单: one SKU straight from the product page, no cart."""

    product_id: str
    sku_id: str
    quantity: int


@dataclass(frozen=True, slots=True)
class Pickup:
    """自提: lines of a community sale round, collected at a leader's pickup point instead of shipped."""

    round_id: str
    lines: tuple[BuyNow, ...]
    leader_id: str | None = None  # None: the customer's chosen leader


@dataclass(frozen=True, slots=True)
class CheckoutRequest:
    """What to price: the cart's selected lines, one SKU bought now, or a round's lines for pickup;
    where it goes (an address, or the pickup point); the coupons chosen (None: the best for me;
    empty: none) and the points to use."""

    buy_now: BuyNow | None = None
    address_id: str | None = None  # None: the default address
    coupon_ids: tuple[str, ...] | None = None
    points: int = 0
    pickup: Pickup | None = None
    source: object | None = None  # orders' Attribution (placeOrder records it on every order; the preview ignores it)

    def __post_init__(self) -> None:
        if self.buy_now is not None:
            check_quantity(self.buy_now.quantity, "buyNow.quantity")
        if self.pickup is not None:
            if self.buy_now is not None:
                raise ValidationFailed("buy now, or order a round's lines for pickup: not both", "pickup")
            if self.address_id is not None:
                raise ValidationFailed("an order for pickup goes to the leader's point: give no address", "addressId")
            if not 1 <= len(self.pickup.lines) <= MAX_LINES:
                raise ValidationFailed(f"order 1 to {MAX_LINES} of the round's lines", "pickup.lines")
            for n, line in enumerate(self.pickup.lines):
                check_quantity(line.quantity, f"pickup.lines.{n}.quantity")
        if self.coupon_ids is not None:
            if len(self.coupon_ids) > MAX_COUPONS:
                raise ValidationFailed(f"choose at most {MAX_COUPONS} coupons", "couponIds")
            if len(set(self.coupon_ids)) != len(self.coupon_ids):
                raise ValidationFailed("a coupon is listed twice", "couponIds")


def check_quantity(quantity: int, field: str) -> None:
    if isinstance(quantity, bool) or not isinstance(quantity, int) or not MIN_QUANTITY <= quantity <= MAX_QUANTITY:
        raise ValidationFailed(f"a quantity is {MIN_QUANTITY} to {MAX_QUANTITY} units", field)


class NothingToCheckOut(DomainError):
    code = ErrorCode.INVALID


class LineNotForSale(DomainError):
    """A line's product was archived or its SKU dropped since it was put in the cart."""

    code = ErrorCode.PRODUCT_NOT_AVAILABLE


class LineOutOfStock(OutOfStock):
    pass


class TwoCouponsForOneSlot(DomainError):
    """Two merchant coupons for one merchant order, or two platform coupons."""

    code = ErrorCode.INVALID


class NoAddress(DomainError):
    code = ErrorCode.REQUIRED


@dataclass(frozen=True, slots=True)
class CheckoutTerms:
    """Decided defaults (issue 11); an operator setting later. Every merchant order pays
    ``shipping_fee`` unless its goods, after discounts and before points, reach
    ``free_shipping_from``; an unpaid order is cancelled ``payment_window_seconds`` after
    it was placed."""

    shipping_fee: int = 1000  # ¥10
    free_shipping_from: int = 9900  # ¥99
    payment_window_seconds: int = 15 * 60
    # Merchant coupons and a platform coupon in one checkout (decided: yes). A shop that turns
    # it off lets a checkout use the merchant coupons or one platform coupon, not both.
    coupons_stack: bool = True


DEFAULT_TERMS = CheckoutTerms()


# ---------------------------------------------------------------- orders and payments


class CheckoutTooLarge(DomainError):
    code = ErrorCode.CHECKOUT_TOO_LARGE


class OrderState(Enum):
    """The same states, and names, as a group-buy order's."""

    AWAITING_PAYMENT = "AWAITING_PAYMENT"
    TO_SHIP = "TO_SHIP"
    SHIPPED = "SHIPPED"
    COMPLETED = "COMPLETED"
    CANCELLED = "CANCELLED"
    REFUNDING = "REFUNDING"
    REFUNDED = "REFUNDED"
    REFUND_FAILED = "REFUND_FAILED"


class PaymentState(Enum):
    AWAITING = "AWAITING"  # placed, not paid; cancelled at pay_by
    PAID = "PAID"  # captured in time: its orders are to ship
    CANCELLED = "CANCELLED"  # not paid in time, or cancelled by the buyer: stock, coupons and points came back
    REFUNDING = "REFUNDING"  # captured after it was cancelled: the capture goes back
    REFUNDED = "REFUNDED"
    REFUND_FAILED = "REFUND_FAILED"


@dataclass(frozen=True, slots=True)
class OrderLine:
    sku_id: str
    product_id: str
    product_name: str
    sku_code: str
    quantity: int
    unit_price: int
    promotion: int = 0
    merchant_coupon: int = 0
    platform_coupon: int = 0
    points: int = 0

    @property
    def items(self) -> int:
        return self.unit_price * self.quantity

    @property
    def paid(self) -> int:
        """What this line costs after its shares of every discount: what refunding it returns."""
        return self.items - self.promotion - self.merchant_coupon - self.platform_coupon - self.points


@dataclass(frozen=True, slots=True)
class ShopOrder:
    id: str
    payment_id: str
    user_id: str
    merchant_id: str
    state: OrderState
    lines: tuple[OrderLine, ...]
    shipping: int
    created_at: datetime
    pay_by: datetime
    promotion_id: str | None = None
    merchant_coupon_id: str | None = None
    paid_at: datetime | None = None
    cancelled_at: datetime | None = None
    pickup: object | None = None  # 自提: community's PickupSnapshot (the round and the point); None if shipped
    attribution: object | None = None  # orders' Attribution: what led to it (the checkout's source), or None

    @property
    def total(self) -> int:
        return sum(line.paid for line in self.lines) + self.shipping


@dataclass(frozen=True, slots=True)
class HeldStock:
    product_id: str
    sku_id: str
    quantity: int


@dataclass(frozen=True, slots=True)
class PickupRef:
    round_id: str
    leader_id: str


@dataclass(frozen=True, slots=True)
class Payment:
    id: str
    user_id: str
    order_ids: tuple[str, ...]
    amount: int
    state: PaymentState
    created_at: datetime
    pay_by: datetime
    stock: tuple[HeldStock, ...]
    coupon_ids: tuple[str, ...] = ()
    points_used: int = 0
    currency: str = "CNY"
    paid_at: datetime | None = None
    payer_id: str | None = None
    captured: int = 0
    refunded: int = 0
    refund_attempt: int = 0  # 0 for the first refund; an operator's retry adds one (a new execution)
    refund_error: str | None = None  # why the last refund failed (REFUND_FAILED)
    trade_payers: dict[str, str] = field(default_factory=dict)  # other payers' trade numbers → user ids
    trade_no: str | None = None  # the trade number captured (None: not captured, or captured before pay-for-me)
    share_code: str | None = None
    pickup: PickupRef | None = None  # an order for pickup: its round and leader (the pick list counts it once paid)

    def payer_of(self, trade_no: str) -> str | None:
        """Who asked to pay under this trade number: the buyer under the payment id; None if unknown."""
        return self.user_id if trade_no == self.id else self.trade_payers.get(trade_no)

    def trade_of(self, user_id: str) -> str | None:
        """This user's trade number, if they have one (the buyer's is the payment id)."""
        if user_id == self.user_id:
            return self.id
        return next((trade for trade, payer in sorted(self.trade_payers.items()) if payer == user_id), None)

    def captured_under(self, trade_no: str) -> bool:
        # A payment captured before trade numbers were recorded was captured under its own id.
        return bool(self.captured) and (self.trade_no or self.id) == trade_no
