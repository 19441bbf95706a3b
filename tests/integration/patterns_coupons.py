"""Access patterns of coupons, one function per row of docs/data-model.md;
test_access_patterns.py runs them. Helpers start with "_"."""
from __future__ import annotations

from datetime import timedelta

from chalicelib.core.table.transactions import Transaction
from chalicelib.coupons import service as _coupons
from chalicelib.coupons import store as _store
from chalicelib.coupons.rules import CouponStatus as _Status
from tests.coupons.support import ALICE as _ALICE
from tests.coupons.support import MERCHANT as _MERCHANT
from tests.coupons.support import NOW as _NOW
from tests.coupons.support import OPERATOR as _OPERATOR
from tests.coupons.support import merchant_terms as _merchant_terms
from tests.coupons.support import register as _register
from tests.coupons.support import template as _template


def claimable_coupon_templates_newest_first(emulator, category):
    ids = [_template(title=f"T{i}").id for i in range(3)]
    _template(public=False)
    emulator.clear_log()
    first = _store.claimable_templates(2, None)
    rest = _store.claimable_templates(2, first.end)
    assert [t.id for t in first.items + rest.items] == ids[::-1] and first.has_more and not rest.has_more
    assert emulator.dynamodb_operations() == ["Query", "Query"]


def an_issuer_s_coupon_templates_newest_first(emulator, category):
    own = [_template(_MERCHANT, terms=_merchant_terms()).id for _ in range(2)]
    _template()
    emulator.clear_log()
    assert [t.id for t in _store.issuer_templates(_MERCHANT.user_id, 10, None).items] == own[::-1]
    assert emulator.dynamodb_operations() == ["Query"]


def claim_a_coupon(emulator, category):
    t = _template()
    emulator.clear_log()
    _coupons.claim(_ALICE, t.id, None, _NOW)
    assert emulator.dynamodb_operations() == ["GetItem", "TransactWriteItems"]


def grant_coupons(emulator, category):
    users = [f"01J0000000000000000000G{n:03d}" for n in range(100)]
    for user_id in users:
        _register(type(_ALICE)(user_id, _ALICE.role))
    t = _template(public=False)
    emulator.clear_log()
    assert len(_coupons.grant(_OPERATOR, t.id, users, "outage", _NOW).coupons) == 100
    assert emulator.dynamodb_operations() == ["GetItem", "BatchGetItem"] + ["TransactWriteItems"] * 3


def _claimed(days: int):
    return _coupons.claim(_ALICE, _template(valid_days=days).id, None, _NOW)


def a_user_s_available_coupons_expiring_soonest_first(emulator, category):
    late, soon, _ = _claimed(30), _claimed(3), _claimed(1)
    emulator.clear_log()
    found = _store.usable_coupons(_ALICE.user_id, _NOW + timedelta(days=2))
    assert [c.id for c in found] == [soon.id, late.id]
    assert emulator.dynamodb_operations() == ["Query"]


def a_user_s_expired_coupons_latest_first(emulator, category):
    _claimed(30)
    first, second = _claimed(1), _claimed(2)
    emulator.clear_log()
    page = _store.expired_coupons(_ALICE.user_id, _NOW + timedelta(days=3), 10, None)
    assert [c.id for c in page.items] == [second.id, first.id]
    assert emulator.dynamodb_operations() == ["Query"]


def a_user_s_used_coupons_newest_first(emulator, category):
    coupons = [_claimed(30) for _ in range(2)]
    for n, coupon in enumerate(coupons):
        tx = Transaction()
        _store.add_use(tx, coupon, f"order-{n}", _NOW + timedelta(seconds=n))
        tx.commit()
    emulator.clear_log()
    page = _coupons.my_coupons(_ALICE, _Status.USED, _NOW, 10)
    assert [c.id for c in page.items] == [coupons[1].id, coupons[0].id]
    assert emulator.dynamodb_operations() == ["Query"]


def use_a_coupon_in_an_order(emulator, category):
    coupon = _claimed(30)
    emulator.clear_log()
    tx = Transaction()
    _store.add_use(tx, coupon, "order-1", _NOW)
    tx.commit()
    assert emulator.dynamodb_operations() == ["TransactWriteItems"]


def give_a_coupon_back(emulator, category):
    coupon = _claimed(30)
    tx = Transaction()
    _store.add_use(tx, coupon, "order-1", _NOW)
    tx.commit()
    emulator.clear_log()
    assert _store.return_coupon(coupon.id, _ALICE.user_id, "order-1", _NOW)
    assert emulator.dynamodb_operations() == ["GetItem", "UpdateItem"]


def coupons_of_a_page_of_redemptions(emulator, category):
    ids = [_claimed(30).id for _ in range(3)]
    emulator.clear_log()
    assert set(_store.coupons_by_id(ids)) == set(ids)
    assert emulator.dynamodb_operations() == ["BatchGetItem"]
