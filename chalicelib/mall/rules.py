"""The points mall (积分商城): items customers redeem points for, and the redemptions.

An item is either a catalog product (one SKU, shipped to the customer) or a coupon
(a value in fen off an order of at least a minimum amount, valid for some days).
Its ``stock`` is the mall's own allotment, counted apart from the SKU's stock;
``per_user_limit`` caps how many one customer may redeem. Pure rules: points,
money and counts are ints, never floats.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import Enum

from chalicelib.core.errors import Conflict, DomainError, ErrorCode, LimitReached, Required, ValidationFailed

MAX_TITLE = 60
MAX_DESCRIPTION = 2000
MAX_URL = 2048
MAX_POINTS_PRICE = 10_000_000
MAX_STOCK = 10_000_000
MAX_PER_USER_LIMIT = 1000
MAX_COUPON_FEN = 10_000_000  # ¥100 000: far above any coupon
MAX_MIN_ORDER_FEN = 100_000_000
MAX_VALID_DAYS = 3650
COUPON_CODE_LENGTH = 16  # Crockford base32: 80 random bits, cannot be guessed or enumerated
_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


class MallItemKind(Enum):
    PRODUCT = "PRODUCT"
    COUPON = "COUPON"


class RedemptionState(Enum):
    ISSUED = "ISSUED"  # a coupon, in the customer's hands
    TO_SHIP = "TO_SHIP"  # a product, waiting to be shipped


# ---------------------------------------------------------------- errors
class InvalidMallItem(ValidationFailed):
    """An item's field is out of bounds or does not fit its kind."""


class MallItemFieldMissing(Required):
    """A field the item's kind needs was not given."""


class MallItemGone(DomainError):
    """The item cannot be redeemed: unknown, inactive or sold out."""

    code = ErrorCode.MALL_ITEM_GONE


class MallLimitReached(LimitReached):
    """The customer has redeemed this item as often as one person may."""


class MallPriceChanged(Conflict):
    """The item's price changed between reading it and redeeming it: nothing was taken."""


# ---------------------------------------------------------------- values
@dataclass(frozen=True, slots=True)
class CouponTerms:
    value: int  # fen off the order
    min_order: int = 0  # fen; 0: no threshold (无门槛)
    valid_days: int = 30  # from the redemption


@dataclass(frozen=True, slots=True)
class MallItem:
    id: str
    kind: MallItemKind
    title: str
    points_price: int
    stock: int
    description: str = ""
    image_url: str | None = None
    per_user_limit: int = 1
    active: bool = False
    product_id: str | None = None  # PRODUCT: the catalog product and SKU
    sku_id: str | None = None
    coupon: CouponTerms | None = None  # COUPON
    redeemed: int = 0  # units redeemed so far
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def sold_out(self) -> bool:
        return self.stock < 1

    @property
    def redeemable(self) -> bool:
        return self.active and not self.sold_out


@dataclass(frozen=True)
class MallItemChanges:
    """Only the fields that are set change. ``image_url=""`` removes the image; the
    SKU (``product_id`` and ``sku_id`` together) and coupon terms fit the item's kind."""

    title: str | None = None
    description: str | None = None
    image_url: str | None = None
    points_price: int | None = None
    stock: int | None = None
    per_user_limit: int | None = None
    active: bool | None = None
    product_id: str | None = None
    sku_id: str | None = None
    coupon_value: int | None = None
    coupon_min_order: int | None = None
    coupon_valid_days: int | None = None

    @property
    def touches_coupon(self) -> bool:
        return any(v is not None for v in (self.coupon_value, self.coupon_min_order, self.coupon_valid_days))


@dataclass(frozen=True, slots=True)
class Redemption:
    id: str
    user_id: str
    item_id: str
    kind: MallItemKind
    title: str  # the item's title when redeemed: the history reads the same after edits
    points: int
    state: RedemptionState
    created_at: datetime
    coupon_code: str | None = None  # COUPON: the customer's code (only they can see it)
    coupon_id: str | None = None  # COUPON: the real coupon issued with the redemption (chalicelib/coupons)
    coupon: CouponTerms | None = None
    coupon_expires_at: datetime | None = None
    product_id: str | None = None  # PRODUCT
    sku_id: str | None = None


# ---------------------------------------------------------------- validation
def _whole(value: object, field: str, minimum: int, maximum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidMallItem("must be a whole number", field)
    if value < minimum:
        raise InvalidMallItem(f"must be at least {minimum}", field)
    if value > maximum:
        raise InvalidMallItem(f"must be at most {maximum}", field)
    return value


def _text(value: object, field: str, max_length: int, required: bool) -> str:
    if not isinstance(value, str):
        raise InvalidMallItem("must be text", field)
    value = value.strip()
    if required and not value:
        raise MallItemFieldMissing("must not be empty", field)
    if len(value) > max_length:
        raise InvalidMallItem(f"must be at most {max_length} characters", field)
    return value


def _image_url(value: str | None) -> str | None:
    if value is None:
        return None
    url = _text(value, "imageUrl", MAX_URL, required=False)
    if not url:
        return None
    if not url.startswith("https://") or len(url) <= len("https://") or any(c.isspace() for c in url):
        raise InvalidMallItem("the image URL must use https", "imageUrl")
    return url


def _coupon(terms: CouponTerms) -> CouponTerms:
    value = _whole(terms.value, "coupon.value", 1, MAX_COUPON_FEN)
    min_order = _whole(terms.min_order, "coupon.minOrder", 0, MAX_MIN_ORDER_FEN)
    valid_days = _whole(terms.valid_days, "coupon.validDays", 1, MAX_VALID_DAYS)
    if min_order and value >= min_order:
        raise InvalidMallItem("a coupon with a minimum order is worth less than that minimum", "coupon.value")
    return CouponTerms(value, min_order, valid_days)


def validate_item(item: MallItem) -> MallItem:
    """The item with its text trimmed, or the first fault as a typed error naming the
    input field (camelCase, as the API spells it)."""
    if not isinstance(item.kind, MallItemKind):
        raise InvalidMallItem("a mall item is a PRODUCT or a COUPON", "kind")
    if not isinstance(item.active, bool):
        raise InvalidMallItem("must be true or false", "active")
    cleaned = replace(
        item,
        title=_text(item.title, "title", MAX_TITLE, required=True),
        description=_text(item.description, "description", MAX_DESCRIPTION, required=False),
        image_url=_image_url(item.image_url),
        points_price=_whole(item.points_price, "pointsPrice", 1, MAX_POINTS_PRICE),
        stock=_whole(item.stock, "stock", 0, MAX_STOCK),
        per_user_limit=_whole(item.per_user_limit, "perUserLimit", 1, MAX_PER_USER_LIMIT),
    )
    if item.kind is MallItemKind.PRODUCT:
        if item.coupon is not None:
            raise InvalidMallItem("only a coupon has coupon terms", "coupon")
        if not item.product_id or not item.sku_id:
            raise MallItemFieldMissing("choose the catalog SKU this item ships", "skuId")
    else:
        if item.product_id or item.sku_id:
            raise InvalidMallItem("a coupon ships no SKU", "skuId")
        if item.coupon is None:
            raise MallItemFieldMissing("give the coupon's value, minimum order and validity", "coupon")
        cleaned = replace(cleaned, coupon=_coupon(item.coupon))
    return cleaned


def apply_changes(item: MallItem, changes: MallItemChanges, now: datetime) -> MallItem:
    """The item as changed, validated. The kind never changes."""
    product = (changes.product_id, changes.sku_id)
    if any(product) and not all(product):
        raise MallItemFieldMissing("give the product and its SKU together", "skuId")
    if item.kind is MallItemKind.PRODUCT and changes.touches_coupon:
        raise InvalidMallItem("only a coupon has coupon terms", "coupon")
    if item.kind is MallItemKind.COUPON and any(product):
        raise InvalidMallItem("a coupon ships no SKU", "skuId")

    def pick(new, old):
        return old if new is None else new

    coupon = item.coupon
    if coupon is not None and changes.touches_coupon:
        coupon = CouponTerms(pick(changes.coupon_value, coupon.value), pick(changes.coupon_min_order, coupon.min_order),
                             pick(changes.coupon_valid_days, coupon.valid_days))
    changed = replace(
        item,
        title=pick(changes.title, item.title),
        description=pick(changes.description, item.description),
        image_url=item.image_url if changes.image_url is None else (changes.image_url or None),
        points_price=pick(changes.points_price, item.points_price),
        stock=pick(changes.stock, item.stock),
        per_user_limit=pick(changes.per_user_limit, item.per_user_limit),
        active=pick(changes.active, item.active),
        product_id=pick(changes.product_id, item.product_id),
        sku_id=pick(changes.sku_id, item.sku_id),
        coupon=coupon,
        updated_at=now,
    )
    return validate_item(changed)


# ---------------------------------------------------------------- redeeming
def new_coupon_code() -> str:
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(COUPON_CODE_LENGTH))


def is_coupon_code(value: str) -> bool:
    return isinstance(value, str) and len(value) == COUPON_CODE_LENGTH and all(c in _CODE_ALPHABET for c in value)


def check_redeemable(item: MallItem | None) -> MallItem:
    """The item if it can be redeemed now, else MallItemGone (unknown, inactive, sold out)."""
    if item is None:
        raise MallItemGone("this item is not in the points mall", "itemId")
    if not item.active:
        raise MallItemGone("this item is no longer offered", "itemId")
    if item.sold_out:
        raise MallItemGone("this item has been redeemed out", "itemId")
    return item


def new_redemption(item: MallItem, user_id: str, redemption_id: str, now: datetime) -> Redemption:
    """What redeeming ``item`` now gives: a coupon issued with its own code and expiry,
    or a product waiting to ship. The points are the item's price."""
    check_redeemable(item)
    if item.kind is MallItemKind.COUPON:
        assert item.coupon is not None
        return Redemption(
            id=redemption_id, user_id=user_id, item_id=item.id, kind=item.kind, title=item.title,
            points=item.points_price, state=RedemptionState.ISSUED, created_at=now,
            coupon_code=new_coupon_code(), coupon=item.coupon,
            coupon_expires_at=now + timedelta(days=item.coupon.valid_days),
        )
    return Redemption(
        id=redemption_id, user_id=user_id, item_id=item.id, kind=item.kind, title=item.title,
        points=item.points_price, state=RedemptionState.TO_SHIP, created_at=now,
        product_id=item.product_id, sku_id=item.sku_id,
    )
