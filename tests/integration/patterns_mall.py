"""Access patterns of the points mall (积分商城), one function per row of
docs/data-model.md; test_access_patterns.py runs them. Helpers start with "_"."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chalicelib.core.ids import new_id
from chalicelib.core.principal import Principal, Role
from chalicelib.mall import rules as mall_rules
from chalicelib.mall import service as mall
from chalicelib.mall import store as mall_store
from chalicelib.points import account_reads
from chalicelib.points import store as points_store
from tests.factories import pair

_NOW = datetime(2025, 6, 1, 4, 0, tzinfo=UTC)
_OPERATOR = Principal("01J0000000000000000000OPER", Role.OPERATOR)
_ALICE = Principal("01J00000000000000000ALICE0", Role.CUSTOMER)


def _coupon(title: str = "¥10 off", active: bool = True, stock: int = 10) -> mall_rules.MallItem:
    return mall.create_item(_OPERATOR, mall.NewMallItem(
        kind=mall_rules.MallItemKind.COUPON, title=title, points_price=100, stock=stock, active=active,
        per_user_limit=5,
        coupon=mall_rules.CouponTerms(value=1000, min_order=9900, valid_days=30)), _NOW)


def _funded(points: int = 1000) -> None:
    assert points_store.adjust(_ALICE.user_id, "adjust:fund", points, "test", _OPERATOR.user_id, _NOW)


def active_mall_items_newest_first(emulator, category):
    ids = [_coupon(f"C{i}").id for i in range(3)]
    _coupon("hidden", active=False)
    emulator.clear_log()
    first, more = pair(mall_store.active_items(2, None))
    rest, last = pair(mall_store.active_items(2, first[-1].id))
    assert [i.id for i in first + rest] == ids[::-1]
    assert more and not last
    assert emulator.dynamodb_operations() == ["Query", "Query"]


def a_user_s_mall_redemptions_newest_first(emulator, category):
    _funded()
    item = _coupon()
    ids = [mall.redeem(_ALICE, item.id, f"key-{i:04d}", _NOW + timedelta(seconds=i)).redemption.id
           for i in range(3)]
    emulator.clear_log()
    found, more = pair(mall_store.user_redemptions(_ALICE.user_id, 10, None))
    assert [r.id for r in found] == ids[::-1] and not more
    assert emulator.dynamodb_operations() == ["Query"]


def mall_items_of_a_page_of_redemptions(emulator, category):
    items = [_coupon(f"C{i}") for i in range(3)]
    emulator.clear_log()
    found = mall_store.items_by_id([i.id for i in items] + [new_id()])
    assert set(found) == {i.id for i in items}
    assert emulator.dynamodb_operations() == ["BatchGetItem"]


def redeem_a_mall_item(emulator, category):
    _funded()
    item = _coupon(stock=1)
    emulator.clear_log()
    outcome = mall.redeem(_ALICE, item.id, "key-redeem-1", _NOW)
    # the item (consistent), the points source guard, the lots (oldest first), then ONE transaction
    assert emulator.dynamodb_operations() == ["GetItem", "GetItem", "Query", "TransactWriteItems"]
    assert not outcome.replayed and mall_store.get_item(item.id, consistent=True).item.stock == 0
    assert account_reads.get_account(_ALICE.user_id).available == 900


def edit_a_mall_item(emulator, category):
    item = _coupon()
    emulator.clear_log()
    hidden = mall.set_active(_OPERATOR, item.id, False, _NOW)
    assert emulator.dynamodb_operations() == ["GetItem", "UpdateItem"]
    assert not hidden.active and pair(mall_store.active_items(10, None)) == ([], False)
