"""One test per access pattern in docs/data-model.md, against the emulator.

Each test reads through the store the way the service does and checks the exact
DynamoDB operations used, so a pattern that silently became a scan fails here.
"""
from __future__ import annotations

import importlib
import re
from datetime import timedelta
from pathlib import Path

import pytest

from chalicelib.accounts import service as auth
from chalicelib.accounts import store as user_store
from chalicelib.catalog import service as catalog
from chalicelib.catalog import stock as stock_store
from chalicelib.catalog import store
from chalicelib.catalog.rules import ProductStatus
from chalicelib.catalog.stock import ReservationState, StockKey
from chalicelib.core.clock import utc_now
from chalicelib.core.principal import Principal, Role
from chalicelib.core.table.paging import PageRequest
from tests.factories import pair

DOC = Path(__file__).parents[2] / "docs" / "data-model.md"
OPERATOR = Principal("01J0000000000000000000OPER", Role.OPERATOR)
MERCHANT = Principal("01J0000000000000000000MRCH", Role.MERCHANT)


def _documented_patterns() -> list[str]:
    text = DOC.read_text(encoding="utf-8").split("## Access patterns", 1)[1]
    rows = [line for line in text.splitlines() if line.startswith("| ") and not line.startswith("| pattern")]
    return [row.split("|")[1].strip() for row in rows]


def _product(category_id: str, name: str = "Mango", status=ProductStatus.ACTIVE, tags=("summer",), skus=2):
    return catalog.create_product(MERCHANT, catalog.NewProduct(
        category_id=category_id, name=name, tags=tags, status=status,
        skus=tuple(catalog.SkuInput(code=f"C{i}", price=100 + i, stock=5) for i in range(skus)),
    ), utc_now())


@pytest.fixture
def category():
    return catalog.create_category(OPERATOR, "Fruit", None)


def product_page_product_all_skus(emulator, category):
    record = _product(category.id, skus=3)
    emulator.clear_log()
    found = store.product_record(record.product.id)
    assert found.product == record.product and [s.id for s in found.skus] == list(record.product.sku_ids)
    assert emulator.dynamodb_operations() == ["Query"]


def products_of_a_category_newest_first(emulator, category):
    ids = [_product(category.id, name=f"P{i}").product.id for i in range(5)]
    _product(category.id, name="draft", status=ProductStatus.DRAFT)
    emulator.clear_log()
    first = store.active_products_in_category(category.id, 3, None)
    rest = store.active_products_in_category(category.id, 3, first.items[-1].id)
    assert [p.id for p in first.items + rest.items] == ids[::-1]
    assert first.has_more and not rest.has_more
    assert emulator.dynamodb_operations() == ["Query", "Query"]


def skus_of_a_page_of_a_category_s_products(emulator, category):
    records = [_product(category.id, name=f"P{i}", skus=2) for i in range(4)]
    page = store.active_products_in_category(category.id, 2, None).items
    emulator.clear_log()
    skus = store.skus_of_category_page(category.id, page)
    assert set(skus) == {p.id for p in page}
    by_id = {r.product.id: r for r in records}
    assert all([s.id for s in skus[p.id]] == list(by_id[p.id].product.sku_ids) for p in page)
    assert emulator.dynamodb_operations() == ["Query"]


def products_with_a_tag_newest_first(emulator, category):
    tagged = [_product(category.id, name=f"T{i}", tags=("summer",)).product.id for i in range(3)]
    _product(category.id, name="other", tags=("winter",))
    emulator.clear_log()
    page = store.active_products_with_tag("summer", 10, None)
    assert [p.id for p in page.items] == tagged[::-1]
    assert emulator.dynamodb_operations() == ["Query", "BatchGetItem"]


def a_merchant_s_products_any_status(emulator, category):
    ids = [_product(category.id, status=s).product.id for s in (ProductStatus.DRAFT, ProductStatus.ACTIVE)]
    emulator.clear_log()
    page = store.merchant_products(MERCHANT.user_id, 10, None)
    assert [p.id for p in page.items] == ids[::-1]
    assert emulator.dynamodb_operations() == ["Query"]


def category_tree(emulator, category):
    child = catalog.create_category(OPERATOR, "Mango", category.id)
    emulator.clear_log()
    tree = {c.id: c for c in store.category_tree()}
    assert tree[child.id].parent_id == category.id and tree[category.id].parent_id is None
    assert emulator.dynamodb_operations() == ["Query"]


def categories_products_or_skus_by_id(emulator, category):
    records = [_product(category.id, name=f"P{i}") for i in range(3)]
    emulator.clear_log()
    assert set(store.products_by_id(r.product.id for r in records)) == {r.product.id for r in records}
    assert set(store.categories_by_id([category.id, "01J00000000000000000NOPE00"])) == {category.id}
    assert emulator.dynamodb_operations() == ["BatchGetItem", "BatchGetItem"]


def reserve_stock(emulator, category):
    record = _product(category.id)
    key = StockKey.of_sku(record.product.id, record.skus[0].id)
    emulator.clear_log()
    reservation = catalog.reserve_stock("buyer", key, 2, timedelta(minutes=15), utc_now())
    assert emulator.dynamodb_operations() == ["TransactWriteItems"]
    assert stock_store.get_reservation(reservation.id).state is ReservationState.HELD
    assert store.product_record(record.product.id, consistent=True).skus[0].stock.reserved == 2


def release_or_commit_a_reservation(emulator, category):
    record = _product(category.id)
    key = StockKey.of_sku(record.product.id, record.skus[0].id)
    held = [catalog.reserve_stock("buyer", key, 1, timedelta(minutes=15), utc_now()) for _ in range(2)]
    emulator.clear_log()
    assert catalog.release_reservation(held[0].id, utc_now()) is True
    assert catalog.commit_reservation(held[1].id, utc_now()) is True
    assert emulator.dynamodb_operations() == ["GetItem", "TransactWriteItems"] * 2
    counters = store.product_record(record.product.id, consistent=True).skus[0].stock
    assert (counters.available, counters.reserved, counters.sold) == (4, 0, 1)


def sign_in_by_wechat_identity(emulator, category):
    from chalicelib.core.settings import settings

    user = auth.register_user(settings(), "openid-x", Role.CUSTOMER, "X", utc_now())
    emulator.clear_log()
    assert user_store.user_for_identity(auth.WECHAT, auth.openid_digest(settings().wechat_app_id, "openid-x")) == user.id
    assert emulator.dynamodb_operations() == ["GetItem"]


def the_caller_of_an_authenticated_request(emulator, category):
    import chalicelib.schema  # noqa: F401 - registers accounts' user reader with core
    from chalicelib.core import tokens
    from chalicelib.core.authentication import authenticate
    from chalicelib.core.settings import settings

    user = auth.register_user(settings(), "openid-y", Role.MERCHANT, "Y", utc_now())
    token, _ = tokens.issue(settings(), user.id, Role.OPERATOR, utc_now())  # a role the table no longer says
    emulator.clear_log()
    caller = authenticate(settings(), f"Bearer {token}")
    assert caller.principal == Principal(user.id, Role.MERCHANT) and caller.user == user
    assert emulator.dynamodb_operations() == ["GetItem"]


# ---------------------------------------------------------------- group-buy
def _gb():
    from tests.groupbuy.support import RecordingPayments, deal_setup, user

    payments = RecordingPayments()
    deal, sku, _ = deal_setup(team_size=3, stock=10)
    return payments, deal, sku, user


def active_deals_newest_first(emulator, category):
    from chalicelib.groupbuy import store as gb

    _, deal, _, _ = _gb()
    emulator.clear_log()
    deals, more = pair(gb.active_deals(10, None))
    assert [d.id for d in deals] == [deal.id] and not more
    assert emulator.dynamodb_operations() == ["Query"]


def a_deal_s_stock_per_sku(emulator, category):
    from chalicelib.groupbuy import store as gb

    _, deal, sku, _ = _gb()
    emulator.clear_log()
    assert gb.deal_stock(deal.id) == {sku: (10, 0, 0)}
    assert emulator.dynamodb_operations() == ["Query"]


def a_team_and_the_joining_user_in_one_read(emulator, category):
    from chalicelib.groupbuy import service as groupbuy
    from chalicelib.groupbuy import store as gb

    payments, deal, sku, user = _gb()
    leader, joiner = user("leader"), user("joiner")
    team = groupbuy.open_team(leader, deal.id, sku, None, payments, utc_now()).team
    emulator.clear_log()
    found, profile, _ = gb.team_and_user(team.id, joiner.user_id)
    assert found.id == team.id and profile.user_id == joiner.user_id
    assert emulator.dynamodb_operations() == ["BatchGetItem"]


def a_team_with_its_members(emulator, category):
    from chalicelib.groupbuy import service as groupbuy
    from chalicelib.groupbuy import store as gb

    payments, deal, sku, user = _gb()
    team = groupbuy.open_team(user("leader"), deal.id, sku, None, payments, utc_now()).team
    groupbuy.join_team(user("joiner"), team.id, sku, None, payments, utc_now())
    emulator.clear_log()
    found, seats = gb.team_with_seats(team.id)
    assert found.held == 2 and [s.is_leader for s in seats] == [True, False]
    assert emulator.dynamodb_operations() == ["Query"]


def a_deal_s_open_teams_soonest_deadline_first(emulator, category):
    from chalicelib.groupbuy import service as groupbuy
    from chalicelib.groupbuy import store as gb

    payments, deal, sku, user = _gb()
    first = groupbuy.open_team(user("a"), deal.id, sku, None, payments, utc_now()).team
    second = groupbuy.open_team(user("b"), deal.id, sku, None, payments, utc_now() + timedelta(seconds=2)).team
    emulator.clear_log()
    teams = gb.open_teams(deal.id, PageRequest(10), utc_now()).items
    assert [t.id for t in teams] == [first.id, second.id]
    assert emulator.dynamodb_operations() == ["Query"]


def list_a_deal_s_open_teams_on_its_item(emulator, category):
    from chalicelib.groupbuy import open_teams
    from chalicelib.groupbuy import service as groupbuy
    from chalicelib.groupbuy import store as gb

    payments, deal, sku, user = _gb()
    first = groupbuy.open_team(user("a"), deal.id, sku, None, payments, utc_now()).team
    second = groupbuy.open_team(user("b"), deal.id, sku, None, payments, utc_now() + timedelta(seconds=2)).team
    emulator.clear_log()
    assert open_teams.list_open_teams(deal.id, second.id, utc_now()) is True
    assert emulator.dynamodb_operations() == ["Query", "BatchGetItem", "UpdateItem"]
    listing = gb.get_deal(deal.id).listed_open_teams
    assert [t.id for t in listing.teams] == [first.id, second.id] and listing.more is False
    assert open_teams.list_open_teams("no-such-deal", second.id, utc_now()) is False  # never creates a deal


def take_a_seat(emulator, category):
    from chalicelib.groupbuy import service as groupbuy
    from chalicelib.groupbuy import store as gb

    payments, deal, sku, user = _gb()
    team = groupbuy.open_team(user("leader"), deal.id, sku, None, payments, utc_now()).team
    joiner = user("joiner")
    emulator.clear_log()
    groupbuy.join_team(joiner, team.id, sku, None, payments, utc_now())
    assert emulator.dynamodb_operations() == ["BatchGetItem", "TransactWriteItems"]
    assert gb.deal_stock(deal.id)[sku] == (8, 2, 0)


def apply_a_payment(emulator, category):
    from chalicelib.groupbuy import service as groupbuy
    from chalicelib.groupbuy import store as gb
    from tests.groupbuy.support import capture

    payments, deal, sku, user = _gb()
    taken = groupbuy.open_team(user("leader"), deal.id, sku, None, payments, utc_now())
    emulator.clear_log()
    assert capture(taken.order) == "applied"
    assert emulator.dynamodb_operations() == ["GetItem", "TransactWriteItems", "UpdateItem"]
    assert gb.deal_stock(deal.id)[sku] == (9, 0, 1)


def a_user_s_orders_newest_first(emulator, category):
    from chalicelib.groupbuy import service as groupbuy
    from chalicelib.groupbuy import store as gb

    payments, deal, sku, user = _gb()
    buyer = user("buyer")
    orders = [groupbuy.open_team(buyer, deal.id, sku, None, payments, utc_now()).order.id]
    emulator.clear_log()
    found = gb.user_orders_page(buyer.user_id, 10, None).items
    assert [o.id for o in found] == orders
    assert emulator.dynamodb_operations() == ["Query"]


def a_user_s_teams_newest_first(emulator, category):
    from chalicelib.groupbuy import service as groupbuy
    from chalicelib.groupbuy import store as gb

    payments, deal, sku, user = _gb()
    buyer = user("buyer")
    team = groupbuy.open_team(buyer, deal.id, sku, None, payments, utc_now()).team
    emulator.clear_log()
    seats = gb.user_seats_page(buyer.user_id, 10, None).items
    teams = gb.teams_by_id({s.team_id for s in seats})
    assert list(teams) == [team.id]
    assert emulator.dynamodb_operations() == ["Query", "BatchGetItem"]


def orders_whose_refund_failed(emulator, category):
    from chalicelib.groupbuy import payments as groupbuy_payments
    from chalicelib.groupbuy import service as groupbuy
    from chalicelib.groupbuy import store as gb
    from tests.groupbuy.support import capture

    payments, deal, sku, user = _gb()
    taken = groupbuy.open_team(user("leader"), deal.id, sku, None, payments, utc_now())
    capture(taken.order)
    groupbuy.close_team_at_deadline(taken.team.id, taken.team.expires_at + timedelta(seconds=1))
    groupbuy_payments.mark_refund_failed(taken.order.id, "provider down")
    emulator.clear_log()
    failed = gb.refund_failed_orders(10, None).items
    assert [o.id for o in failed] == [taken.order.id]
    assert emulator.dynamodb_operations() == ["Query"]


def _test_name(pattern: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", pattern.lower()).strip("_")


def _pattern_functions(namespace: dict, module: str) -> dict:
    return {name: fn for name, fn in namespace.items() if callable(fn) and not name.startswith(("_", "test"))
            and fn.__module__ == module and name not in {"category"}}


# Each area keeps its patterns beside its own support code; every module listed here
# is part of the one table of documented patterns.
PATTERN_MODULES = ("tests.integration.patterns_points", "tests.integration.patterns_points_jobs",
                   "tests.integration.patterns_mall", "tests.integration.patterns_cart",
                   "tests.integration.patterns_addresses",
                   "tests.integration.patterns_coupons",
                   "tests.integration.patterns_promotions", "tests.integration.patterns_checkout",
                   "tests.integration.patterns_feeds", "tests.integration.patterns_feeds_writes",
                   "tests.integration.patterns_graphql", "tests.integration.patterns_payments",
                   "tests.integration.patterns_pay_for_me", "tests.integration.patterns_aftersales",
                   "tests.integration.patterns_fulfilment", "tests.integration.patterns_community_rounds",
                   "tests.integration.patterns_community_pickup",
                   "tests.integration.patterns_community_leaders", "tests.integration.patterns_commissions",
                   "tests.integration.patterns_assists", "tests.integration.patterns_referrals",
                   "tests.integration.patterns_distribution", "tests.integration.patterns_attribution")
PATTERN_TESTS = _pattern_functions(globals(), __name__)
for _module_name in PATTERN_MODULES:
    try:
        _module = importlib.import_module(_module_name)
    except ModuleNotFoundError as missing:
        if missing.name != _module_name:
            raise
        continue  # that area has no patterns yet
    _found = _pattern_functions(vars(_module), _module_name)
    assert not set(_found) & set(PATTERN_TESTS), f"pattern tests named twice: {set(_found) & set(PATTERN_TESTS)}"
    PATTERN_TESTS.update(_found)


def test_every_documented_pattern_has_a_test_and_every_test_a_row():
    documented = {_test_name(p) for p in _documented_patterns()}
    assert documented == set(PATTERN_TESTS), (documented ^ set(PATTERN_TESTS))


@pytest.mark.parametrize("pattern", _documented_patterns())
def test_access_pattern(pattern, emulator, category):
    PATTERN_TESTS[_test_name(pattern)](emulator, category)
