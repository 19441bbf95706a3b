"""Exact DynamoDB requests of placeOrder (the same for 1 line as for 10) and of a me.orders page."""
from __future__ import annotations

from chalicelib.core.clock import utc_now
from chalicelib.groupbuy import service as groupbuy
from chalicelib.points.rules_store import forget_cached_rules
from tests.checkout.orders_support import op, place, signed_in, sku_gid
from tests.checkout.support import shop
from tests.groupbuy.support import RecordingPayments, deal_setup

# GetItems: the caller's user, the idempotency key (a replay?), the points account and rules, the address
# book and the default address, the payer's openid (the user again: read only to pay). Queries: the cart and
# the coupons (the rules are cached per container: a warm one reads 6 GetItems). BatchGetItems: SKUs with
# products, promotions. Then ONE TransactWriteItems. The answer's lines' SKUs: their products and SKUs (2
# BatchGetItems; the shipping address is the one just placed, not read again).
PLACE_ORDER_REQUESTS = {"GetItem": 7, "Query": 2, "BatchGetItem": 4, "TransactWriteItems": 1}


def test_placing_costs_the_same_requests_for_one_line_as_for_ten(gql, emulator):
    counts = []
    for lines in (1, 10):
        s = shop(skus=lines)
        token, _ = signed_in(gql, f"lines-{lines}", s, quantities=(1,) * lines)
        forget_cached_rules()  # a cold container reads the points rules (then cached a few minutes)
        emulator.clear_log()
        placed = place(gql, token)
        assert placed["errors"] == [] and len(placed["orders"][0]["lines"]) == lines
        counts.append(emulator.dynamodb_counts())
    assert counts[0] == counts[1] == PLACE_ORDER_REQUESTS


# The caller (GetItem) and ONE Query of both kinds; then for the fields OrdersOfEveryKind selects, batched whatever
# the page holds: the lines' products and SKUs (2 BatchGetItems), the regular orders' payments (1
# BatchGetItem); a group-buy order's team is its loader's one Query per team (as before).
MY_ORDERS_REQUESTS = {"GetItem": 1, "Query": 2, "BatchGetItem": 3}


def test_a_page_of_my_orders_of_both_kinds_is_one_query(gql, emulator):
    s = shop()
    token, buyer = signed_in(gql, "lister", s, quantities=(1,))
    deal, sku_id, _ = deal_setup()
    groupbuy.open_team(buyer, deal.id, sku_id, None, RecordingPayments(), utc_now())
    assert place(gql, token)["errors"] == []
    emulator.clear_log()
    edges = op(gql, "OrdersOfEveryKind", {"first": 20}, token)["data"]["me"]["orders"]["edges"]
    assert [e["node"]["kind"] for e in edges] == ["REGULAR", "GROUP_BUY"]
    assert emulator.dynamodb_counts() == MY_ORDERS_REQUESTS
    for n in range(3):  # more regular orders: no more requests
        assert place(gql, token, key=f"more-orders-{n:04d}", buyNow={"skuId": sku_gid(s), "quantity": 1})[
            "errors"] == []
    emulator.clear_log()
    assert len(op(gql, "OrdersOfEveryKind", {"first": 20}, token)["data"]["me"]["orders"]["edges"]) == 5
    assert emulator.dynamodb_counts() == MY_ORDERS_REQUESTS


def test_the_readme_s_placing_figures(gql, emulator):
    from chalicelib.checkout import placing
    from chalicelib.checkout.rules import DEFAULT_TERMS, MAX_LINES, CheckoutRequest
    from chalicelib.points.published.checkout import get_rules
    from tests.checkout.support import PAYMENTS
    from tests.devstack.test_readme import said

    minutes, lines = said(r"She has (\d+) minutes \(`payment.payBy`\); at most (\d+) lines a checkout")
    assert (int(minutes) * 60, int(lines)) == (DEFAULT_TERMS.payment_window_seconds, MAX_LINES)
    (requests,) = said(r"\*\*Cost of placing\*\*: (\d+) DynamoDB requests whatever the number of lines")
    for n in (1, 10):
        s = shop(skus=n)
        _, buyer = signed_in(gql, f"readme-{n}", s, quantities=(1,) * n)
        get_rules()  # cached, as in a warm container
        emulator.clear_log()
        placing.place_order(buyer, CheckoutRequest(), "readme-key-0001", PAYMENTS, None, utc_now())
        assert sum(emulator.dynamodb_counts().values()) == int(requests)
