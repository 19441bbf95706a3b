"""core.stream: records reach the handlers registered for their item type, with typed images."""
from __future__ import annotations

from decimal import Decimal

from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

import chalicelib.stream  # noqa: F401  # the app's registrations
from chalicelib.core import stream
from chalicelib.core.stream import Image, change_of, handlers_of, on_change


def _record(event_name: str, new: dict | None = None, old: dict | None = None) -> DynamoDBRecord:
    dynamodb = {}
    if new is not None:
        dynamodb["NewImage"] = new
    if old is not None:
        dynamodb["OldImage"] = old
    return DynamoDBRecord({"eventName": event_name, "dynamodb": dynamodb})


def test_each_handler_of_the_type_runs_once_in_registration_order(monkeypatch):
    monkeypatch.setattr(stream, "_handlers", {})
    seen = []

    @on_change("Widget")
    def first(change):
        seen.append(("first", change.item_type, change.modified, change.new.number("count"), change.old.number("count")))

    @on_change("Widget", "Gadget")
    def second(change):
        seen.append(("second", change.item_type, change.moved("count"), change.new.text("name"), None))

    on_change("Widget")(first)  # registering twice does not run it twice
    stream.handle_record(_record("MODIFY", {"type": {"S": "Widget"}, "count": {"N": "3"}, "name": {"S": "w"}},
                                 {"type": {"S": "Widget"}, "count": {"N": "2"}}))
    stream.handle_record(_record("INSERT", {"type": {"S": "Other"}}))  # nobody listens: nothing happens
    assert seen == [("first", "Widget", True, 3, 2), ("second", "Widget", True, "w", None)]


def test_a_removed_item_is_routed_by_its_old_image():
    change = change_of(_record("REMOVE", None, {"type": {"S": "Follow"}, "follower_id": {"S": "u1"}}))
    assert change is not None and change.removed and change.item_type == "Follow"
    assert change.new.text("follower_id") is None and change.old.text("follower_id") == "u1"


def test_a_record_without_a_type_is_skipped():
    assert change_of(_record("INSERT", {"PK": {"S": "X"}})) is None


def test_numbers_read_as_integers_with_a_default():
    image = Image({"a": Decimal("7"), "b": "", "c": None})
    assert (image.number("a"), image.number("b"), image.number("c"), image.number("missing", 5)) == (7, 0, 0, 5)


def test_the_app_routes_orders_to_points_purchases_group_buy_and_fulfilment():
    owners = {h.__module__ for h in handlers_of("Order")}
    assert owners == {"chalicelib.points.stream_handlers", "chalicelib.purchases.stream_handlers",
                      "chalicelib.groupbuy.stream_handlers", "chalicelib.fulfilment.stream_handlers",
                      "chalicelib.commission_refunds",  # commissions follow an order's refunds (root assembly)
                      "chalicelib.referrals.stream_handlers",  # a referral follows the invitee's first paid order
                      "chalicelib.distribution.stream_handlers",  # a distributor earns on an attributed order
                      "chalicelib.attribution.stream_handlers"}  # sales counted by what led to them
    assert {h.__module__ for h in handlers_of("User")} == {"chalicelib.referrals.stream_handlers"}  # binding
    assert {h.__module__ for h in handlers_of("Post")} == {"chalicelib.feeds.stream_handlers"}
