"""Exact DynamoDB requests of a salesOrders page (the same for 1 order as for 10) and of shipOrder."""
from __future__ import annotations

from tests.fulfilment.support import merchant_shop, paid_orders, sales, ship

# The caller (GetItem) and ONE Query of the merchant's GSI2 partition (the creation range is its key
# condition). The address and the lines come with each order (SalesOrders selects the lines' skuId, not
# their Sku: no product reads); the lines' refundedQuantity is one BatchGetItem of their after-sales
# ledgers for the whole page.
SALES_PAGE_REQUESTS = {"GetItem": 1, "Query": 1, "BatchGetItem": 1}
# The caller (GetItem), the order (GetItem, consistent), ONE conditional UpdateItem (its answer is
# the order as the write left it: nothing read again).
SHIP_ORDER_REQUESTS = {"GetItem": 2, "UpdateItem": 1}


def test_a_sales_page_costs_one_query_whatever_it_holds_or_its_range(gql, emulator):
    counts = []
    for n in (1, 10):
        token, shop = merchant_shop(gql, f"mei-count-{n}")
        paid_orders(gql, shop, f"buyer-count-{n}", count=n)
        emulator.clear_log()
        assert len(sales(gql, token, first=20)["edges"]) == n
        counts.append(emulator.dynamodb_counts())
        emulator.clear_log()
        assert len(sales(gql, token, first=20, createdFrom="2020-01-01T00:00:00+08:00",
                         createdTo="2099-01-01T00:00:00+08:00")["edges"]) == n
        counts.append(emulator.dynamodb_counts())
    assert counts == [SALES_PAGE_REQUESTS] * 4


def test_ship_order_is_one_conditional_write(gql, emulator):
    token, shop = merchant_shop(gql, "mei-ship-count")
    _, _, (order,) = paid_orders(gql, shop, "buyer-ship-count")
    emulator.clear_log()
    assert ship(gql, token, order)["errors"] == []
    assert emulator.dynamodb_counts() == SHIP_ORDER_REQUESTS
