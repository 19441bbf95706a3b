"""Shared helpers of the coupon tests: principals, templates, registered users."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chalicelib.core.principal import Principal, Role
from chalicelib.coupons import service as coupons
from chalicelib.coupons.rules import CouponTerms, DiscountKind, ScopeKind, Validity

NOW = datetime(2025, 6, 1, 4, 0, tzinfo=UTC)
OPERATOR = Principal("01J0000000000000000000OPER", Role.OPERATOR)
MERCHANT = Principal("01J0000000000000000000MRCH", Role.MERCHANT)
ALICE = Principal("01J00000000000000000ALICE0", Role.CUSTOMER)
BOB = Principal("01J000000000000000000BOB00", Role.CUSTOMER)

TEN_OFF_99 = CouponTerms(DiscountKind.AMOUNT_OFF, amount_off=1000, threshold=9900)


def customer(n: int) -> Principal:
    return Principal(f"01J00000000000000000CUST{n:02d}", Role.CUSTOMER)


def template(principal: Principal = OPERATOR, *, terms: CouponTerms = TEN_OFF_99, total: int = 1000,
             per_user_limit: int = 1, public: bool = True, new_customers_only: bool = False, valid_days: int | None = 30,
             title: str = "¥10 off ¥99", now: datetime = NOW, **overrides):
    validity = Validity(valid_days=valid_days) if valid_days else Validity(now, now + timedelta(days=7))
    return coupons.create_template(principal, coupons.NewTemplate(
        title=title, terms=terms, validity=validity, total=total, per_user_limit=per_user_limit, public=public,
        new_customers_only=new_customers_only, **overrides), now)


def merchant_terms(**fields) -> CouponTerms:
    return CouponTerms(DiscountKind.AMOUNT_OFF, **{"amount_off": 500, "scope": ScopeKind.MERCHANT,
                                                   "merchant_id": MERCHANT.user_id, **fields})


def register(principal: Principal) -> None:
    from chalicelib.accounts.models import UserItem
    from chalicelib.accounts.published.users import USER_SK, user_pk

    UserItem(user_pk(principal.user_id), USER_SK, user_id=principal.user_id, role=principal.role.value,
             display_name="x", created_at="2025-01-01T00:00:00Z").save()
