"""Coupon commands and reads.

Operators make platform templates, merchants templates for their own products; customers
claim public ones; operators grant any to listed users with a reason; other features
issue them (``issue_coupon``, ``store.add_issue``). A command reads what it must check
once, then writes one transaction whose conditions, not the read, decide under
concurrency.

Decided where the issue is silent:
- A grant counts against the template's total but not against the per-user claim limit
  (a compensation is deliberate); one that would pass the total is refused whole before
  anything is written. Ending a template stops claims and grants; issued coupons stay valid.
- "New customers" are those with no paid, unrefunded order in the purchase history
  (chalicelib/purchases): a group-buy order counts once paid; a fully refunded one does not.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from chalicelib.accounts.published.users import USER_SK, UserItem, user_pk
from chalicelib.catalog.published.products import PRODUCT_SK, ProductItem, product_pk, product_record
from chalicelib.core.errors import InvalidCursor, NotFound, PageSizeExceeded
from chalicelib.core.idempotency import IdempotentRequest, idempotent_request
from chalicelib.core.ids import is_id, new_id
from chalicelib.core.observability import count
from chalicelib.core.principal import Principal, Role, may_manage, require_role, require_self, require_user
from chalicelib.core.table.batch import batch_get
from chalicelib.core.table.paging import Page
from chalicelib.coupons import rules, store
from chalicelib.coupons.rules import (
    Coupon,
    CouponStatus,
    CouponTemplate,
    CouponTerms,
    InvalidCoupon,
    NewCustomersOnly,
    ScopeKind,
    Validity,
)
from chalicelib.purchases.published import paid_orders_newest_first

MAX_PAGE = 100
CLAIM_OPERATION = "claimCoupon"
CLAIMABLE_SCAN = 100  # claimableCoupons(productId) looks at the 100 newest claimable templates


@dataclass(frozen=True)
class NewTemplate:
    title: str
    terms: CouponTerms
    validity: Validity
    total: int
    per_user_limit: int = 1
    public: bool = True
    new_customers_only: bool = False
    claim_from: datetime | None = None  # None: now
    claim_until: datetime | None = None  # None: the fixed window's end, or until ended


# ---------------------------------------------------------------- templates
def _owned_products(merchant_id: str, product_ids: frozenset[str]) -> None:
    """A merchant's coupon names only its own products: one BatchGetItem."""
    if not all(is_id(p) for p in product_ids):
        raise NotFound("no such product", "terms.productIds")
    found = {i.product_id: i for i in batch_get((product_pk(p), PRODUCT_SK) for p in product_ids)
             if isinstance(i, ProductItem)}
    for product_id in sorted(product_ids):
        item = found.get(product_id)
        if item is None:
            raise NotFound("no such product", "terms.productIds")
        if item.merchant_id != merchant_id:
            raise InvalidCoupon("a merchant's coupon covers its own products only", "terms.productIds")


def create_template(principal: Principal | None, new: NewTemplate, now: datetime) -> CouponTemplate:
    """Operators make platform coupons (no merchant); a merchant makes coupons of its own products."""
    caller = require_role(principal, Role.OPERATOR, Role.MERCHANT)
    terms = new.terms
    if caller.role is Role.MERCHANT:
        if terms.merchant_id != caller.user_id:
            raise InvalidCoupon("a merchant issues coupons for its own products", "terms.merchantId")
    elif terms.merchant_id is not None:
        raise InvalidCoupon("operators issue platform coupons; a merchant issues its own", "terms.merchantId")
    template = rules.validate_template(CouponTemplate(
        id=new_id(), owner_id=caller.user_id, title=new.title, terms=terms, validity=new.validity, total=new.total,
        per_user_limit=new.per_user_limit, public=new.public, new_customers_only=new.new_customers_only,
        claim_from=new.claim_from or now, claim_until=new.claim_until, active=True, created_at=now,
    ))
    if terms.merchant_id is not None and terms.scope is ScopeKind.PRODUCTS:
        _owned_products(terms.merchant_id, terms.product_ids)
    store.create_template(template)
    count("CouponTemplatesCreated")
    return template


def _managed_template(principal: Principal | None, template_id: str) -> tuple[Principal, CouponTemplate]:
    caller = require_role(principal, Role.OPERATOR, Role.MERCHANT)
    template = store.get_template(template_id, consistent=True) if is_id(template_id) else None
    if template is None or not _may_manage(caller, template):
        raise NotFound("no such coupon template", "templateId")
    return caller, template


def _may_manage(caller: Principal, template: CouponTemplate) -> bool:
    merchant_id = template.terms.merchant_id
    return caller.role is Role.OPERATOR if merchant_id is None else may_manage(caller, merchant_id)


def end_template(principal: Principal | None, template_id: str, now: datetime) -> CouponTemplate:
    """Stop claims and grants now; coupons already issued stay valid. Ending twice is a no-op."""
    _, template = _managed_template(principal, template_id)
    store.end_template(template, now)
    return store.get_template(template_id, consistent=True) or template


def get_template(template_id: str) -> CouponTemplate | None:
    return store.get_template(template_id) if is_id(template_id) else None


def visible_template(principal: Principal | None, template_id: str) -> CouponTemplate | None:
    """Public templates for everyone; grant-only ones for whoever manages them."""
    template = get_template(template_id)
    if template is None or template.public:
        return template
    if principal is not None and principal.role in (Role.OPERATOR, Role.MERCHANT) and _may_manage(principal, template):
        return template
    return None


def _page(first: int) -> int:
    if isinstance(first, bool) or not isinstance(first, int) or not 1 <= first <= MAX_PAGE:
        raise PageSizeExceeded(f"first must be between 1 and {MAX_PAGE}", "first")
    return first


def _after(after: str | None) -> str | None:
    if after is not None and (not isinstance(after, str) or len(after) > 80):
        raise InvalidCursor("this cursor is not valid", "after")
    return after


def claimable_templates(first: int, after: str | None = None) -> Page[CouponTemplate]:
    """The coupon centre: public templates not ended, newest first (all-claimed ones too: they show 已抢光)."""
    return store.claimable_templates(_page(first), _after(after))


def claimable_for_product(product_id: str, now: datetime) -> list[CouponTemplate]:
    """Claimable templates whose scope covers the product (its page's 领券 strip): the product's
    read, then one Query of the 100 newest claimable templates, filtered here."""
    record = product_record(product_id) if is_id(product_id) else None
    if record is None:
        return []
    product = record.product
    page = store.claimable_templates(CLAIMABLE_SCAN, None)
    return [t for t in page.items if t.claimable_at(now)
            and rules.covers(t.terms, product.merchant_id, product.id, product.category_id)]


def issuer_templates(principal: Principal | None, merchant_id: str | None, first: int,
                     after: str | None = None) -> Page[CouponTemplate]:
    """A merchant's own templates (merchant_id: the caller), or for operators the platform's (None) or any merchant's."""
    caller = require_role(principal, Role.OPERATOR, Role.MERCHANT)
    if caller.role is Role.MERCHANT:
        merchant_id = caller.user_id
    return store.issuer_templates(merchant_id, _page(first), _after(after))


# ---------------------------------------------------------------- getting coupons
def _require_new_customer(user_id: str) -> None:
    if next(paid_orders_newest_first(user_id), None) is not None:
        raise NewCustomersOnly("this coupon is for customers before their first order (新人专享)", "templateId")


def claim(principal: Principal | None, template_id: str, idempotency_key: str | None, now: datetime) -> Coupon:
    """Claim one coupon of a public template. With a key, sending it again answers with the first coupon."""
    caller = require_user(principal)
    request: IdempotentRequest | None = None
    if idempotency_key is not None:
        request = idempotent_request(caller.user_id, CLAIM_OPERATION, idempotency_key, template_id)
    template = rules.check_claimable(store.get_template(template_id, consistent=True) if is_id(template_id)
                                     else None, now)
    if template.new_customers_only:
        _require_new_customer(caller.user_id)
    coupon = rules.new_coupon(new_id(), caller.user_id, template, "claim", now)
    claimed = store.claim(template, coupon, request, now)
    if claimed.id == coupon.id:
        count("CouponsClaimed")
    return claimed


@dataclass(frozen=True)
class Grant:
    grant_id: str
    coupons: list[Coupon]


def grant(principal: Principal | None, template_id: str, user_ids: list[str], reason: str, now: datetime) -> Grant:
    """Operators give one coupon of the template to each listed user, with a reason kept on the grant."""
    caller = require_role(principal, Role.OPERATOR)
    reason = rules.check_reason(reason)
    user_ids = rules.check_grant_users(user_ids)
    template = store.get_template(template_id, consistent=True) if is_id(template_id) else None
    if template is None:
        raise NotFound("no such coupon template", "templateId")
    if not template.active:
        raise rules.CouponsGone("this coupon template has ended", "templateId")
    if template.left < len(user_ids):
        raise rules.CouponsGone(f"only {template.left} coupons of this template are left", "userIds")
    found = {i.PK for i in batch_get((user_pk(u), USER_SK) for u in user_ids) if isinstance(i, UserItem)}
    missing = [u for u in user_ids if user_pk(u) not in found]
    if missing:
        raise NotFound(f"{len(missing)} of these users do not exist", "userIds")
    grant_id = new_id()
    coupons = [rules.new_coupon(new_id(), u, template, f"grant:{grant_id}", now) for u in user_ids]
    store.grant(grant_id, template, coupons, caller.user_id, reason, now)
    count("CouponsGranted", len(coupons))
    return Grant(grant_id, coupons)


def issue_coupon(user_id: str, template_id: str, source: str, now: datetime) -> Coupon:
    """For other features (referral, assist): one coupon of the template, counted against its total
    (not the per-user claim limit), public or not. CouponsGone if ended or run out."""
    template = store.get_template(template_id, consistent=True) if is_id(template_id) else None
    if template is None:
        raise NotFound("no such coupon template", "templateId")
    if not template.active or template.left < 1:
        raise rules.CouponsGone("this coupon template has ended or run out", "templateId")
    return store.issue(template, rules.new_coupon(new_id(), user_id, template, source, now), now)


# ---------------------------------------------------------------- reads
def my_coupons(principal: Principal | None, status: CouponStatus, now: datetime, first: int,
               after: str | None = None, *, user_id: str | None = None) -> Page[Coupon]:
    """AVAILABLE: expiring soonest first; EXPIRED: most recently expired first; USED: most recently used first.
    The caller's own only (``user_id``: whose coupons were asked for, e.g. ``me``)."""
    caller = require_self(principal, user_id, "your own coupons") if user_id else require_user(principal)
    size, position = _page(first), _after(after)
    if status is CouponStatus.AVAILABLE:
        return store.available_coupons(caller.user_id, now, size, position)
    if status is CouponStatus.EXPIRED:
        return store.expired_coupons(caller.user_id, now, size, position)
    return store.used_coupons(caller.user_id, size, position)


def get_coupon(principal: Principal | None, coupon_id: str) -> Coupon | None:
    """The caller's own coupon; someone else's does not exist for them."""
    if principal is None or not is_id(coupon_id):
        return None
    found = store.get_coupon(coupon_id)
    return found if found is not None and found.user_id == principal.user_id else None
