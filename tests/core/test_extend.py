"""core.graphql.extend: a feature adds fields to another feature's type."""
from __future__ import annotations

import pytest
import strawberry

from chalicelib.core.graphql.extend import extends


@strawberry.type
class Thing:
    name: str


@extends(Thing)
@strawberry.type
class ThingShout:
    @strawberry.field(description="The name, loudly.")
    def shout(self, times: int = 1) -> str:
        return self.name.upper() * times


@strawberry.type
class Query:
    @strawberry.field
    def thing(self) -> Thing:
        return Thing(name="mango")


def test_the_added_field_is_in_the_owner_type_and_resolves_on_the_owner_object():
    schema = strawberry.Schema(query=Query)
    assert "shout(times: Int! = 1): String!" in schema.as_str()
    result = schema.execute_sync("{ thing { name shout(times: 2) } }")
    assert result.errors is None and result.data == {"thing": {"name": "mango", "shout": "MANGOMANGO"}}


def test_the_same_mixin_twice_adds_nothing_and_a_clash_is_refused():
    extends(Thing)(ThingShout)
    assert [f.python_name for f in Thing.__strawberry_definition__.fields].count("shout") == 1

    @strawberry.type
    class OtherShout:
        @strawberry.field
        def shout(self) -> str:
            return "!"

    with pytest.raises(TypeError, match="has that field already"):
        extends(Thing)(OtherShout)


def test_the_app_schema_gets_user_and_product_fields_from_their_features():
    from chalicelib.accounts.graphql.user import User
    from chalicelib.catalog.graphql.types import Product
    from chalicelib.schema import schema

    schema()
    user_fields = {f.python_name: getattr(f, "_extended_from", None) for f in User.__strawberry_definition__.fields}
    assert user_fields["orders"].__module__ == "chalicelib.orders.graphql.user_fields"
    assert user_fields["teams"].__module__ == "chalicelib.groupbuy.graphql.user_fields"
    assert user_fields["points"].__module__ == "chalicelib.points.graphql.user_fields"
    product_fields = {f.python_name: getattr(f, "_extended_from", None) for f in Product.__strawberry_definition__.fields}
    assert product_fields["posts"].__module__ == "chalicelib.feeds.graphql.product_fields"
