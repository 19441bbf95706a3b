"""Coupons (优惠券): terms, who may use one on which order lines, and how much it takes off.

Pure rules: money is integer fen, never a float; time is passed in (``now``), never read.
A coupon is the customer's own copy of a template's terms with its validity window;
its stored state is AVAILABLE or USED, and EXPIRED is derived: time decides
(``now >= valid_until``), so no job has to flip a state for a coupon to stop working.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import Enum

from chalicelib.core.errors import DomainError, ErrorCode, Forbidden, LimitReached, Required, ValidationFailed
from chalicelib.core.text import one_line

MAX_TITLE = 40
MAX_FEN = 100_000_000  # ¥1,000,000: far above any coupon or threshold
MAX_SCOPE_IDS = 50  # categories or products a coupon may name
MAX_TOTAL = 10_000_000
MAX_PER_USER_LIMIT = 100
MAX_VALID_DAYS = 365
MAX_GRANT_USERS = 100
MAX_REASON = 200


class DiscountKind(Enum):
    AMOUNT_OFF = "AMOUNT_OFF"  # 满减: amount_off fen off at or above the threshold
    PERCENT_OFF = "PERCENT_OFF"  # 折扣: percent_off % off, at most cap fen


class ScopeKind(Enum):
    PLATFORM = "PLATFORM"  # every line (a platform coupon only)
    MERCHANT = "MERCHANT"  # the issuing merchant's lines
    CATEGORIES = "CATEGORIES"  # lines whose product is in one of category_ids
    PRODUCTS = "PRODUCTS"  # lines of one of product_ids


class CouponState(Enum):
    """What is stored. EXPIRED is not a state: ``status`` derives it from the time."""

    AVAILABLE = "AVAILABLE"
    USED = "USED"


class CouponStatus(Enum):
    """What a customer sees: the stored state with time applied."""

    AVAILABLE = "AVAILABLE"
    USED = "USED"
    EXPIRED = "EXPIRED"


class Unusable(Enum):
    """Why a coupon cannot be used on these lines now (checked in this order)."""

    NOT_YOURS = "NOT_YOURS"
    USED = "USED"
    EXPIRED = "EXPIRED"
    NOT_YET_VALID = "NOT_YET_VALID"
    NOT_APPLICABLE = "NOT_APPLICABLE"
    BELOW_THRESHOLD = "BELOW_THRESHOLD"

    @property
    def text(self) -> str:
        return UNUSABLE_TEXT[self]


UNUSABLE_TEXT = {
    Unusable.NOT_YOURS: "This coupon belongs to someone else (不是你的券).",
    Unusable.USED: "Already used on an order (已使用).",
    Unusable.EXPIRED: "Expired (已过期).",
    Unusable.NOT_YET_VALID: "Not valid yet (未到使用时间).",
    Unusable.NOT_APPLICABLE: "None of these items is covered by this coupon (不适用于所选商品).",
    Unusable.BELOW_THRESHOLD: "The covered items do not reach the coupon's threshold (未达到使用门槛).",
}


# ---------------------------------------------------------------- errors
class InvalidCoupon(ValidationFailed):
    """A coupon's or a template's field is out of bounds or does not fit its kind."""


class CouponFieldMissing(Required):
    """A field the coupon's kind or scope needs was not given."""


class CouponUnavailable(DomainError):
    """Checkout: a chosen coupon cannot be used (used meanwhile, expired, not the buyer's)."""

    code = ErrorCode.COUPON_UNAVAILABLE

    def __init__(self, message: str = "this coupon can no longer be used", field: str | None = "couponIds") -> None:
        super().__init__(message, field)


class CouponsGone(DomainError):
    """The template cannot be claimed or granted now: ended, all issued, or outside its claim window."""

    code = ErrorCode.COUPONS_GONE


class CouponLimitReached(LimitReached):
    """The customer has claimed this template as often as one person may."""


class NotClaimable(Forbidden):
    """The template is given by operators only (grant-only), not claimed."""


class NewCustomersOnly(DomainError):
    """The template is for customers without a paid order yet."""

    code = ErrorCode.NEW_CUSTOMERS_ONLY


# ---------------------------------------------------------------- values
def _whole(value: object, path: str, minimum: int, maximum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidCoupon("must be a whole number", path)
    if not minimum <= value <= maximum:
        raise InvalidCoupon(f"must be between {minimum} and {maximum}", path)
    return value


@dataclass(frozen=True)
class CouponTerms:
    """What a coupon takes off and where. Checked when made: an invalid one cannot exist.

    Field paths of errors are the API's (``terms.amountOff``)."""

    kind: DiscountKind
    amount_off: int = 0  # fen, AMOUNT_OFF
    percent_off: int = 0  # 1-99, PERCENT_OFF: 15 = 15% off = 8.5折
    cap: int = 0  # fen, PERCENT_OFF's most off; 0 for AMOUNT_OFF
    threshold: int = 0  # fen the eligible lines must reach; 0 = 无门槛
    scope: ScopeKind = ScopeKind.PLATFORM
    merchant_id: str | None = None  # the issuing merchant; None = a platform coupon
    category_ids: frozenset[str] = field(default_factory=frozenset)
    product_ids: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        if not isinstance(self.kind, DiscountKind):
            raise InvalidCoupon("AMOUNT_OFF or PERCENT_OFF", "terms.kind")
        _whole(self.threshold, "terms.threshold", 0, MAX_FEN)
        if self.kind is DiscountKind.AMOUNT_OFF:
            _whole(self.amount_off, "terms.amountOff", 1, MAX_FEN)
            if self.percent_off or self.cap:
                raise InvalidCoupon("an amount-off coupon has no percentage or cap", "terms.percentOff")
            if self.threshold and self.amount_off >= self.threshold:
                raise InvalidCoupon("an amount off a threshold must be less than the threshold", "terms.amountOff")
        else:
            _whole(self.percent_off, "terms.percentOff", 1, 99)
            _whole(self.cap, "terms.cap", 1, MAX_FEN)
            if self.amount_off:
                raise InvalidCoupon("a percentage coupon has no fixed amount", "terms.amountOff")
        self._validate_scope()

    def _validate_scope(self) -> None:
        if not isinstance(self.scope, ScopeKind):
            raise InvalidCoupon("PLATFORM, MERCHANT, CATEGORIES or PRODUCTS", "terms.scope")
        if not isinstance(self.category_ids, frozenset) or not isinstance(self.product_ids, frozenset):
            raise InvalidCoupon("ids are a frozenset", "terms.scope")
        if self.merchant_id is not None and (not isinstance(self.merchant_id, str) or not self.merchant_id):
            raise InvalidCoupon("a merchant id or none", "terms.merchantId")
        if self.scope is ScopeKind.PLATFORM and self.merchant_id is not None:
            raise InvalidCoupon("a merchant's coupon covers its own products only", "terms.scope")
        if self.scope is ScopeKind.MERCHANT and self.merchant_id is None:
            raise CouponFieldMissing("a merchant-wide coupon names its merchant", "terms.merchantId")
        wanted = {ScopeKind.CATEGORIES: ("category_ids", "terms.categoryIds"),
                  ScopeKind.PRODUCTS: ("product_ids", "terms.productIds")}
        for scope, (name, path) in wanted.items():
            ids = getattr(self, name)
            if self.scope is scope:
                if not ids:
                    raise CouponFieldMissing("name at least one", path)
                if len(ids) > MAX_SCOPE_IDS:
                    raise InvalidCoupon(f"at most {MAX_SCOPE_IDS}", path)
            elif ids:
                raise InvalidCoupon(f"only a {scope.value} coupon names these", path)

    @property
    def is_platform(self) -> bool:
        return self.merchant_id is None


@dataclass(frozen=True)
class CouponLine:
    """One order line as checkout prices it at the coupon's stage."""

    line_id: str
    merchant_id: str
    product_id: str
    category_id: str
    amount: int  # fen this line costs at this stage (after promotions, before coupons)


@dataclass(frozen=True)
class Coupon:
    id: str
    user_id: str
    template_id: str | None  # None: issued from terms alone (a points-mall redemption)
    title: str
    terms: CouponTerms
    valid_from: datetime
    valid_until: datetime  # exclusive: usable while valid_from <= now < valid_until
    state: CouponState
    order_id: str | None  # USED: the order it was used on
    source: str  # "claim", "grant:<grant id>", "mall:<redemption id>", or what issue_coupon was given

    def status(self, now: datetime) -> CouponStatus:
        if self.state is CouponState.USED:
            return CouponStatus.USED
        return CouponStatus.EXPIRED if now >= self.valid_until else CouponStatus.AVAILABLE


# ---------------------------------------------------------------- the rules checkout uses
def covers(terms: CouponTerms, merchant_id: str, product_id: str, category_id: str) -> bool:
    """Whether a line of this product is in the coupon's scope."""
    if terms.merchant_id is not None and merchant_id != terms.merchant_id:
        return False
    if terms.scope is ScopeKind.CATEGORIES:
        return category_id in terms.category_ids
    if terms.scope is ScopeKind.PRODUCTS:
        return product_id in terms.product_ids
    return True  # PLATFORM, or MERCHANT (its merchant checked above)


def eligible_lines(terms: CouponTerms, lines: Iterable[CouponLine]) -> list[CouponLine]:
    """The lines the coupon applies to, in their order: by scope; a merchant's coupon only its own lines."""
    return [line for line in lines if covers(terms, line.merchant_id, line.product_id, line.category_id)]


def discount(terms: CouponTerms, eligible_amount: int) -> int:
    """Fen off ``eligible_amount``: 0 below the threshold (or for nothing eligible); never more than it."""
    if eligible_amount <= 0 or eligible_amount < terms.threshold:
        return 0
    percent_off = min(eligible_amount * terms.percent_off // 100, terms.cap)
    off = terms.amount_off if terms.kind is DiscountKind.AMOUNT_OFF else percent_off
    return min(off, eligible_amount)


def why_unusable(coupon: Coupon, user_id: str, lines: Iterable[CouponLine], now: datetime) -> Unusable | None:
    """None if ``user_id`` may use ``coupon`` on ``lines`` at ``now``; else the first reason it may not."""
    if coupon.user_id != user_id:
        return Unusable.NOT_YOURS
    if coupon.state is CouponState.USED:
        return Unusable.USED
    if now >= coupon.valid_until:
        return Unusable.EXPIRED
    if now < coupon.valid_from:
        return Unusable.NOT_YET_VALID
    eligible = eligible_lines(coupon.terms, lines)
    if not eligible:
        return Unusable.NOT_APPLICABLE
    if sum(line.amount for line in eligible) < max(coupon.terms.threshold, 1):
        return Unusable.BELOW_THRESHOLD
    return None


# ---------------------------------------------------------------- templates
@dataclass(frozen=True)
class Validity:
    """A fixed window (``valid_from``..``valid_until``) or ``valid_days`` from the moment issued."""

    valid_from: datetime | None = None
    valid_until: datetime | None = None
    valid_days: int | None = None

    def window(self, issued_at: datetime) -> tuple[datetime, datetime]:
        if self.valid_days is not None:
            return issued_at, issued_at + timedelta(days=self.valid_days)
        assert self.valid_from is not None and self.valid_until is not None
        return self.valid_from, self.valid_until


@dataclass(frozen=True)
class CouponTemplate:
    id: str
    owner_id: str  # who made it: an operator (platform) or the merchant
    title: str
    terms: CouponTerms
    validity: Validity
    total: int  # coupons that may ever be issued (claims and grants together)
    per_user_limit: int  # claims one customer may make (grants do not count)
    public: bool  # claimable by customers; False: operators grant it
    new_customers_only: bool
    claim_from: datetime
    claim_until: datetime | None  # None: until ended (or all issued)
    active: bool
    created_at: datetime
    issued: int = 0
    ended_at: datetime | None = None

    @property
    def left(self) -> int:
        return max(self.total - self.issued, 0)

    def claimable_at(self, now: datetime) -> bool:
        return (self.active and self.issued < self.total and self.claim_from <= now
                and (self.claim_until is None or now < self.claim_until))


def validate_template(template: CouponTemplate) -> CouponTemplate:
    """The template with its title trimmed, or the first fault as a typed error with the API's field path."""
    title = one_line(template.title)
    if title is None:
        raise InvalidCoupon("must be one line of text (no control or direction characters)", "title")
    if not title:
        raise CouponFieldMissing("give the coupon a title", "title")
    if len(title) > MAX_TITLE:
        raise InvalidCoupon(f"at most {MAX_TITLE} characters", "title")
    _whole(template.total, "total", 1, MAX_TOTAL)
    _whole(template.per_user_limit, "perUserLimit", 1, MAX_PER_USER_LIMIT)
    validity = template.validity
    if (validity.valid_days is None) == (validity.valid_from is None and validity.valid_until is None):
        raise InvalidCoupon("give either a fixed window (validFrom and validUntil) or validDays", "validDays")
    if validity.valid_days is not None:
        _whole(validity.valid_days, "validDays", 1, MAX_VALID_DAYS)
    else:
        if validity.valid_from is None or validity.valid_until is None:
            raise CouponFieldMissing("a fixed window has a start and an end", "validUntil")
        if validity.valid_until <= validity.valid_from:
            raise InvalidCoupon("must be after validFrom", "validUntil")
        if validity.valid_until <= template.created_at:
            raise InvalidCoupon("must be in the future", "validUntil")
    claim_until = template.claim_until
    if claim_until is None and validity.valid_until is not None:
        claim_until = validity.valid_until  # claiming a coupon that is already over is pointless
    if claim_until is not None and claim_until <= template.claim_from:
        raise InvalidCoupon("must be after the claim window's start", "claimUntil")
    return replace(template, title=title, claim_until=claim_until)


def check_claimable(template: CouponTemplate | None, now: datetime) -> CouponTemplate:
    """The template if a customer may try to claim it now (the claim's transaction decides races)."""
    if template is None:
        raise CouponsGone("no such coupon", "templateId")
    if not template.public:
        raise NotClaimable("this coupon is given by the shop, not claimed", "templateId")
    if not template.active:
        raise CouponsGone("this coupon has ended (已结束)", "templateId")
    if now < template.claim_from:
        raise CouponsGone("this coupon cannot be claimed yet (未开始)", "templateId")
    if template.claim_until is not None and now >= template.claim_until:
        raise CouponsGone("claiming this coupon has closed (已结束)", "templateId")
    if template.issued >= template.total:
        raise CouponsGone("all of these coupons have been claimed (已抢光)", "templateId")
    return template


def new_coupon(coupon_id: str, user_id: str, template: CouponTemplate, source: str, now: datetime) -> Coupon:
    valid_from, valid_until = template.validity.window(now)
    return Coupon(id=coupon_id, user_id=user_id, template_id=template.id, title=template.title,
                  terms=template.terms, valid_from=valid_from, valid_until=valid_until,
                  state=CouponState.AVAILABLE, order_id=None, source=source)


def check_reason(reason: object) -> str:
    text = one_line(reason)
    if text is None:
        raise InvalidCoupon("must be one line of text (no control or direction characters)", "reason")
    if not text:
        raise CouponFieldMissing("say why the coupons are given (it is kept with each one)", "reason")
    if len(text) > MAX_REASON:
        raise InvalidCoupon(f"at most {MAX_REASON} characters", "reason")
    return text


def check_grant_users(user_ids: list[str]) -> list[str]:
    if not user_ids:
        raise CouponFieldMissing("name at least one user", "userIds")
    if len(user_ids) > MAX_GRANT_USERS:
        raise InvalidCoupon(f"at most {MAX_GRANT_USERS} users a grant", "userIds")
    if len(set(user_ids)) != len(user_ids):
        raise InvalidCoupon("a user is listed twice", "userIds")
    return list(user_ids)
