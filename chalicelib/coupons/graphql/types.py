"""Coupon (优惠券) types, connections and node resolvers. Resolvers only translate between
GraphQL and chalicelib.coupons.service."""
from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.dataloader import DataLoader

from chalicelib.core.clock import utc_now
from chalicelib.core.graphql.connection import connection
from chalicelib.core.graphql.context import Ctx, Loaders, loader
from chalicelib.core.graphql.enums import described_enum
from chalicelib.core.graphql.ids import to_global_id
from chalicelib.core.graphql.money import Money
from chalicelib.core.graphql.pagination import PageInfo, after_position, page_size
from chalicelib.core.graphql.relay import Node, node_resolver
from chalicelib.coupons import rules as domain
from chalicelib.coupons import service, store

CURRENCY = "CNY"  # coupon amounts are fen of the shop's currency

DiscountKind = described_enum(domain.DiscountKind, name="CouponDiscountKind",
                              description="How a coupon takes money off.", values={
    domain.DiscountKind.AMOUNT_OFF: "A fixed amount off (满减; `amountOff`) once the covered items reach `threshold`.",
    domain.DiscountKind.PERCENT_OFF: "A percentage off (折扣; `percentOff`, 15 = 8.5折), at most `cap`.",
})
ScopeKind = described_enum(domain.ScopeKind, name="CouponScope", description="Which order lines a coupon covers.",
                           values={
    domain.ScopeKind.PLATFORM: "Every item on the platform (platform coupons only).",
    domain.ScopeKind.MERCHANT: "Every item of the issuing merchant.",
    domain.ScopeKind.CATEGORIES: "Items in the listed categories (of the issuing merchant, for a merchant's coupon).",
    domain.ScopeKind.PRODUCTS: "The listed products.",
})
CouponStatus = described_enum(domain.CouponStatus, name="CouponStatus", description="Where a coupon of yours stands.",
                              values={
    domain.CouponStatus.AVAILABLE: "Not used and not expired (it may not have started yet: see `validFrom`).",
    domain.CouponStatus.USED: "Used on an order (a cancelled order gives it back while it is valid).",
    domain.CouponStatus.EXPIRED: "Not used, and its time ran out.",
})

STATUS_TEXT = {
    domain.CouponStatus.AVAILABLE: "Available (可使用)",
    domain.CouponStatus.USED: "Used (已使用)",
    domain.CouponStatus.EXPIRED: "Expired (已过期)",
}


def _money(fen: int) -> Money:
    return Money(amount=fen, currency=CURRENCY)  # type: ignore[arg-type]


def _yuan(fen: int) -> str:
    return f"{fen // 100}" if fen % 100 == 0 else f"{fen / 100:.2f}"


def terms_text(terms: domain.CouponTerms) -> str:
    """满99减10, 无门槛减5, 8.5折 最高减20, …: what a coupon card shows."""
    if terms.kind is domain.DiscountKind.AMOUNT_OFF:
        head = f"满{_yuan(terms.threshold)}减{_yuan(terms.amount_off)}" if terms.threshold else \
            f"无门槛减{_yuan(terms.amount_off)}"
        return head
    rate = 100 - terms.percent_off
    fold = f"{rate // 10}" if rate % 10 == 0 else f"{rate / 10:g}"
    limit = f"满{_yuan(terms.threshold)}" if terms.threshold else ""
    return f"{limit}{fold}折 最高减{_yuan(terms.cap)}"


@strawberry.type(description="What a coupon takes off and where. Money in fen, never a float.")
class CouponTerms:
    terms: strawberry.Private[domain.CouponTerms]

    @strawberry.field(description="A fixed amount or a percentage off.")
    def kind(self) -> DiscountKind:  # type: ignore[valid-type]
        return self.terms.kind

    @strawberry.field(description="AMOUNT_OFF: taken off the covered items (0 for PERCENT_OFF).")
    def amount_off(self) -> Money:
        return _money(self.terms.amount_off)

    @strawberry.field(description="PERCENT_OFF: percent taken off, 1 to 99 (15 = 8.5折); 0 for AMOUNT_OFF.")
    def percent_off(self) -> int:
        return self.terms.percent_off

    @strawberry.field(description="PERCENT_OFF: the most it takes off (0 for AMOUNT_OFF).")
    def cap(self) -> Money:
        return _money(self.terms.cap)

    @strawberry.field(description="The covered items must cost at least this (0: no threshold, 无门槛).")
    def threshold(self) -> Money:
        return _money(self.terms.threshold)

    @strawberry.field(description="Which items it covers.")
    def scope(self) -> ScopeKind:  # type: ignore[valid-type]
        return self.terms.scope

    @strawberry.field(description="True: a platform coupon (at most one per checkout); false: a merchant's "
                                  "(at most one per merchant order).")
    def platform(self) -> bool:
        return self.terms.is_platform

    @strawberry.field(description="CATEGORIES: the `Category` ids covered.")
    def category_ids(self) -> list[strawberry.ID]:
        return [strawberry.ID(to_global_id("Category", c)) for c in sorted(self.terms.category_ids)]

    @strawberry.field(description="PRODUCTS: the `Product` ids covered.")
    def product_ids(self) -> list[strawberry.ID]:
        return [strawberry.ID(to_global_id("Product", p)) for p in sorted(self.terms.product_ids)]

    @strawberry.field(description="The terms in the words a coupon card uses, e.g. 满99减10 or 8.5折 最高减20.")
    def text(self) -> str:
        return terms_text(self.terms)


@strawberry.type(description="A coupon offer: claimed by customers (public) or granted by operators.")
class CouponTemplate(Node):
    template: strawberry.Private[domain.CouponTemplate]

    @strawberry.field(description="Its global id.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("CouponTemplate", self.template.id))

    @strawberry.field(description="What the coupon is called on its card.")
    def title(self) -> str:
        return self.template.title

    @strawberry.field(description="What it takes off and where.")
    def terms(self) -> CouponTerms:
        return CouponTerms(terms=self.template.terms)

    @strawberry.field(description="A fixed window's start; null when valid `validDays` from claiming.")
    def valid_from(self) -> datetime | None:
        return self.template.validity.valid_from

    @strawberry.field(description="A fixed window's end (exclusive); null when valid `validDays` from claiming.")
    def valid_until(self) -> datetime | None:
        return self.template.validity.valid_until

    @strawberry.field(description="Days a coupon stays valid from when it is claimed or granted; null: a fixed window.")
    def valid_days(self) -> int | None:
        return self.template.validity.valid_days

    @strawberry.field(description="Coupons that may ever be issued (claims and grants together).")
    def total(self) -> int:
        return self.template.total

    @strawberry.field(description="Coupons issued so far.")
    def issued_count(self) -> int:
        return self.template.issued

    @strawberry.field(description="Coupons left to claim (0: 已抢光).")
    def left(self) -> int:
        return self.template.left

    @strawberry.field(description="How many one person may claim (grants do not count).")
    def per_user_limit(self) -> int:
        return self.template.per_user_limit

    @strawberry.field(description="True: customers claim it; false: only operators grant it.")
    def public(self) -> bool:
        return self.template.public

    @strawberry.field(description="Only customers without a paid order may claim it (新人专享).")
    def new_customers_only(self) -> bool:
        return self.template.new_customers_only

    @strawberry.field(description="Claims open at this instant.")
    def claim_from(self) -> datetime:
        return self.template.claim_from

    @strawberry.field(description="Claims close at this instant; null: until ended or all claimed.")
    def claim_until(self) -> datetime | None:
        return self.template.claim_until

    @strawberry.field(description="False once ended: no more claims or grants (issued coupons stay valid).")
    def active(self) -> bool:
        return self.template.active

    @strawberry.field(description="Whether a claim could succeed now (active, some left, within the claim window).")
    def claimable(self) -> bool:
        return self.template.public and self.template.claimable_at(utc_now())

    @strawberry.field(description="When it was ended; null while active.")
    def ended_at(self) -> datetime | None:
        return self.template.ended_at

    @strawberry.field(description="When it was made.")
    def created_at(self) -> datetime:
        return self.template.created_at


@strawberry.type(description="A coupon of yours (优惠券). Only you can see it.")
class Coupon(Node):
    coupon: strawberry.Private[domain.Coupon]

    @strawberry.field(description="Its global id; checkout takes it in `couponIds`.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("Coupon", self.coupon.id))

    @strawberry.field(description="What the coupon is called on its card.")
    def title(self) -> str:
        return self.coupon.title

    @strawberry.field(description="What it takes off and where.")
    def terms(self) -> CouponTerms:
        return CouponTerms(terms=self.coupon.terms)

    @strawberry.field(description="Usable from this instant.")
    def valid_from(self) -> datetime:
        return self.coupon.valid_from

    @strawberry.field(description="Usable until this instant (exclusive).")
    def valid_until(self) -> datetime:
        return self.coupon.valid_until

    @strawberry.field(description="Available, used or expired, as of now.")
    def status(self) -> CouponStatus:  # type: ignore[valid-type]
        return self.coupon.status(utc_now())

    @strawberry.field(description="The status in English and Chinese.")
    def status_text(self) -> str:
        return STATUS_TEXT[self.coupon.status(utc_now())]

    @strawberry.field(description="The `CouponTemplate` it came from; null for a points-mall coupon.")
    def template_id(self) -> strawberry.ID | None:
        template_id = self.coupon.template_id
        return strawberry.ID(to_global_id("CouponTemplate", template_id)) if template_id else None


@strawberry.type(description="One coupon in a list, with its cursor.")
class CouponEdge:
    node: Coupon = strawberry.field(description="The coupon.")
    cursor: str = strawberry.field(description="Resume after this coupon.")


@strawberry.type(description="A page of your coupons.")
class CouponConnection:
    edges: list[CouponEdge] = strawberry.field(description="The coupons of this page.")
    page_info: PageInfo = strawberry.field(description="Where the next page starts.")


@strawberry.type(description="One coupon template in a list, with its cursor.")
class CouponTemplateEdge:
    node: CouponTemplate = strawberry.field(description="The template.")
    cursor: str = strawberry.field(description="Resume after this template.")


@strawberry.type(description="A page of coupon templates.")
class CouponTemplateConnection:
    edges: list[CouponTemplateEdge] = strawberry.field(description="The templates of this page.")
    page_info: PageInfo = strawberry.field(description="Where the next page starts.")


def template_connection(scope: str, page) -> CouponTemplateConnection:
    return connection(CouponTemplateConnection, CouponTemplateEdge, scope, page,
                      lambda t: CouponTemplate(template=t))


def coupon_connection(info: Ctx, user_id: str, status: domain.CouponStatus, first: int | None,
                      after: str | None) -> CouponConnection:
    scope = f"coupons:{user_id}:{status.value}"
    page = service.my_coupons(info.context.principal, status, utc_now(), page_size(first),
                              after_position(scope, after), user_id=user_id)
    return connection(CouponConnection, CouponEdge, scope, page, lambda c: Coupon(coupon=c))


@loader("coupon")
def _coupon_loader(loaders: Loaders) -> DataLoader[str, domain.Coupon | None]:
    """Coupons other features point to (a page of mall redemptions): one BatchGetItem."""
    async def load(ids: list[str]) -> list[domain.Coupon | None]:
        found = store.coupons_by_id(ids)
        return [found.get(i) for i in ids]

    return DataLoader(load_fn=load)


async def own_coupon(info: Ctx, coupon_id: str) -> Coupon | None:
    """A coupon by id for the caller, through the request's loader; someone else's is null."""
    found = await info.context.loaders.coupon.load(coupon_id)
    principal = info.context.principal
    return Coupon(coupon=found) if found and principal and found.user_id == principal.user_id else None


@node_resolver("Coupon")
def _coupon_node(info: Ctx, parts: tuple[str, ...]) -> Coupon | None:
    """Yours only."""
    found = service.get_coupon(info.context.principal, parts[0])
    return Coupon(coupon=found) if found else None


@node_resolver("CouponTemplate")
def _template_node(info: Ctx, parts: tuple[str, ...]) -> CouponTemplate | None:
    """Public ones for everyone; grant-only ones for whoever manages them."""
    found = service.visible_template(info.context.principal, parts[0])
    return CouponTemplate(template=found) if found else None
