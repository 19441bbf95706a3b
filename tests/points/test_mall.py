"""The points mall (积分商城) against the emulator: items, redemptions, refusals that
change nothing, idempotent replays and races for the last units.

The races mean something only because the emulator applies each DynamoDB request
atomically (devstack/emulator.py): the transaction's conditions decide who wins.
"""
from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.catalog import service as catalog
from chalicelib.core.errors import DomainError, ErrorCode
from chalicelib.core.idempotency import idempotent_request
from chalicelib.core.ids import new_id
from chalicelib.core.principal import Principal, Role
from chalicelib.mall import service as svc
from chalicelib.mall import store as mall_store
from chalicelib.mall.rules import (
    CouponTerms,
    MallItemChanges,
    MallItemKind,
    RedemptionState,
    is_coupon_code,
    new_redemption,
)
from chalicelib.points import account_reads
from chalicelib.points import store as points_store
from chalicelib.points.rules import EntryKind
from tests.conftest import fresh_table
from tests.factories import pair

NOW = datetime(2025, 6, 1, 4, 0, tzinfo=UTC)
OPERATOR = Principal("01J0000000000000000000OPER", Role.OPERATOR)
MERCHANT = Principal("01J0000000000000000000MRCH", Role.MERCHANT)
ALICE = Principal("01J00000000000000000ALICE0", Role.CUSTOMER)
BOB = Principal("01J000000000000000000BOB00", Role.CUSTOMER)


def _customer(n: int) -> Principal:
    return Principal(f"01J00000000000000000CUST{n:02d}", Role.CUSTOMER)


def _fund(user: Principal, points: int = 1000) -> None:
    assert points_store.adjust(user.user_id, "adjust:fund", points, "test", OPERATOR.user_id, NOW)


def _coupon(**overrides) -> svc.NewMallItem:
    fields = dict(kind=MallItemKind.COUPON, title="¥10 off orders over ¥99", points_price=200, stock=10,
                  description="满99减10", coupon=CouponTerms(value=1000, min_order=9900, valid_days=30), active=True)
    return svc.NewMallItem(**{**fields, **overrides})


def _sku() -> tuple[str, str]:
    category = catalog.create_category(OPERATOR, "Fruit", None)
    record = catalog.create_product(MERCHANT, catalog.NewProduct(
        category_id=category.id, name="Mango", skus=(catalog.SkuInput(code="M1", price=2990, stock=5),),
    ), NOW)
    return record.product.id, record.skus[0].id


def _product_item(**overrides) -> svc.NewMallItem:
    product_id, sku_id = overrides.pop("sku", None) or _sku()
    fields = dict(kind=MallItemKind.PRODUCT, title="A box of mangoes", points_price=500, stock=5, active=True,
                  product_id=product_id, sku_id=sku_id, image_url="https://img.example.com/mango.jpg")
    return svc.NewMallItem(**{**fields, **overrides})


def _key() -> str:
    return f"key-{new_id()}"


@dataclass(frozen=True)
class Snapshot:
    available: int
    spent: int
    entries: int
    stock: int
    redeemed: int
    counter: int
    redemptions: int


def _snapshot(user: Principal, item_id: str) -> Snapshot:
    account = account_reads.get_account(user.user_id)
    stored = mall_store.get_item(item_id, consistent=True)
    return Snapshot(
        account.available, account.spent, len(account_reads.all_entries(user.user_id)),
        stored.item.stock if stored else -1, stored.item.redeemed if stored else -1,
        mall_store.redeemed_by(item_id, user.user_id),
        len(svc.my_redemptions(user, 100).items),
    )


def _refused(code: ErrorCode, field: str | None, call, *args, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call(*args, **kwargs)
    assert caught.value.code is code, (caught.value.code, caught.value.message)
    if field is not None:
        assert caught.value.field == tuple(field.split("."))
    return caught.value


# ---------------------------------------------------------------- items
def test_an_operator_creates_items_and_only_active_ones_are_listed_newest_first():
    first = svc.create_item(OPERATOR, _coupon(title="First"), NOW)
    hidden = svc.create_item(OPERATOR, _coupon(title="Hidden", active=False), NOW)
    product = svc.create_item(OPERATOR, _product_item(), NOW)
    items, more = pair(svc.active_items(10))
    assert [i.id for i in items] == [product.id, first.id] and not more
    assert items[0].kind is MallItemKind.PRODUCT and items[0].sku_id == product.sku_id
    assert items[1].coupon == CouponTerms(1000, 9900, 30) and items[1].title == "First"
    page, more = pair(svc.active_items(1))
    rest, last = pair(svc.active_items(1, page[-1].id))
    assert [i.id for i in page + rest] == [product.id, first.id] and more and not last
    assert svc.visible_item(ALICE, hidden.id) is None
    assert svc.visible_item(OPERATOR, hidden.id) == hidden
    _refused(ErrorCode.PAGE_SIZE_EXCEEDED, "first", svc.active_items, 101)
    _refused(ErrorCode.INVALID_CURSOR, "after", svc.active_items, 10, "not-an-id")


@pytest.mark.parametrize("principal, code", [(ALICE, ErrorCode.FORBIDDEN), (MERCHANT, ErrorCode.FORBIDDEN),
                                             (None, ErrorCode.UNAUTHENTICATED)])
def test_only_operators_create_or_change_items(principal, code):
    item = svc.create_item(OPERATOR, _coupon(), NOW)
    _refused(code, None, svc.create_item, principal, _coupon(), NOW)
    _refused(code, None, svc.update_item, principal, item.id, MallItemChanges(title="Mine now"), NOW)
    _refused(code, None, svc.set_active, principal, item.id, False, NOW)
    assert svc.get_item(item.id) == item
    assert [i.id for i in svc.active_items(10).items] == [item.id]


@pytest.mark.parametrize("overrides, code, field", [
    (dict(title="x" * 61), ErrorCode.INVALID, "title"),
    (dict(title="   "), ErrorCode.REQUIRED, "title"),
    (dict(description="x" * 2001), ErrorCode.INVALID, "description"),
    (dict(image_url="http://img.example.com/a.jpg"), ErrorCode.INVALID, "imageUrl"),
    (dict(points_price=0), ErrorCode.INVALID, "pointsPrice"),
    (dict(points_price=1.5), ErrorCode.INVALID, "pointsPrice"),
    (dict(points_price=True), ErrorCode.INVALID, "pointsPrice"),
    (dict(stock=-1), ErrorCode.INVALID, "stock"),
    (dict(per_user_limit=0), ErrorCode.INVALID, "perUserLimit"),
    (dict(coupon=None), ErrorCode.REQUIRED, "coupon"),
    (dict(coupon=CouponTerms(0, 0, 30)), ErrorCode.INVALID, "coupon.value"),
    (dict(coupon=CouponTerms(500, -1, 30)), ErrorCode.INVALID, "coupon.minOrder"),
    (dict(coupon=CouponTerms(500, 0, 0)), ErrorCode.INVALID, "coupon.validDays"),
    (dict(coupon=CouponTerms(1000, 1000, 30)), ErrorCode.INVALID, "coupon.value"),
    (dict(product_id="01J0000000000000000000PROD", sku_id="01J00000000000000000000SKU"), ErrorCode.INVALID, "skuId"),
])
def test_a_coupon_item_is_validated_field_by_field(overrides, code, field):
    _refused(code, field, svc.create_item, OPERATOR, _coupon(**overrides), NOW)
    assert pair(svc.active_items(10)) == ([], False)


def test_a_product_item_needs_a_catalog_sku_and_no_coupon_terms():
    product_id, sku_id = _sku()
    _refused(ErrorCode.REQUIRED, "skuId", svc.create_item, OPERATOR,
             _product_item(sku=(product_id, sku_id), product_id=None, sku_id=None), NOW)
    _refused(ErrorCode.INVALID, "coupon", svc.create_item, OPERATOR,
             _product_item(sku=(product_id, sku_id), coupon=CouponTerms(100)), NOW)
    _refused(ErrorCode.NOT_FOUND, "skuId", svc.create_item, OPERATOR,
             _product_item(sku=(product_id, "01J0000000000000000000NOPE")), NOW)
    assert pair(svc.active_items(10)) == ([], False)


def test_an_edit_changes_the_fields_given_and_deactivating_hides_the_item():
    item = svc.create_item(OPERATOR, _coupon(), NOW)
    later = NOW + timedelta(hours=1)
    edited = svc.update_item(OPERATOR, item.id, MallItemChanges(title=" ¥15 off ", points_price=300, stock=4,
                                                                coupon_value=1500), later)
    assert (edited.title, edited.points_price, edited.stock, edited.coupon) == ("¥15 off", 300, 4,
                                                                                CouponTerms(1500, 9900, 30))
    assert svc.get_item(item.id) == edited and edited.updated_at == later
    _refused(ErrorCode.INVALID, "coupon.value", svc.update_item, OPERATOR, item.id,
             MallItemChanges(coupon_value=9900), later)
    _refused(ErrorCode.INVALID, "skuId", svc.update_item, OPERATOR, item.id,
             MallItemChanges(product_id="01J0000000000000000000PROD", sku_id="01J00000000000000000000SKU"), later)
    _refused(ErrorCode.NOT_FOUND, "id", svc.update_item, OPERATOR, new_id(), MallItemChanges(title="x"), later)
    assert not svc.set_active(OPERATOR, item.id, False, later).active
    assert pair(svc.active_items(10)) == ([], False)
    assert svc.set_active(OPERATOR, item.id, True, later).active
    assert [i.id for i in svc.active_items(10).items] == [item.id]


def test_an_edit_from_a_stale_read_conflicts_but_a_redemption_does_not():
    _fund(ALICE)
    item = svc.create_item(OPERATOR, _coupon(), NOW)
    stale = mall_store.get_item(item.id, consistent=True)
    svc.redeem(ALICE, item.id, _key(), NOW)  # stock 10 -> 9, version unchanged
    assert mall_store.update_item(stale, replace(stale.item, title="T2"))
    assert svc.get_item(item.id).stock == 9  # the title edit left the stock alone
    assert not mall_store.update_item(stale, stale.item)  # the version moved: refused
    # An edit of the stock after a redemption moved it applies to what is there now.
    assert svc.update_item(OPERATOR, item.id, MallItemChanges(stock=20), NOW).stock == 20
    assert svc.get_item(item.id).stock == 20


def _between_read_and_write(monkeypatch, meanwhile) -> None:
    """Run ``meanwhile`` once, after the service read the item and before it writes."""
    write = mall_store.update_item
    pending = [meanwhile]

    def racing(before, after):
        while pending:
            pending.pop()()
        return write(before, after)

    monkeypatch.setattr(mall_store, "update_item", racing)


def test_setting_the_stock_while_a_redemption_lands_sets_it_after_the_redemption(monkeypatch):
    _fund(ALICE)
    item = svc.create_item(OPERATOR, _coupon(), NOW)
    _between_read_and_write(monkeypatch, lambda: svc.redeem(ALICE, item.id, _key(), NOW))
    assert svc.update_item(OPERATOR, item.id, MallItemChanges(stock=20), NOW).stock == 20
    stored = svc.get_item(item.id)
    assert (stored.stock, stored.redeemed) == (20, 1)


def test_two_operators_editing_at_once_the_second_is_told_to_read_again(monkeypatch):
    item = svc.create_item(OPERATOR, _coupon(), NOW)
    _between_read_and_write(monkeypatch, lambda: svc.update_item(OPERATOR, item.id, MallItemChanges(title="A"), NOW))
    _refused(ErrorCode.CONFLICT, "id", svc.update_item, OPERATOR, item.id, MallItemChanges(title="B"), NOW)
    assert svc.get_item(item.id).title == "A"


# ---------------------------------------------------------------- redeeming
def test_redeeming_a_coupon_takes_the_points_with_a_readable_ledger_entry():
    _fund(ALICE)
    item = svc.create_item(OPERATOR, _coupon(), NOW)
    outcome = svc.redeem(ALICE, item.id, _key(), NOW)
    redemption = outcome.redemption
    assert not outcome.replayed
    assert (redemption.kind, redemption.state, redemption.points, redemption.title) == (
        MallItemKind.COUPON, RedemptionState.ISSUED, 200, "¥10 off orders over ¥99")
    assert is_coupon_code(redemption.coupon_code) and redemption.coupon == CouponTerms(1000, 9900, 30)
    assert redemption.coupon_expires_at == NOW + timedelta(days=30)
    account = account_reads.get_account(ALICE.user_id)
    assert (account.available, account.spent) == (800, 200)
    entry = account_reads.ledger_page(ALICE.user_id, 1).items[0]
    assert (entry.kind, entry.amount, entry.source, entry.reason) == (
        EntryKind.REDEEM, -200, f"mall:{redemption.id}", "¥10 off orders over ¥99")
    assert _snapshot(ALICE, item.id) == Snapshot(800, 200, 2, 9, 1, 1, 1)
    listed, more = pair(svc.my_redemptions(ALICE, 10))
    assert listed == [redemption] and not more
    assert svc.get_redemption(ALICE, redemption.id) == redemption
    assert svc.get_redemption(BOB, redemption.id) is None  # someone else's does not exist
    assert pair(svc.my_redemptions(BOB, 10)) == ([], False)


def test_redeeming_a_product_leaves_it_to_ship_and_lists_newest_first():
    _fund(ALICE, 2000)
    product = svc.create_item(OPERATOR, _product_item(per_user_limit=2), NOW)
    coupon = svc.create_item(OPERATOR, _coupon(), NOW)
    first = svc.redeem(ALICE, product.id, _key(), NOW).redemption
    second = svc.redeem(ALICE, coupon.id, _key(), NOW + timedelta(seconds=1)).redemption
    assert (first.state, first.product_id, first.sku_id, first.coupon_code) == (
        RedemptionState.TO_SHIP, product.product_id, product.sku_id, None)
    assert account_reads.get_account(ALICE.user_id).available == 2000 - 500 - 200
    assert svc.get_item(product.id).stock == 4
    page, more = pair(svc.my_redemptions(ALICE, 1))
    rest, last = pair(svc.my_redemptions(ALICE, 1, page[-1].id))
    assert [r.id for r in page + rest] == [second.id, first.id] and more and not last


def test_not_enough_points_changes_nothing():
    _fund(ALICE, 199)
    item = svc.create_item(OPERATOR, _coupon(), NOW)
    before = _snapshot(ALICE, item.id)
    _refused(ErrorCode.NOT_ENOUGH_POINTS, None, svc.redeem, ALICE, item.id, _key(), NOW)
    _refused(ErrorCode.NOT_ENOUGH_POINTS, None, svc.redeem, BOB, item.id, _key(), NOW)  # never had any
    assert _snapshot(ALICE, item.id) == before == Snapshot(199, 0, 1, 10, 0, 0, 0)


@pytest.mark.parametrize("case", ["inactive", "sold out", "unknown", "not an id"])
def test_an_item_that_is_gone_changes_nothing(case):
    _fund(ALICE)
    item = svc.create_item(OPERATOR, _coupon(stock=0 if case == "sold out" else 10,
                                             active=case != "inactive"), NOW)
    item_id = {"unknown": new_id(), "not an id": "nope"}.get(case, item.id)
    before = _snapshot(ALICE, item.id)
    _refused(ErrorCode.MALL_ITEM_GONE, "itemId", svc.redeem, ALICE, item_id, _key(), NOW)
    assert _snapshot(ALICE, item.id) == before


def test_an_item_deactivated_between_the_read_and_the_write_changes_nothing():
    _fund(ALICE)
    item = svc.create_item(OPERATOR, _coupon(), NOW)
    svc.set_active(OPERATOR, item.id, False, NOW)
    before = _snapshot(ALICE, item.id)
    request = idempotent_request(ALICE.user_id, svc.REDEEM_OPERATION, _key(), item.id)
    _refused(ErrorCode.MALL_ITEM_GONE, "itemId", mall_store.redeem, item,
             new_redemption(item, ALICE.user_id, new_id(), NOW), request, NOW)
    assert _snapshot(ALICE, item.id) == before


def test_a_price_changed_between_the_read_and_the_write_changes_nothing():
    _fund(ALICE)
    item = svc.create_item(OPERATOR, _coupon(), NOW)
    svc.update_item(OPERATOR, item.id, MallItemChanges(points_price=250), NOW)
    before = _snapshot(ALICE, item.id)
    request = idempotent_request(ALICE.user_id, svc.REDEEM_OPERATION, _key(), item.id)
    _refused(ErrorCode.CONFLICT, "itemId", mall_store.redeem, item,
             new_redemption(item, ALICE.user_id, new_id(), NOW), request, NOW)
    assert _snapshot(ALICE, item.id) == before


def test_the_per_user_limit_refuses_the_next_redemption_and_changes_nothing():
    _fund(ALICE)
    item = svc.create_item(OPERATOR, _coupon(per_user_limit=2), NOW)
    svc.redeem(ALICE, item.id, _key(), NOW)
    svc.redeem(ALICE, item.id, _key(), NOW)
    before = _snapshot(ALICE, item.id)
    assert before == Snapshot(600, 400, 3, 8, 2, 2, 2)
    _refused(ErrorCode.LIMIT_REACHED, "itemId", svc.redeem, ALICE, item.id, _key(), NOW)
    assert _snapshot(ALICE, item.id) == before
    _fund(BOB)
    assert not svc.redeem(BOB, item.id, _key(), NOW).replayed  # the limit is per person


def test_the_same_key_answers_with_the_first_redemption_and_takes_nothing_more():
    _fund(ALICE, 250)
    item = svc.create_item(OPERATOR, _coupon(stock=1), NOW)
    other = svc.create_item(OPERATOR, _coupon(title="Other"), NOW)
    key = _key()
    first = svc.redeem(ALICE, item.id, key, NOW)
    after_first = _snapshot(ALICE, item.id)
    # Sold out and only 50 points left: a retry still answers with what the key made.
    again = svc.redeem(ALICE, item.id, key, NOW + timedelta(seconds=5))
    assert again.replayed and again.redemption == first.redemption
    assert _snapshot(ALICE, item.id) == after_first == Snapshot(50, 200, 2, 0, 1, 1, 1)
    # The key claimed in the same transaction catches a replay that passed the read.
    request = idempotent_request(ALICE.user_id, svc.REDEEM_OPERATION, key, item.id)
    stale = replace(svc.get_item(item.id), stock=1)
    replay = mall_store.redeem(stale, new_redemption(stale, ALICE.user_id, new_id(), NOW), request, NOW)
    assert replay.replayed and replay.redemption == first.redemption
    _refused(ErrorCode.IDEMPOTENCY_KEY_REUSED, "idempotencyKey", svc.redeem, ALICE, other.id, key, NOW)
    _refused(ErrorCode.INVALID, "idempotencyKey", svc.redeem, ALICE, other.id, "short", NOW)
    assert _snapshot(ALICE, item.id) == after_first
    # The key is the caller's: the same key from someone else is their own request.
    _fund(BOB)
    assert _refused(ErrorCode.MALL_ITEM_GONE, "itemId", svc.redeem, BOB, item.id, key, NOW)


def test_signing_in_is_needed_to_redeem_or_list_redemptions():
    item = svc.create_item(OPERATOR, _coupon(), NOW)
    _refused(ErrorCode.UNAUTHENTICATED, None, svc.redeem, None, item.id, _key(), NOW)
    _refused(ErrorCode.UNAUTHENTICATED, None, svc.my_redemptions, None, 10)


# ---------------------------------------------------------------- races
def _run(threads: int, work) -> tuple[Counter[str], list[BaseException]]:
    outcomes: Counter[str] = Counter()
    errors: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(threads)

    def run(n: int) -> None:
        try:
            start.wait()
            try:
                outcome = "replayed" if work(n).replayed else "redeemed"
            except DomainError as refused:
                outcome = refused.code.value
            with lock:
                outcomes[outcome] += 1
        except BaseException as error:  # noqa: BLE001 - reported by the test
            with lock:
                errors.append(error)

    pool = [threading.Thread(target=run, args=(n,)) for n in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return outcomes, errors


def test_ten_customers_racing_for_the_last_three_units_exactly_three_win_every_time():
    customers = [_customer(n) for n in range(10)]
    for round_ in range(5):
        fresh_table()
        for c in customers:
            _fund(c)
        item = svc.create_item(OPERATOR, _coupon(stock=3, points_price=100), NOW)
        outcomes, errors = _run(10, lambda n: svc.redeem(customers[n], item.id, f"race-{round_}-{n:02d}", NOW))
        assert errors == [], (round_, errors)
        assert outcomes == {"redeemed": 3, "MALL_ITEM_GONE": 7}, (round_, outcomes)
        stored = svc.get_item(item.id)
        assert (stored.stock, stored.redeemed) == (0, 3), round_
        winners = [c for c in customers if svc.my_redemptions(c, 10).items]
        assert len(winners) == 3, round_
        for c in customers:
            account = account_reads.get_account(c.user_id)
            won = c in winners
            assert (account.available, account.spent) == ((900, 100) if won else (1000, 0)), (round_, c)
            assert len(account_reads.all_entries(c.user_id)) == (2 if won else 1)
            assert mall_store.redeemed_by(item.id, c.user_id) == (1 if won else 0)


def test_one_customer_with_300_points_redeeming_from_8_threads_gets_exactly_3():
    for round_ in range(3):
        fresh_table()
        _fund(ALICE, 300)
        item = svc.create_item(OPERATOR, _coupon(stock=100, points_price=100, per_user_limit=10), NOW)
        outcomes, errors = _run(8, lambda n: svc.redeem(ALICE, item.id, f"spree-{round_}-{n}", NOW))
        assert errors == [], (round_, errors)
        assert outcomes == {"redeemed": 3, "NOT_ENOUGH_POINTS": 5}, (round_, outcomes)
        account = account_reads.get_account(ALICE.user_id)
        assert (account.available, account.spent) == (0, 300), round_
        assert sum(e.amount for e in account_reads.all_entries(ALICE.user_id)) == 0
        assert sum(r for _, r in account_reads.lots(ALICE.user_id)) == 0
        stored = svc.get_item(item.id)
        assert (stored.stock, stored.redeemed) == (97, 3), round_
        assert mall_store.redeemed_by(item.id, ALICE.user_id) == 3
        assert len(svc.my_redemptions(ALICE, 10).items) == 3
