"""A paid order adds to what led to it, once: its merchant's sales by source (NONE without one) and a
post's (never its author's own orders); shown to the merchant and the post's author only."""
from __future__ import annotations

from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecordEventName
from boto3.dynamodb.types import TypeDeserializer

from chalicelib.addresses import service as addresses
from chalicelib.addresses.rules import AddressFields
from chalicelib.attribution import stream_handlers
from chalicelib.cart import service as cart
from chalicelib.checkout import placing
from chalicelib.checkout import store as checkout_store
from chalicelib.checkout.rules import CheckoutRequest
from chalicelib.core.clock import utc_now
from chalicelib.core.graphql.ids import to_global_id
from chalicelib.core.stream import Change, Image
from chalicelib.groupbuy import service as groupbuy
from chalicelib.groupbuy.store import get_order
from chalicelib.orders.attribution import Attribution, SourceKind
from tests.attribution.support import customer, op
from tests.checkout.support import PAYMENTS, buyer, shop
from tests.feeds.feed_support import post
from tests.groupbuy.support import RecordingPayments, capture, deal_setup, user


def _paid_change(item_type: str, item) -> Change:
    raw = {k: TypeDeserializer().deserialize(v) for k, v in item.serialize().items()}
    return Change(item_type, DynamoDBRecordEventName.MODIFY, Image(raw), Image({**raw, "state": "AWAITING_PAYMENT"}))


def _place_and_pay(shop_, customer_, source: Attribution | None, key: str):
    placed = placing.place_order(customer_, CheckoutRequest(source=source), key, PAYMENTS, None, utc_now())
    assert checkout_store.mark_paid(placed.payment, "wx-1", placed.payment.amount, customer_.user_id, utc_now(),
                                    utc_now())
    item = checkout_store.get_order_item(placed.orders[0].id)
    assert item.state == "TO_SHIP"
    return item


def _paid(item) -> int:
    return sum(int(line.paid) for line in item.lines) + int(item.shipping)


def _sales(rows):
    return {r["source"]: (r["orders"], r["amount"]["amount"]) for r in rows}


def test_a_post_s_orders_count_once_for_its_author_and_its_merchant(gql):
    author_token, author = customer(gql, "attr-author")
    merchant_token, merchant = customer(gql, "attr-merchant", "MERCHANT")
    post_id = post(author.user_id, utc_now())
    post_gid = to_global_id("Post", post_id)
    s = shop(merchant=merchant, price=6000)
    # A reader's order through the post (its Relay id, as the post page holds it), paid; the record redelivered.
    item = _place_and_pay(s, buyer(s, quantities=(1,)), Attribution(SourceKind.POST, post_gid), "attr-count-0001")
    for _ in range(2):
        stream_handlers.order_paid(_paid_change("ShopOrder", item))
    # The author's own order through their own post: the merchant's POST sales, never the post's.
    cart.add(author, s.product_id, s.sku_ids[0], 1, utc_now())
    addresses.add_address(author, AddressFields("作者", "13800000004", "110000", "110100", "110101", "3 号"), True,
                          utc_now())
    author_order = _place_and_pay(s, author, Attribution(SourceKind.POST, post_id), "attr-count-0002")
    stream_handlers.order_paid(_paid_change("ShopOrder", author_order))
    # An order with no source: NONE.
    plain = _place_and_pay(s, buyer(s, quantities=(2,)), None, "attr-count-0003")
    stream_handlers.order_paid(_paid_change("ShopOrder", plain))
    shown = op(gql, "AttributedSalesOfPost", {"id": post_gid}, author_token)["data"]["post"]
    assert _sales(shown["attributedSales"]) == {"POST": (1, _paid(item))}  # shipping included
    assert op(gql, "AttributedSalesOfPost", {"id": post_gid}, merchant_token)["data"]["post"]["attributedSales"] is None
    assert op(gql, "AttributedSalesOfPost", {"id": post_gid}, None)["data"]["post"]["attributedSales"] is None
    mine = op(gql, "AttributedSalesOfMine", {}, merchant_token)["data"]["me"]["salesBySource"]
    assert _sales(mine) == {"POST": (2, _paid(item) + _paid(author_order)), "NONE": (1, _paid(plain))}
    assert op(gql, "AttributedSalesOfMine", {}, author_token)["data"]["me"]["salesBySource"] is None


def test_a_paid_seat_counts_for_its_source_once(gql, emulator):
    deal, sku_id, merchant = deal_setup()
    taken = groupbuy.open_team(user("attr-seat"), deal.id, sku_id, None, RecordingPayments(), utc_now(),
                               source=Attribution(SourceKind.DISTRIBUTOR, "LINKCODE12345678"))
    capture(taken.order)
    item = get_order(taken.order.id)
    assert item.state.value == "PAID_AWAITING_TEAM"
    from chalicelib.groupbuy.mapping import order_item

    change = _paid_change("Order", order_item(item))
    emulator.clear_log()
    stream_handlers.order_paid(change)
    assert emulator.dynamodb_counts() == {"TransactWriteItems": 1}  # no read: a DISTRIBUTOR ref credits no post
    stream_handlers.order_paid(change)  # redelivered: refused by the marker, nothing added
    from chalicelib.attribution.store import merchant_sales

    assert [(r.kind, int(r.orders), int(r.amount)) for r in merchant_sales(merchant.user_id)] == [
        ("DISTRIBUTOR", 1, 1990)]
