"""Shared helpers of the assist tests: a product, reward templates, a campaign, registered users."""
from __future__ import annotations

from datetime import datetime, timedelta

from chalicelib.accounts.models import UserItem
from chalicelib.accounts.published.users import USER_SK, user_pk
from chalicelib.assists import service as assists
from chalicelib.catalog import service as catalog
from chalicelib.catalog.rules import ProductStatus
from chalicelib.core.clock import iso
from chalicelib.core.principal import Principal, Role
from tests.coupons.support import MERCHANT, NOW, OPERATOR, customer, merchant_terms, template

START = NOW
END = NOW + timedelta(days=7)
ALICE = Principal("01J00000000000000000ALICE0", Role.CUSTOMER)


def register(principal: Principal, created_at: datetime = NOW - timedelta(days=30)) -> Principal:
    UserItem(user_pk(principal.user_id), USER_SK, user_id=principal.user_id, role=principal.role.value,
             display_name="x", created_at=iso(created_at)).save()
    return principal


def helper(n: int, created_at: datetime = NOW - timedelta(days=30)) -> Principal:
    return register(customer(n), created_at)


def product(merchant: Principal = MERCHANT) -> str:
    category = catalog.create_category(OPERATOR, "Fruit", None)
    return catalog.create_product(merchant, catalog.NewProduct(
        category_id=category.id, name="Mango", tags=(), skus=(catalog.SkuInput(code="M1", price=3900, stock=50),),
        status=ProductStatus.ACTIVE,
    ), NOW).product.id


def campaign(tiers: tuple[int, ...] = (3, 10), *, by: Principal = OPERATOR, product_id: str | None = None,
             new_users_only: bool = False, daily_limit: int = 3, ends_at: datetime = END):
    maker = by if by.role is Role.MERCHANT else OPERATOR
    terms = {"terms": merchant_terms(merchant_id=by.user_id)} if by.role is Role.MERCHANT else {}
    rewards = [template(maker, title=f"reward {n}", public=False, **terms).id for n in tiers]
    return assists.create_campaign(by, assists.NewCampaign(
        product_id=product_id or product(), title="Mango for friends", tiers=tuple(zip(tiers, rewards, strict=True)),
        ends_at=ends_at, new_users_only=new_users_only, daily_limit=daily_limit), START)


def started(tiers: tuple[int, ...] = (3, 10), starter: Principal = ALICE, **options):
    c = campaign(tiers, **options)
    return c, assists.start(register(starter), c.id, NOW)
