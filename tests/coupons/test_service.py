"""Coupon templates, claims, grants, issuing, listings and checkout's writes, against the emulator.
Every refusal changes nothing."""
from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib.core.errors import DomainError, ErrorCode
from chalicelib.core.ids import new_id
from chalicelib.core.table.transactions import Transaction
from chalicelib.coupons import service as coupons
from chalicelib.coupons import store
from chalicelib.coupons.published.checkout import add_use, return_coupon, usable_coupons
from chalicelib.coupons.published.issuing import add_issue, issue_coupon
from chalicelib.coupons.rules import CouponState, CouponStatus, CouponTerms, DiscountKind, ScopeKind
from chalicelib.purchases.service import on_order_paid
from tests.coupons.support import (
    ALICE,
    BOB,
    MERCHANT,
    NOW,
    OPERATOR,
    TEN_OFF_99,
    merchant_terms,
    register,
    template,
)


def _refused(code: ErrorCode, field: str, call):
    with pytest.raises(DomainError) as raised:
        call()
    assert (raised.value.code, ".".join(raised.value.field or ())) == (code, field), raised.value.message
    return raised.value


def test_operators_make_platform_templates_and_merchants_their_own():
    platform = template()
    assert platform.terms.merchant_id is None and platform.left == 1000 and platform.active
    own = template(MERCHANT, terms=merchant_terms())
    assert own.terms.merchant_id == MERCHANT.user_id
    _refused(ErrorCode.INVALID, "terms.merchantId", lambda: template(MERCHANT))  # a platform coupon
    _refused(ErrorCode.INVALID, "terms.merchantId", lambda: template(OPERATOR, terms=merchant_terms()))
    _refused(ErrorCode.FORBIDDEN, "", lambda: template(ALICE))
    _refused(ErrorCode.INVALID, "validDays", lambda: template(valid_days=400))
    _refused(ErrorCode.REQUIRED, "title", lambda: template(title="  "))
    _refused(ErrorCode.NOT_FOUND, "terms.productIds", lambda: template(MERCHANT, terms=merchant_terms(
        scope=ScopeKind.PRODUCTS, product_ids=frozenset({new_id()}))))
    assert [t.id for t in store.issuer_templates(None, 10, None).items] == [platform.id]
    assert [t.id for t in coupons.issuer_templates(MERCHANT, "ignored", 10).items] == [own.id]


def test_a_claim_issues_a_coupon_valid_for_its_days_and_counts_it():
    t = template(valid_days=30)
    coupon = coupons.claim(ALICE, t.id, None, NOW)
    assert (coupon.user_id, coupon.template_id, coupon.state, coupon.source) == (
        ALICE.user_id, t.id, CouponState.AVAILABLE, "claim")
    assert (coupon.valid_from, coupon.valid_until) == (NOW, NOW + timedelta(days=30))
    assert store.get_coupon(coupon.id, consistent=True) == coupon
    after = store.get_template(t.id, consistent=True)
    assert (after.issued, after.left) == (1, 999)


def test_claim_refusals_change_nothing():
    limited = template(per_user_limit=1)
    coupons.claim(ALICE, limited.id, None, NOW)
    _refused(ErrorCode.LIMIT_REACHED, "templateId", lambda: coupons.claim(ALICE, limited.id, None, NOW))
    grant_only = template(public=False)
    _refused(ErrorCode.FORBIDDEN, "templateId", lambda: coupons.claim(ALICE, grant_only.id, None, NOW))
    ended = template()
    coupons.end_template(OPERATOR, ended.id, NOW)
    _refused(ErrorCode.COUPONS_GONE, "templateId", lambda: coupons.claim(ALICE, ended.id, None, NOW))
    one = template(total=1)
    coupons.claim(BOB, one.id, None, NOW)
    _refused(ErrorCode.COUPONS_GONE, "templateId", lambda: coupons.claim(ALICE, one.id, None, NOW))
    later = template(claim_from=NOW + timedelta(hours=1))
    _refused(ErrorCode.COUPONS_GONE, "templateId", lambda: coupons.claim(ALICE, later.id, None, NOW))
    _refused(ErrorCode.COUPONS_GONE, "templateId", lambda: coupons.claim(ALICE, new_id(), None, NOW))
    _refused(ErrorCode.UNAUTHENTICATED, "", lambda: coupons.claim(None, limited.id, None, NOW))
    assert [c.template_id for c in usable_coupons(ALICE.user_id, NOW)] == [limited.id]
    assert store.get_template(limited.id, consistent=True).issued == 1
    assert store.get_template(ended.id, consistent=True).issued == 0


def test_a_template_ended_while_claiming_is_explained_by_the_transaction():
    t = template()
    store.end_template(t, NOW)  # after the service's read: the transaction's condition refuses
    _refused(ErrorCode.COUPONS_GONE, "templateId", lambda: store.claim(
        t, coupons.rules.new_coupon(new_id(), ALICE.user_id, t, "claim", NOW), None, NOW))


def test_new_customers_only_refuses_a_customer_with_a_paid_order():
    t = template(new_customers_only=True)
    on_order_paid(BOB.user_id, new_id(), new_id(), NOW, 990)
    _refused(ErrorCode.NEW_CUSTOMERS_ONLY, "templateId", lambda: coupons.claim(BOB, t.id, None, NOW))
    assert coupons.claim(ALICE, t.id, None, NOW).template_id == t.id


def test_a_claim_with_a_key_applies_once():
    t = template(per_user_limit=5)
    first = coupons.claim(ALICE, t.id, "claim-key-0001", NOW)
    again = coupons.claim(ALICE, t.id, "claim-key-0001", NOW)
    assert again.id == first.id
    assert store.get_template(t.id, consistent=True).issued == 1
    _refused(ErrorCode.IDEMPOTENCY_KEY_REUSED, "idempotencyKey",
             lambda: coupons.claim(ALICE, template().id, "claim-key-0001", NOW))


def test_operators_grant_with_a_reason_counted_against_the_total_and_refused_whole_past_it():
    for user in (ALICE, BOB):
        register(user)
    t = template(public=False, total=3)
    granted = coupons.grant(OPERATOR, t.id, [ALICE.user_id, BOB.user_id], "sorry for the late delivery", NOW)
    assert {c.user_id for c in granted.coupons} == {ALICE.user_id, BOB.user_id}
    assert all(c.source == f"grant:{granted.grant_id}" for c in granted.coupons)
    (record,) = store.grants_of(t.id)
    assert (record.operator_id, record.reason, record.user_ids) == (
        OPERATOR.user_id, "sorry for the late delivery", {ALICE.user_id, BOB.user_id})
    _refused(ErrorCode.COUPONS_GONE, "userIds",
             lambda: coupons.grant(OPERATOR, t.id, [ALICE.user_id, BOB.user_id], "again", NOW))
    _refused(ErrorCode.REQUIRED, "reason", lambda: coupons.grant(OPERATOR, t.id, [ALICE.user_id], " ", NOW))
    _refused(ErrorCode.INVALID, "userIds",
             lambda: coupons.grant(OPERATOR, t.id, [ALICE.user_id, ALICE.user_id], "twice", NOW))
    _refused(ErrorCode.NOT_FOUND, "userIds", lambda: coupons.grant(OPERATOR, t.id, [new_id()], "nobody", NOW))
    _refused(ErrorCode.FORBIDDEN, "", lambda: coupons.grant(MERCHANT, t.id, [ALICE.user_id], "x", NOW))
    assert store.get_template(t.id, consistent=True).issued == 2


def test_a_grant_of_more_than_one_transaction_writes_every_part():
    users = [f"01J0000000000000000000G{n:03d}" for n in range(60)]
    for user_id in users:
        register(type(ALICE)(user_id, ALICE.role))
    t = template(public=False, total=100)
    granted = coupons.grant(OPERATOR, t.id, users, "outage", NOW)
    assert len(granted.coupons) == 60 and len(store.grants_of(t.id)) == 2
    assert store.get_template(t.id, consistent=True).issued == 60


def test_issue_coupon_and_add_issue_for_other_features():
    t = template(public=False, total=1)
    coupon = issue_coupon(ALICE.user_id, t.id, "referral:abc", NOW)
    assert (coupon.source, coupon.template_id) == ("referral:abc", t.id)
    _refused(ErrorCode.COUPONS_GONE, "templateId", lambda: issue_coupon(BOB.user_id, t.id, "referral:x", NOW))
    tx = Transaction()
    issued = add_issue(tx, BOB.user_id, TEN_OFF_99, "¥10 off", NOW, NOW + timedelta(days=30), "mall:r1")
    tx.commit()
    assert store.get_coupon(issued.id, consistent=True) == issued


def test_me_coupons_by_status_available_soonest_expiry_first():
    soon, late, gone = (template(valid_days=d, per_user_limit=1) for d in (3, 30, 1))
    ids = {d: coupons.claim(ALICE, t.id, None, NOW).id for d, t in ((3, soon), (30, late), (1, gone))}
    later = NOW + timedelta(days=2)
    available = coupons.my_coupons(ALICE, CouponStatus.AVAILABLE, later, 10)
    assert [c.id for c in available.items] == [ids[3], ids[30]] and available.after is None
    first = coupons.my_coupons(ALICE, CouponStatus.AVAILABLE, later, 1)
    rest = coupons.my_coupons(ALICE, CouponStatus.AVAILABLE, later, 1, first.positions[0])
    assert [c.id for c in first.items + rest.items] == [ids[3], ids[30]] and first.has_more and not rest.has_more
    assert [c.id for c in coupons.my_coupons(ALICE, CouponStatus.EXPIRED, later, 10).items] == [ids[1]]
    tx = Transaction()
    add_use(tx, store.get_coupon(ids[30]), "order-1", later)
    tx.commit()
    assert [c.id for c in coupons.my_coupons(ALICE, CouponStatus.USED, later, 10).items] == [ids[30]]
    assert [c.id for c in coupons.my_coupons(BOB, CouponStatus.AVAILABLE, later, 10).items] == []


def test_add_use_refuses_a_used_expired_or_foreign_coupon_and_return_gives_it_back_once():
    coupon = coupons.claim(ALICE, template(valid_days=3).id, None, NOW)
    tx = Transaction()
    add_use(tx, coupon, "order-1", NOW)
    tx.commit()
    for attempt in (coupon, coupon.__class__(**{**coupon.__dict__, "user_id": BOB.user_id})):
        tx = Transaction()
        add_use(tx, attempt, "order-2", NOW)
        _refused(ErrorCode.COUPON_UNAVAILABLE, "couponIds", tx.commit)
    assert return_coupon(coupon.id, ALICE.user_id, "order-2", NOW) is False  # another order's use: untouched
    assert return_coupon(coupon.id, ALICE.user_id, "order-1", NOW) is True
    assert return_coupon(coupon.id, ALICE.user_id, "order-1", NOW) is False
    assert [c.id for c in usable_coupons(ALICE.user_id, NOW)] == [coupon.id]
    expired = NOW + timedelta(days=3)
    tx = Transaction()
    add_use(tx, store.get_coupon(coupon.id, consistent=True), "order-3", expired)
    _refused(ErrorCode.COUPON_UNAVAILABLE, "couponIds", tx.commit)
    tx = Transaction()
    add_use(tx, store.get_coupon(coupon.id, consistent=True), "order-3", NOW)
    tx.commit()
    assert return_coupon(coupon.id, ALICE.user_id, "order-3", expired) is False  # not valid any more: stays used
    assert store.get_coupon(coupon.id, consistent=True).state is CouponState.USED


def test_claimable_for_a_product_keeps_the_templates_whose_scope_covers_it():
    from chalicelib.catalog import service as catalog

    category = catalog.create_category(OPERATOR, "Fruit", None)
    record = catalog.create_product(MERCHANT, catalog.NewProduct(
        category_id=category.id, name="Mango", skus=(catalog.SkuInput(code="M1", price=2990, stock=5),)), NOW)
    product = record.product.id
    platform = template()
    merchant_wide = template(MERCHANT, terms=merchant_terms())
    this_product = template(MERCHANT, terms=merchant_terms(scope=ScopeKind.PRODUCTS, product_ids=frozenset({product})))
    template(terms=CouponTerms(DiscountKind.AMOUNT_OFF, amount_off=100, scope=ScopeKind.CATEGORIES,
                               category_ids=frozenset({"another"})))
    template(public=False)
    ended = template()
    coupons.end_template(OPERATOR, ended.id, NOW)
    found = coupons.claimable_for_product(product, NOW)
    assert {t.id for t in found} == {platform.id, merchant_wide.id, this_product.id}
    assert coupons.claimable_for_product(new_id(), NOW) == []


def test_only_the_issuer_ends_a_template_and_claimed_coupons_stay_valid():
    own = template(MERCHANT, terms=merchant_terms())
    coupon = coupons.claim(ALICE, own.id, None, NOW)
    other = coupons.rules.CouponTemplate  # noqa: F841 - readability
    _refused(ErrorCode.NOT_FOUND, "templateId", lambda: coupons.end_template(
        type(MERCHANT)("01J0000000000000000000MRC2", MERCHANT.role), own.id, NOW))
    ended = coupons.end_template(MERCHANT, own.id, NOW)
    assert not ended.active and ended.ended_at == NOW
    assert [c.id for c in usable_coupons(ALICE.user_id, NOW)] == [coupon.id]
    assert [t.id for t in coupons.claimable_templates(10).items] == []


def test_a_points_mall_coupon_redemption_issues_a_real_platform_coupon_in_its_transaction():
    from chalicelib.mall import service as mall
    from chalicelib.mall.rules import CouponTerms as MallCouponTerms
    from chalicelib.mall.rules import MallItemKind
    from chalicelib.points import store as points_store

    assert points_store.adjust(ALICE.user_id, "adjust:fund", 1000, "test", OPERATOR.user_id, NOW)
    item = mall.create_item(OPERATOR, mall.NewMallItem(
        kind=MallItemKind.COUPON, title="¥10 off ¥99", points_price=200, stock=5, active=True,
        coupon=MallCouponTerms(value=1000, min_order=9900, valid_days=30)), NOW)
    redemption = mall.redeem(ALICE, item.id, "mall-key-0001", NOW).redemption
    coupon = store.get_coupon(redemption.coupon_id, consistent=True)
    assert (coupon.user_id, coupon.terms, coupon.source) == (ALICE.user_id, TEN_OFF_99, f"mall:{redemption.id}")
    assert (coupon.valid_from, coupon.valid_until) == (NOW, redemption.coupon_expires_at)
    assert [c.id for c in usable_coupons(ALICE.user_id, NOW)] == [coupon.id]
    replay = mall.redeem(ALICE, item.id, "mall-key-0001", NOW)
    assert replay.replayed and replay.redemption.coupon_id == coupon.id
    assert len(usable_coupons(ALICE.user_id, NOW)) == 1  # a replay issues nothing more
