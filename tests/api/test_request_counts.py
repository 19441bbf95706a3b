"""Exact DynamoDB requests per GraphQL operation, counted by the emulator.

These counts are the contract that keeps listings free of per-item requests:
the same count for 20 products as for 100.
"""
from __future__ import annotations

import threading

import pytest

from tests.api.catalog_ops import PRODUCT_PAGE, PRODUCTS
from tests.factories import seed_category_with_products


def test_product_page_with_all_skus_and_category_costs_two_requests(gql, emulator, merchant, operator):
    _, product_ids = seed_category_with_products(gql, operator, merchant, count=1, skus_each=5)
    emulator.clear_log()
    data = gql(PRODUCT_PAGE, {"id": product_ids[0]})["data"]["product"]
    assert len(data["skus"]) == 5 and data["category"]["name"]
    assert emulator.dynamodb_counts() == {"Query": 1, "BatchGetItem": 1}


@pytest.mark.parametrize("page", [20, 100])
def test_product_listing_with_skus_costs_three_requests_whatever_the_page_size(gql, emulator, merchant, operator, page):
    category, _ = seed_category_with_products(gql, operator, merchant, count=page + 5, skus_each=3)
    emulator.clear_log()
    listing = gql(PRODUCTS, {"categoryId": category, "first": page})["data"]["products"]
    assert len(listing["edges"]) == page
    assert all(len(edge["node"]["skus"]) == 3 for edge in listing["edges"])
    assert listing["pageInfo"]["hasNextPage"] is True
    # GSI1 page of products, one GSI2 range of their SKUs, one batch of categories.
    assert emulator.dynamodb_counts() == {"Query": 2, "BatchGetItem": 1}


def test_listing_without_skus_does_not_read_them(gql, emulator, merchant, operator):
    category, _ = seed_category_with_products(gql, operator, merchant, count=3, skus_each=2)
    emulator.clear_log()
    gql("query($c: ID!) { products(categoryId: $c) { edges { node { name } } } }", {"c": category})
    assert emulator.dynamodb_counts() == {"Query": 1}


def test_a_points_page_costs_one_query_and_a_ledger_page_one_besides_the_caller_read(gql, emulator, customer):
    from chalicelib.points import rules_store as points_store

    gql("mutation { checkIn { points } }", token=customer)
    points_store.get_rules()  # warm: the rules are read once a minute per container
    emulator.clear_log()
    account = gql("""{ me { points { available pending pendingReleases { points } expiringSoon { points }
      lifetimeEarned growth tier { name } nextTier { name } tierProgressPercent checkInStreak checkedInToday } } }""",
                  token=customer)["data"]["me"]["points"]
    assert account["available"] == 5 and account["checkedInToday"] is True
    # The caller's user (one GetItem per authenticated request), the account's items.
    assert emulator.dynamodb_counts() == {"GetItem": 1, "Query": 1}
    emulator.clear_log()
    ledger = gql("{ me { points { ledger(first: 20) { edges { node { points reason } } } } } }",
                 token=customer)["data"]["me"]["points"]["ledger"]
    assert [e["node"]["points"] for e in ledger["edges"]] == [5]
    assert emulator.dynamodb_counts() == {"GetItem": 1, "Query": 1}


def test_checking_in_posts_in_one_transaction(gql, emulator, customer):
    from chalicelib.points import rules_store as points_store

    points_store.get_rules()
    emulator.clear_log()
    result = gql("mutation { checkIn { points } }", token=customer)["data"]["checkIn"]
    assert result["points"] == 5
    # Read the caller's user and the streak (a GetItem each), post (one transaction).
    assert emulator.dynamodb_counts() == {"GetItem": 2, "TransactWriteItems": 1}


def _deals_with_an_open_team_each(gql, operator, merchant, customer, count: int) -> None:
    from datetime import UTC, datetime, timedelta

    from tests.api.catalog_ops import CREATE_PRODUCT
    from tests.factories import create_category
    from tests.groupbuy.ops import CREATE_DEAL, OPEN_TEAM

    category = create_category(gql, operator)
    now = datetime.now(UTC)
    for n in range(count):
        product = gql(CREATE_PRODUCT, {"input": {"categoryId": category, "name": f"Mango {n}", "status": "ACTIVE",
                                                 "skus": [{"code": "M", "price": 3990, "stock": 100}]}},
                      token=merchant)["data"]["createProduct"]["product"]
        sku = product["skus"][0]["id"]
        deal = gql(CREATE_DEAL, {"input": {"productId": product["id"], "prices": [{"skuId": sku, "price": 1990}],
                                           "stock": [{"skuId": sku, "quantity": 10}], "teamSize": 3,
                                           "startsAt": (now - timedelta(minutes=1)).isoformat(),
                                           "endsAt": (now + timedelta(days=1)).isoformat()}},
                   token=merchant)["data"]["createDeal"]["deal"]
        opened = gql(OPEN_TEAM, {"dealId": deal["id"], "skuId": sku}, token=customer)["data"]["openTeam"]
        assert opened["errors"] == []


@pytest.mark.parametrize("deals", [5, 10])
def test_a_deals_page_with_open_teams_costs_three_requests_whatever_its_size(gql, emulator, operator, merchant,
                                                                          customer, monkeypatch, deals):
    from tests.groupbuy.ops import DEALS
    from tests.groupbuy.support import deliver_table_stream

    _deals_with_an_open_team_each(gql, operator, merchant, customer, deals)
    deliver_table_stream(emulator, monkeypatch)  # each deal lists its open teams on its item
    emulator.clear_log()
    edges = gql(DEALS)["data"]["deals"]["edges"]
    assert len(edges) == deals
    assert all(len(edge["node"]["openTeams"]["edges"]) == 1 for edge in edges)
    # The deals' GSI1 page (their open teams come on the deal items), a batch of their
    # products, one of their SKUs: 3 requests for 5 deals as for 10 (was 1 + N Queries).
    assert emulator.dynamodb_counts() == {"Query": 1, "BatchGetItem": 2}
    # What the README tells client teams.
    requests, small, large = _readme_deals_page_figures()
    assert sum(emulator.dynamodb_counts().values()) == requests and deals in (small, large)


def _readme_deals_page_figures() -> tuple[int, int, int]:
    import re
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    found = re.search(r"(\d+)\s+DynamoDB\s+requests\s+for\s+a\s+page\s+of\s+(\d+)\s+deals\s+or\s+of\s+(\d+)", readme)
    assert found, "the README no longer states the deals page's requests: update this test with it"
    return int(found[1]), int(found[2]), int(found[3])


def _as_deals_from_before_the_listing() -> None:
    """Remove every deal's listed open teams, as on a deal created before the listing existed."""
    from chalicelib.core.table.models import TableItem
    from chalicelib.groupbuy import keys
    from chalicelib.groupbuy.models import DealItem

    for deal in TableItem.gsi1.query(keys.ACTIVE_DEALS):
        DealItem(deal.PK, deal.SK).update([DealItem.listed_open_teams.remove()])


def test_deals_that_list_no_open_teams_cost_one_query_each_run_at_once(gql, emulator, operator, merchant,
                                                                      customer, monkeypatch):
    from chalicelib.groupbuy import store as groupbuy_store
    from tests.groupbuy.ops import DEALS

    _deals_with_an_open_team_each(gql, operator, merchant, customer, 3)
    _as_deals_from_before_the_listing()
    # Each deal's Query waits until all three are in flight: asked one after another, it times out.
    in_flight = threading.Barrier(3, timeout=5)
    query_open_teams = groupbuy_store.open_teams

    def open_teams_once_all_asked(*listing):
        in_flight.wait()
        return query_open_teams(*listing)

    monkeypatch.setattr(groupbuy_store, "open_teams", open_teams_once_all_asked)
    emulator.clear_log()
    result = gql(DEALS)
    assert "errors" not in result
    assert [len(e["node"]["openTeams"]["edges"]) for e in result["data"]["deals"]["edges"]] == [1, 1, 1]
    # Their own GSI1 partitions, with their own page windows: one Query a deal (also with `after`).
    assert emulator.dynamodb_counts() == {"Query": 1 + 3, "BatchGetItem": 2}
