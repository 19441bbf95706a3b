"""Coupon mutations, mixed into Mutation: templates (operators, merchants), claims (customers),
grants (operators). Resolvers only translate between GraphQL and chalicelib.coupons.service."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from chalicelib.core.clock import accept, utc_now
from chalicelib.core.graphql.context import Ctx
from chalicelib.core.graphql.errors import UserError, payload_errors
from chalicelib.core.graphql.ids import from_global_id
from chalicelib.core.principal import Role
from chalicelib.coupons import rules as domain
from chalicelib.coupons import service
from chalicelib.coupons.graphql.types import Coupon, CouponTemplate, DiscountKind, ScopeKind


@strawberry.input(description="What a coupon takes off and where; money in fen.")
class CouponTermsInput:
    kind: DiscountKind = strawberry.field(  # type: ignore[valid-type]
        description="AMOUNT_OFF needs amountOff; PERCENT_OFF needs percentOff and cap.")
    amount_off: int = strawberry.field(default=0, description="AMOUNT_OFF: fen off, less than a threshold if any.")
    percent_off: int = strawberry.field(default=0, description="PERCENT_OFF: 1 to 99 percent off (15 = 8.5折).")
    cap: int = strawberry.field(default=0, description="PERCENT_OFF: the most it takes off, in fen (at least 1).")
    threshold: int = strawberry.field(default=0, description="Fen the covered items must reach; 0: 无门槛.")
    scope: ScopeKind = strawberry.field(  # type: ignore[valid-type]
        description="Operators: PLATFORM, CATEGORIES or PRODUCTS; merchants: MERCHANT, CATEGORIES or PRODUCTS "
                    "(their own products).")
    category_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description=f"CATEGORIES: `Category` ids, 1 to {domain.MAX_SCOPE_IDS}.")
    product_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description=f"PRODUCTS: `Product` ids, 1 to {domain.MAX_SCOPE_IDS}.")


@strawberry.input(description="A coupon template. Validity is a fixed window (validFrom and validUntil) or validDays.")
class CreateCouponTemplateInput:
    title: str = strawberry.field(description=f"1 to {domain.MAX_TITLE} characters, e.g. 满99减10.")
    terms: CouponTermsInput = strawberry.field(description="What it takes off and where.")
    total: int = strawberry.field(description=f"Coupons that may ever be issued: 1 to {domain.MAX_TOTAL}.")
    per_user_limit: int = strawberry.field(
        default=1, description=f"Claims one person may make: 1 to {domain.MAX_PER_USER_LIMIT}.")
    public: bool = strawberry.field(default=True, description="True: customers claim it; false: operators grant it.")
    new_customers_only: bool = strawberry.field(
        default=False, description="Only customers without a paid (unrefunded) order may claim it.")
    valid_from: datetime | None = strawberry.field(default=None, description="A fixed window's start, with its offset.")
    valid_until: datetime | None = strawberry.field(
        default=None, description="A fixed window's end (exclusive), with its offset; in the future.")
    valid_days: int | None = strawberry.field(
        default=None, description=f"Days valid from claiming: 1 to {domain.MAX_VALID_DAYS}.")
    claim_from: datetime | None = strawberry.field(default=None, description="Claims open then; now when omitted.")
    claim_until: datetime | None = strawberry.field(
        default=None, description="Claims close then; omitted: at validUntil, or (validDays) until ended.")


@strawberry.input(description="The template to end.")
class EndCouponTemplateInput:
    id: strawberry.ID = strawberry.field(description="The `CouponTemplate` id.")


@strawberry.input(description="The template to claim a coupon of.")
class ClaimCouponInput:
    template_id: strawberry.ID = strawberry.field(description="The `CouponTemplate` id (a public one).")
    idempotency_key: str | None = strawberry.field(
        default=None, description="8-64 characters; retry with the same key: claimed once (kept 24 h).")


@strawberry.input(description="A grant: one coupon of the template to each user, with the reason.")
class GrantCouponsInput:
    template_id: strawberry.ID = strawberry.field(description="The `CouponTemplate` id (public or not).")
    user_ids: list[strawberry.ID] = strawberry.field(
        description=f"`User` ids, 1 to {domain.MAX_GRANT_USERS}, each once. All or none when the template has "
                    "fewer left.")
    reason: str = strawberry.field(description=f"Why, kept with the grant: 1 to {domain.MAX_REASON} characters.")


@strawberry.type(description="The template made or ended, or why not.")
class CouponTemplatePayload:
    coupon_template: CouponTemplate | None = strawberry.field(default=None, description="The template.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Why it was refused; empty on success.")


@strawberry.type(description="The coupon claimed, or why not.")
class ClaimCouponPayload:
    coupon: Coupon | None = strawberry.field(default=None, description="Your new coupon (the first one on a replay).")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Why it was refused; empty on success.")


@strawberry.type(description="What a grant gave, or why not.")
class GrantCouponsPayload:
    granted_count: int = strawberry.field(default=0, description="Coupons issued, one per listed user.")
    coupon_template: CouponTemplate | None = strawberry.field(default=None, description="The template, as now.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Why it was refused; empty on success.")


def _ids(values: list[strawberry.ID], type_name: str, field: str) -> frozenset[str]:
    return frozenset(from_global_id(v, type_name, field)[0] for v in values)


def _moment(value: datetime | None, field: str) -> datetime | None:
    return accept(value, field) if value is not None else None


def _terms(info: Ctx, given: CouponTermsInput) -> domain.CouponTerms:
    principal = info.context.principal
    merchant = principal.user_id if principal is not None and principal.role is Role.MERCHANT else None
    return domain.CouponTerms(
        kind=given.kind, amount_off=given.amount_off, percent_off=given.percent_off, cap=given.cap,
        threshold=given.threshold, scope=given.scope, merchant_id=merchant,
        category_ids=_ids(given.category_ids, "Category", "terms.categoryIds"),
        product_ids=_ids(given.product_ids, "Product", "terms.productIds"),
    )


@strawberry.type
class CouponMutation:
    @strawberry.mutation(description="Operators: a platform coupon template. Merchants: one for your own products.")
    @payload_errors(CouponTemplatePayload)
    def create_coupon_template(self, info: Ctx, input: Annotated[CreateCouponTemplateInput, strawberry.argument(
            description="The template.")]) -> CouponTemplatePayload | None:
        validity = domain.Validity(_moment(input.valid_from, "validFrom"), _moment(input.valid_until, "validUntil"),
                                   input.valid_days)
        new = service.NewTemplate(
            title=input.title, terms=_terms(info, input.terms), validity=validity, total=input.total,
            per_user_limit=input.per_user_limit, public=input.public, new_customers_only=input.new_customers_only,
            claim_from=_moment(input.claim_from, "claimFrom"), claim_until=_moment(input.claim_until, "claimUntil"),
        )
        template = service.create_template(info.context.principal, new, utc_now())
        return CouponTemplatePayload(coupon_template=CouponTemplate(template=template))

    @strawberry.mutation(description="Its issuer: stop claims and grants now. Coupons already issued stay valid.")
    @payload_errors(CouponTemplatePayload)
    def end_coupon_template(self, info: Ctx, input: Annotated[EndCouponTemplateInput, strawberry.argument(
            description="The template.")]) -> CouponTemplatePayload | None:
        (template_id,) = from_global_id(input.id, "CouponTemplate", "templateId")
        template = service.end_template(info.context.principal, template_id, utc_now())
        return CouponTemplatePayload(coupon_template=CouponTemplate(template=template))

    @strawberry.mutation(description="Claim a coupon of a public template (领券): one transaction decides.")
    @payload_errors(ClaimCouponPayload)
    def claim_coupon(self, info: Ctx, input: Annotated[ClaimCouponInput, strawberry.argument(
            description="The template and your optional idempotency key.")]) -> ClaimCouponPayload | None:
        (template_id,) = from_global_id(input.template_id, "CouponTemplate", "templateId")
        coupon = service.claim(info.context.principal, template_id, input.idempotency_key, utc_now())
        return ClaimCouponPayload(coupon=Coupon(coupon=coupon))

    @strawberry.mutation(description="Operators: give one coupon of a template to each listed user (e.g. a "
                                     "compensation), with the reason. Counts against the template's total.")
    @payload_errors(GrantCouponsPayload)
    def grant_coupons(self, info: Ctx, input: Annotated[GrantCouponsInput, strawberry.argument(
            description="The template, the users and the reason.")]) -> GrantCouponsPayload | None:
        (template_id,) = from_global_id(input.template_id, "CouponTemplate", "templateId")
        users = [from_global_id(u, "User", "userIds")[0] for u in input.user_ids]
        granted = service.grant(info.context.principal, template_id, users, input.reason, utc_now())
        template = service.get_template(template_id)
        return GrantCouponsPayload(granted_count=len(granted.coupons),
                                   coupon_template=CouponTemplate(template=template) if template else None)
