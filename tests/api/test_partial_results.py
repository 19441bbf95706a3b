"""One failing field does not erase the others: root fields and connections are
nullable, so an error stays at its own path (the Shopify/Saleor practice)."""
from __future__ import annotations

from graphql import GraphQLNonNull, GraphQLObjectType

from chalicelib.schema import schema
from tests.factories import create_category


def test_every_root_field_and_every_connection_is_nullable():
    graphql_schema = schema()._schema
    non_null = [f"{root.name}.{name}" for root in (graphql_schema.query_type, graphql_schema.mutation_type)
                for name, field in root.fields.items() if isinstance(field.type, GraphQLNonNull)]
    assert non_null == []
    connections = [f"{type_name}.{name}" for type_name, t in graphql_schema.type_map.items()
                   if isinstance(t, GraphQLObjectType) and not type_name.startswith("__")
                   for name, field in t.fields.items()
                   if isinstance(field.type, GraphQLNonNull)
                   and getattr(field.type.of_type, "name", "").endswith("Connection")]
    assert connections == []


def test_signed_out_me_fails_alone(gql, operator):
    create_category(gql, operator)
    answer = gql("{ categories { id name } me { id } }")
    assert [c["name"] for c in answer["data"]["categories"]] and answer["data"]["me"] is None
    (error,) = answer["errors"]
    assert error["path"] == ["me"] and error["extensions"]["code"] == "UNAUTHENTICATED"


def test_a_tampered_cursor_fails_only_its_connection(gql, operator):
    create_category(gql, operator)
    answer = gql("""{ categories { id } deals(first: 2, after: "not-a-cursor") { edges { node { id } } }
                      discoverFeed(first: 2) { edges { cursor } } }""")
    assert answer["data"]["categories"] and answer["data"]["deals"] is None
    assert answer["data"]["discoverFeed"] == {"edges": []}
    (error,) = answer["errors"]
    assert error["path"] == ["deals"] and error["extensions"]["code"] == "INVALID_CURSOR"
